/*
 * test_xs_wire.c - unit tests of xs_handle_message(): every request type
 * in a round trip through the output queue, and what a hostile guest can
 * send (HOSTILE.md X1-X2): bad lengths, missing NULs, bad types, argument
 * counts, numbers, permission strings, replies never taken, and seeded
 * random messages that must each get exactly one well-formed reply.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "xs_test.h"

struct msg {
    struct xsd_sockmsg h;
    char p[XENSTORE_PAYLOAD_MAX + 1]; /* NUL added after the payload */
};

static int send_raw(uint16_t domid, const void *bytes, size_t len)
{
    /* an exact-size heap copy, so ASan sees any read past the end */
    void *copy = malloc(len ? len : 1);
    int rc;

    memcpy(copy, bytes, len);
    rc = xs_handle_message(st, domid, copy, len);
    free(copy);
    return rc;
}

static int sendm(uint16_t domid, uint32_t type, uint32_t tx, const void *p, size_t len)
{
    unsigned char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = {type, 0x1234, tx, (uint32_t)len};

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    return send_raw(domid, buf, sizeof(h) + len);
}

/* Takes domid's next message; 0 if there is none. */
static int take(uint16_t domid, struct msg *m)
{
    const void *bytes;
    size_t n = xs_output_peek(st, domid, &bytes);

    if (n == 0)
        return 0;
    ck_assert_uint_ge(n, sizeof(m->h));
    memcpy(&m->h, bytes, sizeof(m->h));
    ck_assert_uint_eq(m->h.len, n - sizeof(m->h));
    ck_assert_uint_le(m->h.len, XENSTORE_PAYLOAD_MAX);
    memcpy(m->p, (const char *)bytes + sizeof(m->h), m->h.len);
    m->p[m->h.len] = '\0';
    xs_output_pop(st, domid);
    return 1;
}

/* Sends a request and returns the reply's payload (type checked: `type` or XS_ERROR). */
static const char *call(uint16_t domid, uint32_t type, uint32_t tx, const void *p, size_t len)
{
    static struct msg m;

    ck_assert_int_eq(sendm(domid, type, tx, p, len), 0);
    do
        ck_assert_int_eq(take(domid, &m), 1);
    while (m.h.type == XS_WATCH_EVENT);
    ck_assert_uint_eq(m.h.req_id, 0x1234);
    ck_assert_uint_eq(m.h.tx_id, tx);
    ck_assert(m.h.type == type || m.h.type == XS_ERROR);
    return m.p;
}

#define CALL_S(domid, type, tx, lit) call(domid, type, tx, lit, sizeof(lit) - 1)

START_TEST(test_round_trips)
{
    ck_assert_str_eq(CALL_S(0, XS_WRITE, 0, "/a/b\0hello"), "OK");
    ck_assert_str_eq(CALL_S(0, XS_READ, 0, "/a/b\0"), "hello");
    ck_assert_str_eq(CALL_S(0, XS_MKDIR, 0, "/a/c\0"), "OK");
    const char *dir = CALL_S(0, XS_DIRECTORY, 0, "/a\0");
    ck_assert_mem_eq(dir, "b\0c\0", 4);
    ck_assert_str_eq(CALL_S(0, XS_SET_PERMS, 0, "/a/b\0n1\0r2\0"), "OK");
    ck_assert_mem_eq(CALL_S(0, XS_GET_PERMS, 0, "/a/b\0"), "n1\0r2\0", 6);
    ck_assert_str_eq(CALL_S(0, XS_RM, 0, "/a/c\0"), "OK");
    ck_assert_str_eq(CALL_S(0, XS_READ, 0, "/a/c\0"), "ENOENT");
    ck_assert_str_eq(CALL_S(2, XS_GET_DOMAIN_PATH, 0, "2\0"), "/local/domain/2");
    ck_assert_str_eq(CALL_S(0, XS_IS_DOMAIN_INTRODUCED, 0, "2\0"), "T");
    ck_assert_str_eq(CALL_S(0, XS_IS_DOMAIN_INTRODUCED, 0, "3\0"), "F");
    ck_assert_str_eq(CALL_S(0, XS_INTRODUCE, 0,
                            "3\0"
                            "4096\0"
                            "7\0"),
                     "OK");
    ck_assert_str_eq(CALL_S(0, XS_RELEASE, 0, "3\0"), "OK");
}
END_TEST

