/*
 * vbd_backing.c - what a virtual disk sits on: a whole dom0 block device,
 * a range of one (a slice: a small blkdev that shifts and bounds the
 * sectors of the one below), or a new RAM disk. Owns the slices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"
#include "vbd_backing.h"

struct slice {
    struct blkdev dev; /* first: the registry hands this out */
    struct blkdev *below;
    uint64_t first;
};

static uint64_t req_sectors(const struct blkdev_req *req)
{
    uint64_t bytes = 0;

    for (unsigned int i = 0; i < req->nr_segs; i++)
        bytes += req->segs[i].len;
    return bytes / BLKDEV_SECTOR_SIZE;
}

static int slice_submit(struct blkdev *dev, struct blkdev_req *req)
{
    struct slice *s = (struct slice *)dev;
    uint64_t n = req_sectors(req);
    int rc;

    if (req->op != BLKDEV_FLUSH) {
        if (req->sector > dev->sectors || n > dev->sectors - req->sector)
            return -EINVAL;
        req->sector += s->first;
    }
    rc = s->below->submit(s->below, req);
    if (rc && req->op != BLKDEV_FLUSH)
        req->sector -= s->first; /* as the submitter gave it, for a retry */
    return rc;
}

static void slice_poll(struct blkdev *dev)
{
    struct slice *s = (struct slice *)dev;

    if (s->below->poll)
        s->below->poll(s->below);
}

/* "<digits>" fully, into *out. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;

    if (n == 0 || n > 19)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* "<number>[K|M|G]" bytes, a whole number of sectors. */
static bool parse_size(const char *s, uint64_t *bytes)
{
    size_t n = strlen(s);
    uint64_t mult = 1, v;

    if (n > 0 && strchr("KkMmGg", s[n - 1])) {
        char u = s[n - 1];
        mult = (u == 'K' || u == 'k')   ? 1ull << 10
               : (u == 'M' || u == 'm') ? 1ull << 20
                                        : 1ull << 30;
        n--;
    }
    if (!parse_u64(s, n, &v) || v == 0 || v > (1ull << 40) / mult)
        return false;
    *bytes = v * mult;
    return *bytes % BLKDEV_SECTOR_SIZE == 0;
}

static int new_ramdisk(const char *size, struct blkdev **out, const char **why)
{
    static unsigned int next;
    char name[BLKDEV_NAME_MAX];
    uint64_t bytes;
    int rc;

    if (!parse_size(size, &bytes)) {
        *why = "bad RAM disk size (ram:<bytes>[K|M|G], a whole number of 512-byte sectors)";
        return -EINVAL;
    }
    do
        snprintf(name, sizeof(name), "ram%u", next++);
    while (blkdev_find(name));
    rc = ramdisk_create(name, bytes / BLKDEV_SECTOR_SIZE);
    if (rc) {
        *why = rc == -ENOMEM ? "not enough dom0 memory for the RAM disk" : "cannot make a RAM disk";
        return rc;
    }
    *out = blkdev_find(name);
    return 0;
}

/* "<dev>:<first>+<count>": a slice of dev, registered as "<dev>.<first>". */
static int new_slice(struct blkdev *below, const char *range, struct blkdev **out, const char **why)
{
    const char *plus = strchr(range, '+');
    uint64_t first, count;
    struct slice *s;
    char name[BLKDEV_NAME_MAX];

    if (!plus || !parse_u64(range, (size_t)(plus - range), &first) ||
        !parse_u64(plus + 1, strlen(plus + 1), &count) || count == 0) {
        *why = "bad range (<device>:<first sector>+<sectors>)";
        return -EINVAL;
    }
    if (first > below->sectors || count > below->sectors - first) {
        *why = "the range goes past the end of the device";
        return -EINVAL;
    }
    snprintf(name, sizeof(name), "%.6s.%lu", below->name, (unsigned long)first);
    if ((*out = blkdev_find(name)) != NULL) {
        if ((*out)->sectors == count)
            return 0;
        *why = "a different range starting there is in use";
        return -EEXIST;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        *why = "out of memory";
        return -ENOMEM;
    }
    snprintf(s->dev.name, sizeof(s->dev.name), "%s", name);
    s->dev.sectors = count;
    s->dev.readonly = below->readonly;
    s->dev.can_flush = below->can_flush;
    s->dev.queue_depth = below->queue_depth;
    s->dev.submit = slice_submit;
    s->dev.poll = slice_poll;
    s->below = below;
    s->first = first;
    blkdev_register(&s->dev);
    *out = &s->dev;
    return 0;
}

int vbd_backing_open(const char *spec, struct blkdev **out, bool *made, const char **why)
{
    char dev[BLKDEV_NAME_MAX];
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    struct blkdev *below;

    *made = false;
    if (colon && n == 3 && strncmp(spec, "ram", 3) == 0) {
        int rc = new_ramdisk(colon + 1, out, why);
        *made = rc == 0;
        return rc;
    }
    if (n == 0 || n >= sizeof(dev)) {
        *why = "bad backing (<device>, <device>:<first>+<count> or ram:<size>)";
        return -EINVAL;
    }
    memcpy(dev, spec, n);
    dev[n] = '\0';
    below = blkdev_find(dev);
    if (!below) {
        *why = "no such dom0 block device (see block-devices)";
        return -ENODEV;
    }
    if (!colon) {
        *out = below;
        return 0;
    }
    return new_slice(below, colon + 1, out, why);
}

int vbd_backing_close(struct blkdev *dev, bool made)
{
    return made ? ramdisk_destroy(dev->name) : 0;
}
