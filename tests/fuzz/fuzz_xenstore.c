/*
 * fuzz_xenstore.c - libFuzzer harness for xenstored's message interface
 * (dom0-tools/xenstore): a store with small quotas and domains 0, 1 and 2
 * is fed a sequence of raw messages (format: fuzz_xenstore.h), each an
 * exact-size heap copy so ASan sees any read past its end.
 *
 * Checked on top of the sanitizers: a message is refused without a reply
 * only for the documented reasons; otherwise it gets exactly one reply of
 * its own type or XS_ERROR (with Xen's error names only), plus watch
 * events; every queued message is well formed and within
 * XENSTORE_PAYLOAD_MAX; guests stay within their watch, transaction and
 * event and memory quotas; every node's owner is charged exactly for it
 * (xs_store_check); destroying the store frees everything (LeakSanitizer).
 */
#include "fuzz_util.h"
#include "fuzz_xenstore.h"

#include <errno.h>

#include "xenstore.h"

#define Q_NODES  40
#define Q_WATCH  6
#define Q_TXNS   3
#define Q_EVENTS 8
#define Q_MEMORY 16384

static const char *const error_names[] = {
    "EINVAL",    "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM",  "ENOSPC", "EIO",
    "ENOTEMPTY", "ENOSYS", "EROFS",  "EBUSY",  "EAGAIN", "EISCONN", "E2BIG",  "EPERM"};

static struct xs_store *new_store(void)
{
    struct xs_store *s;
    struct xs_quota q;

    xs_quota_defaults(&q);
    q.nodes = Q_NODES;
    q.watches = Q_WATCH;
    q.transactions = Q_TXNS;
    q.events = Q_EVENTS;
    q.memory = Q_MEMORY;
    FUZZ_CHECK(xs_store_create(&q, NULL, &s) == 0);
    FUZZ_CHECK(xs_introduce(s, 0, 1, 1, 1) == 0);
    FUZZ_CHECK(xs_introduce(s, 0, 2, 2, 2) == 0);
    /* homes as the toolstack makes them, so guests can create nodes */
    FUZZ_CHECK(xs_mkdir(s, 0, 0, "/local/domain/1") == 0);
    FUZZ_CHECK(xs_set_perms(s, 0, 0, "/local/domain/1", "n1", 3) == 0);
    FUZZ_CHECK(xs_mkdir(s, 0, 0, "/local/domain/2") == 0);
    FUZZ_CHECK(xs_set_perms(s, 0, 0, "/local/domain/2", "n2\0r1", 6) == 0);
    return s;
}

static bool known_error(const char *p, uint32_t len)
{
    for (size_t i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++) {
        if (len == strlen(error_names[i]) + 1 && memcmp(p, error_names[i], len) == 0)
            return true;
    }
    return false;
}

/* Takes domid's queued messages: well formed; the number of replies among them. */
static int drain(struct xs_store *s, uint16_t domid, uint32_t type)
{
    const void *m;
    size_t n;
    int replies = 0;

    while ((n = xs_output_peek(s, domid, &m)) != 0) {
        struct xsd_sockmsg h;
        const char *p = (const char *)m + sizeof(h);
        FUZZ_CHECK(n >= sizeof(h));
        memcpy(&h, m, sizeof(h));
        FUZZ_CHECK(h.len == n - sizeof(h) && h.len <= XENSTORE_PAYLOAD_MAX);
        if (h.type == XS_WATCH_EVENT) {
            FUZZ_CHECK(h.len >= 2 && p[h.len - 1] == '\0' && memchr(p, '\0', h.len - 1));
        } else {
            FUZZ_CHECK(h.type == type || h.type == XS_ERROR);
            FUZZ_CHECK(h.type != XS_ERROR || known_error(p, h.len));
            replies++;
        }
        xs_output_pop(s, domid);
    }
    return replies;
}

static void check_quotas(const struct xs_store *s, uint16_t domid)
{
    struct xs_usage u;

    if (xs_domain_usage(s, domid, &u) < 0)
        return;
    FUZZ_CHECK(u.watches <= Q_WATCH && u.transactions <= Q_TXNS && u.events <= Q_EVENTS);
    FUZZ_CHECK(domid == 0 || u.memory <= Q_MEMORY);
}

static void one_message(struct xs_store *s, uint16_t domid, const uint8_t *msg, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    struct xsd_sockmsg h = {.type = XS_INVALID};
    int rc, replies;

    FUZZ_CHECK(copy != NULL);
    if (len)
        memcpy(copy, msg, len);
    if (len >= sizeof(h))
        memcpy(&h, msg, sizeof(h));
    rc = xs_handle_message(s, domid, copy, len);
    free(copy);
    replies = drain(s, domid, h.type);
    if (rc == -ESRCH || (rc == -EINVAL && len < sizeof(h))) {
        FUZZ_CHECK(replies == 0);
        return;
    }
    FUZZ_CHECK(rc == 0 || rc == -E2BIG || rc == -EINVAL);
    FUZZ_CHECK(replies == 1);
    for (uint16_t d = 0; d < FUZZ_XS_DOMAINS; d++) {
        FUZZ_CHECK(drain(s, d, XS_INVALID) == 0); /* events only */
        check_quotas(s, d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_store *s = new_store();
    struct fuzz_reader r = fuzz_reader_init(data, size);

    for (int i = 0; i < FUZZ_XS_MAX_MESSAGES && r.left; i++) {
        uint16_t domid = fuzz_u8(&r) % FUZZ_XS_DOMAINS;
        size_t len = fuzz_u16(&r);
        if (len > r.left)
            len = r.left;
        one_message(s, domid, r.data, len);
        r.data += len;
        r.left -= len;
    }
    FUZZ_CHECK(xs_store_check(s) == 0); /* nodes and bytes charged to the right domains */
    xs_store_destroy(s);
    return 0;
}