START_TEST(test_watch_messages)
{
    struct msg m;

    ck_assert_str_eq(CALL_S(0, XS_WATCH, 0, "/w\0tok\0"), "OK");
    ck_assert_int_eq(take(0, &m), 1); /* the event at once, after the reply */
    ck_assert_uint_eq(m.h.type, XS_WATCH_EVENT);
    ck_assert_uint_eq(m.h.req_id, 0);
    ck_assert_uint_eq(m.h.len, 7);
    ck_assert_mem_eq(m.p, "/w\0tok\0", 7);
    ck_assert_str_eq(CALL_S(0, XS_WRITE, 0,
                            "/w/x\0"
                            "1"),
                     "OK");
    ck_assert_int_eq(take(0, &m), 0); /* the event came first, call() skipped it */
    ck_assert_str_eq(CALL_S(0, XS_UNWATCH, 0, "/w\0tok\0"), "OK");
    ck_assert_str_eq(CALL_S(0, XS_UNWATCH, 0, "/w\0tok\0"), "ENOENT");
}
END_TEST

START_TEST(test_transaction_messages)
{
    char id[16];
    uint32_t tx;

    strcpy(id, CALL_S(0, XS_TRANSACTION_START, 0, "\0"));
    tx = (uint32_t)strtoul(id, NULL, 10);
    ck_assert_uint_ne(tx, 0);
    ck_assert_str_eq(CALL_S(0, XS_TRANSACTION_START, tx, "\0"), "EBUSY"); /* no nesting */
    ck_assert_str_eq(CALL_S(0, XS_WRITE, tx,
                            "/t\0"
                            "1"),
                     "OK");
    ck_assert_str_eq(CALL_S(0, XS_READ, 0, "/t\0"), "ENOENT");
    ck_assert_str_eq(CALL_S(0, XS_WRITE, 0,
                            "/t\0"
                            "other"),
                     "OK");
    ck_assert_str_eq(CALL_S(0, XS_TRANSACTION_END, tx, "X\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_TRANSACTION_END, tx, "T\0"), "EAGAIN");
    ck_assert_str_eq(CALL_S(0, XS_TRANSACTION_END, tx, "T\0"), "ENOENT");
    ck_assert_str_eq(CALL_S(0, XS_READ, 999, "/t\0"), "ENOENT");
    ck_assert_str_eq(CALL_S(0, XS_READ, 0, "/t\0"), "other");
}
END_TEST

/* A directory longer than one reply, read in parts and put back together. */
START_TEST(test_directory_part)
{
    char name[64], *all = malloc(8192), *got = malloc(8192), gen[32];
    size_t alen = 0, glen = 0;
    uint32_t off = 0;
    int parts = 0;

    for (int i = 0; i < 600; i++) {
        snprintf(name, sizeof(name), "/big/child-%04d", i);
        ck_assert_int_eq(xs_mkdir(st, 0, 0, name), 0);
        alen += (size_t)sprintf(all + alen, "child-%04d", i) + 1;
    }
    ck_assert_str_eq(CALL_S(0, XS_DIRECTORY, 0, "/big\0"), "E2BIG");
    for (;;) {
        char req[64];
        size_t rlen = (size_t)snprintf(req, sizeof(req), "/big%c%u", 0, off) + 1;
        const char *p = call(0, XS_DIRECTORY_PART, 0, req, rlen);
        const struct msg *m = (const struct msg *)(p - offsetof(struct msg, p));
        ck_assert_uint_eq(m->h.type, XS_DIRECTORY_PART);
        if (parts++ == 0)
            strcpy(gen, p);
        ck_assert_str_eq(p, gen); /* the same generation in every part */
        size_t n = m->h.len - strlen(p) - 1;
        memcpy(got + glen, p + strlen(p) + 1, n);
        glen += n;
        off += (uint32_t)n;
        ck_assert_uint_gt(n, 0);
        if (glen >= 2 && got[glen - 1] == '\0' && got[glen - 2] == '\0')
            break; /* the empty name: the end */
        ck_assert_int_lt(parts, 10);
    }
    ck_assert_int_ge(parts, 2);
    ck_assert_uint_eq(glen, alen + 1); /* the list and the empty name that ends it */
    ck_assert_mem_eq(got, all, alen);
    /* past the end: the generation and an empty name */
    const char *p = CALL_S(0, XS_DIRECTORY_PART, 0,
                           "/big\0"
                           "99999\0");
    ck_assert_str_eq(p, gen);
    ck_assert_uint_eq(p[strlen(p) + 1], 0);
    ck_assert_str_eq(CALL_S(0, XS_DIRECTORY_PART, 0, "/big\0x\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_DIRECTORY_PART, 0, "/big\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_DIRECTORY_PART, 0,
                            "/big\0"
                            "4294967296\0"),
                     "EINVAL");
    free(all);
    free(got);
}
END_TEST

START_TEST(test_reset_watches)
{
    struct msg m;
    struct xs_usage u;
    uint32_t t;

    ck_assert_int_eq(xs_watch(st, 1, "/local", "a"), 0);
    ck_assert_int_eq(xs_watch(st, 1, "@releaseDomain", "b"), 0);
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    drain(1);
    ck_assert_str_eq(CALL_S(1, XS_RESET_WATCHES, 0, "\0"), "OK");
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), 0);
    ck_assert_uint_eq(u.watches, 0);
    ck_assert_uint_eq(u.transactions, 0);
    ck_assert_uint_eq(u.memory, 0);
    ck_assert_int_eq(wr(0, "/local/x", "1"), 0);
    ck_assert_int_eq(take(1, &m), 0);
    ck_assert_str_eq(CALL_S(1, XS_TRANSACTION_END, t, "T\0"), "ENOENT");
}
END_TEST

