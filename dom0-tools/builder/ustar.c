/*
 * ustar.c - walking a ustar archive held in memory (ustar.h): each 512-byte
 * header is checked completely before its entry is returned, and every
 * offset is compared against the bytes that remain, so a corrupt or hostile
 * archive gives an error line, never a read outside it.
 */
#include <errno.h>
#include <string.h>

#include "ustar.h"

/* Field offsets and sizes of a ustar header block (POSIX.1-1988). */
#define NAME_OFF     0
#define NAME_LEN     100
#define SIZE_OFF     124
#define SIZE_LEN     12
#define CHKSUM_OFF   148
#define CHKSUM_LEN   8
#define TYPE_OFF     156
#define MAGIC_OFF    257 /* "ustar\0" then version "00"; GNU: "ustar  \0" */
#define MAGIC_LEN    8
#define PREFIX_OFF   345
#define PREFIX_LEN   155
#define TYPE_REGULAR '0'
#define TYPE_OLD_REG '\0'

static int fail(struct ustar_iter *it, const char **why, const char *msg)
{
    it->done = true;
    it->err = -EINVAL;
    it->why = msg;
    *why = msg;
    return -EINVAL;
}

static bool all_zero(const unsigned char *b)
{
    for (size_t i = 0; i < USTAR_BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

static bool good_magic(const unsigned char *h)
{
    return memcmp(h + MAGIC_OFF,
                  "ustar\0"
                  "00",
                  MAGIC_LEN) == 0 ||
           memcmp(h + MAGIC_OFF, "ustar  \0", MAGIC_LEN) == 0;
}

/*
 * An octal number field: optional leading spaces, at least one octal digit,
 * then only NULs or spaces up to the end of the field. -1 if malformed.
 */
static int64_t parse_octal(const unsigned char *f, size_t len)
{
    size_t i = 0;
    int64_t v = 0;

    while (i < len && f[i] == ' ')
        i++;
    if (i == len || f[i] < '0' || f[i] > '7')
        return -1;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (f[i] - '0'); /* at most 12 digits: no overflow */
    for (; i < len; i++)
        if (f[i] != '\0' && f[i] != ' ')
            return -1;
    return v;
}

/* The header's checksum: the sum of its bytes with the checksum field as spaces. */
static int64_t header_sum(const unsigned char *h)
{
    int64_t sum = 0;

    for (size_t i = 0; i < USTAR_BLOCK; i++)
        sum += (i >= CHKSUM_OFF && i < CHKSUM_OFF + CHKSUM_LEN) ? ' ' : h[i];
    return sum;
}

/* A name field must hold its NUL: a name filling the field is refused. */
static bool field_terminated(const unsigned char *f, size_t len)
{
    return memchr(f, '\0', len) != NULL;
}

static void copy_name(const unsigned char *h, char *out)
{
    const char *prefix = (const char *)h + PREFIX_OFF, *name = (const char *)h + NAME_OFF;
    size_t n = 0;

    if (prefix[0]) {
        n = strlen(prefix);
        memcpy(out, prefix, n);
        out[n++] = '/';
    }
    memcpy(out + n, name, strlen(name) + 1);
}

static size_t padded(size_t size)
{
    return (size + USTAR_BLOCK - 1) / USTAR_BLOCK * USTAR_BLOCK;
}

static int check_header(struct ustar_iter *it, const unsigned char *h, size_t left,
                        const char **why)
{
    if (!good_magic(h))
        return fail(it, why, "not a ustar header (bad magic)");
    if (parse_octal(h + CHKSUM_OFF, CHKSUM_LEN) != header_sum(h))
        return fail(it, why, "bad header checksum");
    if (!field_terminated(h + NAME_OFF, NAME_LEN) || !field_terminated(h + PREFIX_OFF, PREFIX_LEN))
        return fail(it, why, "name not NUL-terminated");
    if (h[NAME_OFF] == '\0')
        return fail(it, why, "empty name");
    int64_t size = parse_octal(h + SIZE_OFF, SIZE_LEN);
    if (size < 0)
        return fail(it, why, "bad size field");
    if ((uint64_t)size > left - USTAR_BLOCK || padded((size_t)size) > left - USTAR_BLOCK)
        return fail(it, why, "truncated: file data past the end of the archive");
    return 0;
}

void ustar_iter_init(struct ustar_iter *it, const void *archive, size_t size)
{
    it->archive = archive;
    it->size = size;
    it->offset = 0;
    it->done = false;
    it->err = 0;
    it->why = "end of archive";
}

int ustar_next(struct ustar_iter *it, struct ustar_entry *e, const char **why)
{
    while (!it->done) {
        size_t left = it->size - it->offset;
        if (left == 0)
            break; /* an archive may end without its zero blocks */
        if (left < USTAR_BLOCK)
            return fail(it, why, "truncated: header past the end of the archive");
        const unsigned char *h = it->archive + it->offset;
        if (all_zero(h))
            break; /* the end-of-archive marker */
        int rc = check_header(it, h, left, why);
        if (rc)
            return rc;
        size_t size = (size_t)parse_octal(h + SIZE_OFF, SIZE_LEN);
        it->offset += USTAR_BLOCK + padded(size);
        if (h[TYPE_OFF] != TYPE_REGULAR && h[TYPE_OFF] != TYPE_OLD_REG)
            continue; /* directories, links, extended headers: not for us */
        copy_name(h, e->name);
        e->data = h + USTAR_BLOCK;
        e->size = size;
        return 1;
    }
    it->done = true;
    *why = it->why;
    return it->err;
}

int ustar_find(const void *archive, size_t size, const char *name, struct ustar_entry *e,
               const char **why)
{
    struct ustar_iter it;
    int rc;

    ustar_iter_init(&it, archive, size);
    while ((rc = ustar_next(&it, e, why)) == 1)
        if (strcmp(e->name, name) == 0)
            return 0;
    if (rc == 0) {
        *why = "no such file in the archive";
        return -ENOENT;
    }
    return rc;
}
