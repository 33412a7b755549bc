/*
 * xs_test.h - what the xenstore unit tests share: a store per test with
 * small quotas (so floods are quick), domains 1 and 2 introduced, and
 * helpers that read values and take watch events off a domain's queue.
 */
#ifndef SKIFF_TESTS_XS_TEST_H
#define SKIFF_TESTS_XS_TEST_H

#include <check.h>
#include <errno.h>
#include <string.h>

#include "lib/lib_test.h"
#include "xenstore.h"

#define Q_NODES  50
#define Q_WATCH  8
#define Q_TXNS   3
#define Q_EVENTS 16

static struct xs_store *st;

static inline void xs_setup(void)
{
    struct xs_quota q;

    xs_quota_defaults(&q);
    q.nodes = Q_NODES;
    q.watches = Q_WATCH;
    q.transactions = Q_TXNS;
    q.events = Q_EVENTS;
    ck_assert_int_eq(xs_store_create(&q, NULL, &st), 0);
    ck_assert_int_eq(xs_introduce(st, 0, 1, 0x1000, 11), 0);
    ck_assert_int_eq(xs_introduce(st, 0, 2, 0x2000, 12), 0);
}

static inline void xs_teardown(void)
{
    ck_assert_int_eq(xs_store_check(st), 0); /* nodes and bytes charged to the right domains */
    xs_store_destroy(st);
    st = NULL;
}

/* Drops every queued message of domid. */
static inline void drain(uint16_t domid)
{
    const void *m;

    while (xs_output_peek(st, domid, &m))
        xs_output_pop(st, domid);
}

/* The value at path as read by domid (NUL-terminated in a static buffer), or NULL. */
static inline const char *rd(uint16_t domid, const char *path)
{
    static char buf[XENSTORE_PAYLOAD_MAX + 1];
    size_t len;

    if (xs_read(st, domid, 0, path, buf, XENSTORE_PAYLOAD_MAX, &len) < 0)
        return NULL;
    buf[len] = '\0';
    return buf;
}

static inline int wr(uint16_t domid, const char *path, const char *value)
{
    return xs_write(st, domid, 0, path, value, strlen(value));
}

/* Takes the next queued message of domid; expects a watch event "path\0token\0". */
static inline int next_event(uint16_t domid, char *path, char *token)
{
    const unsigned char *m;
    struct xsd_sockmsg h;
    size_t n = xs_output_peek(st, domid, (const void **)&m);

    if (n == 0)
        return 0;
    memcpy(&h, m, sizeof(h));
    ck_assert_uint_eq(h.type, XS_WATCH_EVENT);
    ck_assert_uint_eq(h.len + sizeof(h), n);
    strcpy(path, (const char *)m + sizeof(h));
    strcpy(token, (const char *)m + sizeof(h) + strlen(path) + 1);
    ck_assert_uint_eq(strlen(path) + strlen(token) + 2, h.len);
    xs_output_pop(st, domid);
    return 1;
}

/* Asserts the next event of domid is (path, token). */
#define expect_event(domid, p, t)                                  \
    do {                                                           \
        char ep_[XENSTORE_PAYLOAD_MAX], et_[XENSTORE_PAYLOAD_MAX]; \
        ck_assert_int_eq(next_event(domid, ep_, et_), 1);          \
        ck_assert_str_eq(ep_, p);                                  \
        ck_assert_str_eq(et_, t);                                  \
    } while (0)

#define expect_no_event(domid)                                \
    do {                                                      \
        const void *m_;                                       \
        ck_assert_uint_eq(xs_output_peek(st, domid, &m_), 0); \
    } while (0)

#endif