/* X1: lengths and framing. */
START_TEST(test_bad_lengths)
{
    struct msg m;
    struct xsd_sockmsg h = {XS_READ, 7, 0, XENSTORE_PAYLOAD_MAX + 1};
    unsigned char *big = calloc(1, sizeof(h) + XENSTORE_PAYLOAD_MAX + 1);

    ck_assert_int_eq(send_raw(1, &h, 8), -EINVAL); /* not even a header: no reply */
    ck_assert_int_eq(take(1, &m), 0);
    /* payload beyond XENSTORE_PAYLOAD_MAX */
    memcpy(big, &h, sizeof(h));
    ck_assert_int_eq(send_raw(1, big, sizeof(h) + XENSTORE_PAYLOAD_MAX + 1), -E2BIG);
    ck_assert_int_eq(take(1, &m), 1);
    ck_assert_uint_eq(m.h.type, XS_ERROR);
    ck_assert_uint_eq(m.h.req_id, 7);
    ck_assert_str_eq(m.p, "E2BIG");
    h.len = 0xffffffff; /* a huge length in a short message */
    ck_assert_int_eq(send_raw(1, &h, sizeof(h)), -E2BIG);
    ck_assert_int_eq(take(1, &m), 1);
    ck_assert_str_eq(m.p, "E2BIG");
    /* header length and bytes disagree */
    h.len = 10;
    memcpy(big, &h, sizeof(h));
    ck_assert_int_eq(send_raw(1, big, sizeof(h) + 4), -EINVAL);
    ck_assert_int_eq(take(1, &m), 1);
    ck_assert_str_eq(m.p, "EINVAL");
    /* the largest legal write, by dom0 */
    h = (struct xsd_sockmsg){XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX};
    memcpy(big, &h, sizeof(h));
    memcpy(big + sizeof(h), "/big", 5);
    memset(big + sizeof(h) + 5, 'x', XENSTORE_PAYLOAD_MAX - 5);
    ck_assert_int_eq(send_raw(0, big, sizeof(h) + XENSTORE_PAYLOAD_MAX), 0);
    ck_assert_int_eq(take(0, &m), 1);
    ck_assert_str_eq(m.p, "OK");
    ck_assert_uint_eq(strlen(CALL_S(0, XS_READ, 0, "/big\0")), XENSTORE_PAYLOAD_MAX - 5);
    free(big);
}
END_TEST

/* X1: malformed arguments get XS_ERROR, never a crash. */
START_TEST(test_bad_arguments)
{
    ck_assert_str_eq(CALL_S(1, XS_READ, 0, "/local"), "EINVAL");   /* no NUL */
    ck_assert_str_eq(CALL_S(1, XS_READ, 0, ""), "EINVAL");         /* nothing */
    ck_assert_str_eq(CALL_S(1, XS_READ, 0, "/a\0/b\0"), "EINVAL"); /* two args */
    ck_assert_str_eq(CALL_S(1, XS_READ, 0, "/a\0junk"), "EINVAL"); /* trailing bytes */
    ck_assert_str_eq(CALL_S(1, XS_WRITE, 0, "/nonul"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_WATCH, 0, "/w\0"), "EINVAL"); /* no token */
    ck_assert_str_eq(CALL_S(1, XS_WATCH, 0, "/w\0tok"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_WATCH, 0, "@bogus\0tok\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_READ, 0, "/a//b\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_READ, 0, "/a/\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_READ, 0, "/a\xff\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_GET_DOMAIN_PATH, 0, "x\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_GET_DOMAIN_PATH, 0, "-1\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_GET_DOMAIN_PATH, 0, "99999999999999999999999\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(1, XS_GET_DOMAIN_PATH, 0, "32752\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_SET_PERMS, 0, "/local\0"), "EINVAL"); /* no perms */
    ck_assert_str_eq(CALL_S(0, XS_SET_PERMS, 0, "/local\0q0\0"), "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_SET_PERMS, 0, "/local\0r0"), "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_INTRODUCE, 0,
                            "5\0"
                            "1\0"),
                     "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_INTRODUCE, 0,
                            "5\0"
                            "1\0"
                            "4294967296\0"),
                     "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_INTRODUCE, 0,
                            "5\0"
                            "0x10\0"
                            "1\0"),
                     "EINVAL");
    ck_assert_str_eq(CALL_S(0, XS_TRANSACTION_END, 0, "T\0"), "ENOENT");
}
END_TEST

START_TEST(test_bad_types_and_privilege)
{
    static const uint32_t invalid[] = {XS_WATCH_EVENT, XS_ERROR,   20,        XS_TYPE_COUNT,
                                       1000,           XS_INVALID, 0xffffffff};
    static const uint32_t unsupported[] = {XS_CONTROL, XS_RESUME, XS_SET_TARGET};

    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        ck_assert_str_eq(call(1, invalid[i], 0, "/x\0", 3), "EINVAL");
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
        ck_assert_str_eq(call(1, unsupported[i], 0, "/x\0", 3), "ENOSYS");
    /* H7/X3: privileged operations from a guest */
    ck_assert_str_eq(CALL_S(1, XS_INTRODUCE, 0,
                            "5\0"
                            "1\0"
                            "1\0"),
                     "EACCES");
    ck_assert_str_eq(CALL_S(1, XS_RELEASE, 0, "2\0"), "EACCES");
    ck_assert_str_eq(CALL_S(1, XS_IS_DOMAIN_INTRODUCED, 0, "2\0"), "EACCES");
    ck_assert(xs_is_introduced(st, 2));
    /* a domain the store does not know gets nothing */
    ck_assert_int_eq(sendm(9, XS_READ, 0, "/\0", 2), -ESRCH);
}
END_TEST

/* X2: a guest that never takes its replies is stopped at `outstanding`. */
START_TEST(test_outstanding)
{
    struct xs_quota q;
    struct msg m;
    int n = 0;

    xs_quota_defaults(&q);
    while (xs_may_request(st, 1)) {
        ck_assert_int_eq(sendm(1, XS_READ, 0, "/local\0", 7), 0);
        n++;
    }
    ck_assert_int_eq(n, (int)q.outstanding);
    ck_assert_int_eq(sendm(1, XS_READ, 0, "/local\0", 7), -EBUSY);
    ck_assert_str_eq(CALL_S(2, XS_GET_DOMAIN_PATH, 0, "2\0"), "/local/domain/2"); /* others go on */
    ck_assert_int_eq(take(1, &m), 1);
    ck_assert(xs_may_request(st, 1));
    ck_assert_int_eq(sendm(1, XS_READ, 0, "/local\0", 7), 0);
}
END_TEST

/* Random messages: each gets exactly one reply of its own type or XS_ERROR. */
START_TEST(test_random_messages)
{
    static const char *words[] = {
        "/",  "/local", "/local/domain/1", "x", "@releaseDomain", "T", "F", "1", "b1", "r2",
        "n0", ""};
    uint64_t seed = 0x5eed0000u + (uint64_t)_i;
    struct msg m;

    ck_assert_int_eq(xs_mkdir(st, 0, 0, "/local/domain/1"), 0);
    ck_assert_int_eq(xs_set_perms(st, 0, 0, "/local/domain/1", "b1", 3), 0);
    for (int i = 0; i < 3000; i++) {
        unsigned char p[64];
        size_t len = 0;
        uint16_t domid = (uint16_t)rng_below(&seed, 3);
        uint32_t type = (uint32_t)rng_below(&seed, XS_TYPE_COUNT + 2);
        for (int w = (int)rng_below(&seed, 4); w > 0; w--) {
            const char *s = words[rng_below(&seed, sizeof(words) / sizeof(words[0]))];
            if (len + strlen(s) + 1 > sizeof(p))
                break;
            memcpy(p + len, s, strlen(s) + 1);
            len += strlen(s) + (rng_below(&seed, 8) ? 1 : 0); /* sometimes no NUL */
        }
        if (type == XS_RELEASE || type == XS_INTRODUCE)
            domid = 1; /* keep domains 1 and 2 alive */
        ck_assert_int_eq(sendm(domid, type, (uint32_t)rng_below(&seed, 3), p, len), 0);
        int replies = 0;
        while (take(domid, &m)) {
            if (m.h.type == XS_WATCH_EVENT)
                continue;
            replies++;
            ck_assert(m.h.type == type || m.h.type == XS_ERROR);
        }
        ck_assert_int_eq(replies, 1);
        drain(0);
        drain(1);
        drain(2);
    }
}
END_TEST

static Suite *wire_suite(void)
{
    Suite *s = suite_create("xs_wire");
    TCase *tc = tcase_create("wire");

    tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
    tcase_add_test(tc, test_round_trips);
    tcase_add_test(tc, test_watch_messages);
    tcase_add_test(tc, test_transaction_messages);
    tcase_add_test(tc, test_directory_part);
    tcase_add_test(tc, test_reset_watches);
    tcase_add_test(tc, test_bad_lengths);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_bad_types_and_privilege);
    tcase_add_test(tc, test_outstanding);
    tcase_add_loop_test(tc, test_random_messages, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(wire_suite());
}
