/*
 * test_xs_store.c - unit tests of the store's calls (dom0-tools/xenstore):
 * the tree, paths, permissions, watches, transactions, quotas and domain
 * release, including HOSTILE.md X1-X3 as far as the calls reach them.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>

#include "xs_test.h"

/* dom0 makes /local/domain/<id>, owned by the domain, closed to others (as the builder will). */
static void make_home(uint16_t domid)
{
    char path[64], perm[16];

    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    snprintf(perm, sizeof(perm), "n%u", domid);
    ck_assert_int_eq(xs_mkdir(st, 0, 0, path), 0);
    ck_assert_int_eq(xs_set_perms(st, 0, 0, path, perm, strlen(perm) + 1), 0);
}

/* ---- the tree ---- */

START_TEST(test_write_read)
{
    ck_assert_int_eq(wr(0, "/a/b/c", "hello"), 0);
    ck_assert_str_eq(rd(0, "/a/b/c"), "hello");
    ck_assert_str_eq(rd(0, "/a/b"), ""); /* made on the way, empty */
    ck_assert_int_eq(wr(0, "/a/b/c", ""), 0);
    ck_assert_str_eq(rd(0, "/a/b/c"), "");
    ck_assert_ptr_null(rd(0, "/a/x"));
    char buf[8];
    size_t len;
    ck_assert_int_eq(xs_read(st, 0, 0, "/nothere", buf, sizeof(buf), &len), -ENOENT);
    /* a binary value with NULs */
    ck_assert_int_eq(xs_write(st, 0, 0, "/bin", "a\0b", 3), 0);
    ck_assert_int_eq(xs_read(st, 0, 0, "/bin", buf, sizeof(buf), &len), 0);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(buf, "a\0b", 3);
    ck_assert_int_eq(xs_read(st, 0, 0, "/bin", buf, 2, &len), -E2BIG);
}
END_TEST

START_TEST(test_directory_mkdir_rm)
{
    char buf[256];
    size_t len;

    ck_assert_int_eq(xs_mkdir(st, 0, 0, "/d/x"), 0);
    ck_assert_int_eq(xs_mkdir(st, 0, 0, "/d/y"), 0);
    ck_assert_int_eq(xs_mkdir(st, 0, 0, "/d/y"), 0); /* exists: fine */
    ck_assert_int_eq(wr(0, "/d/y/z", "1"), 0);
    ck_assert_int_eq(xs_directory(st, 0, 0, "/d", buf, sizeof(buf), &len), 0);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(buf, "x\0y\0", 4);
    ck_assert_int_eq(xs_rm(st, 0, 0, "/d/y"), 0);
    ck_assert_ptr_null(rd(0, "/d/y/z"));
    ck_assert_ptr_null(rd(0, "/d/y"));
    ck_assert_int_eq(xs_directory(st, 0, 0, "/d", buf, sizeof(buf), &len), 0);
    ck_assert_mem_eq(buf, "x\0", 2);
    ck_assert_int_eq(xs_rm(st, 0, 0, "/d/y"), 0);       /* gone, parent there: fine */
    ck_assert_int_eq(xs_rm(st, 0, 0, "/q/r"), -ENOENT); /* parent missing */
    ck_assert_int_eq(xs_rm(st, 0, 0, "/"), -EINVAL);
    ck_assert_int_eq(xs_directory(st, 0, 0, "/", buf, sizeof(buf), &len), 0);
    ck_assert_ptr_nonnull(memmem(buf, len, "local\0", 6));
}
END_TEST

START_TEST(test_paths)
{
    static const char *bad[] = {"",   "//",   "/a//b", "/a/",   "/a b", "/a\tb",
                                "/é", "a//b", "@foo",  "/a/./b" /* '.' is not a path character */};
    char *lng = malloc(XENSTORE_ABS_PATH_MAX + 2);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(wr(0, bad[i], "v") == -EINVAL, "path '%s'", bad[i]);
    /* relative paths live under /local/domain/<id> */
    make_home(1);
    ck_assert_int_eq(wr(1, "device/vbd", "x"), 0);
    ck_assert_str_eq(rd(0, "/local/domain/1/device/vbd"), "x");
    ck_assert_str_eq(rd(1, "device/vbd"), "x");
    /* X1: overlong absolute and relative paths */
    memset(lng, 'a', XENSTORE_ABS_PATH_MAX + 1);
    lng[0] = '/';
    lng[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    ck_assert_int_eq(wr(0, lng, "v"), -EINVAL);
    lng[XENSTORE_REL_PATH_MAX + 2] = '\0';
    ck_assert_int_eq(wr(1, lng + 1, "v"), -EINVAL); /* relative, one too long */
    free(lng);
    char buf[64];
    ck_assert_int_eq(xs_domain_path(7, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/local/domain/7");
}
END_TEST

/* X1: a deep path is created and removed without recursion trouble. */
START_TEST(test_deep_path)
{
    char *p = malloc(XENSTORE_ABS_PATH_MAX + 1);
    size_t n = 0;

    while (n + 2 <= XENSTORE_ABS_PATH_MAX) {
        p[n++] = '/';
        p[n++] = 'a';
    }
    p[n] = '\0';
    ck_assert_int_eq(wr(0, p, "deep"), 0);
    ck_assert_str_eq(rd(0, p), "deep");
    ck_assert_int_eq(xs_rm(st, 0, 0, "/a"), 0);
    ck_assert_ptr_null(rd(0, p));
    /* an unprivileged domain hits its node quota instead */
    make_home(1);
    ck_assert_int_eq(wr(1, p + 2 + 2 * 900 + 1, "deep"), -ENOSPC); /* relative */
    free(p);
}
END_TEST

/* ---- permissions (X3) ---- */

START_TEST(test_perms_basic)
{
    char buf[64];
    size_t len;

    make_home(1);
    make_home(2);
    ck_assert_int_eq(wr(1, "/local/domain/1/x", "1"), 0);
    ck_assert_int_eq(xs_get_perms(st, 1, 0, "x", buf, sizeof(buf), &len), 0);
    ck_assert_uint_eq(len, 3);
    ck_assert_str_eq(buf, "n1"); /* inherited from the parent, owned by the creator */
    ck_assert_ptr_null(rd(2, "/local/domain/1/x"));
    ck_assert_int_eq(xs_read(st, 2, 0, "/local/domain/1/x", buf, sizeof(buf), &len), -EACCES);
    ck_assert_int_eq(wr(2, "/local/domain/1/x", "2"), -EACCES);
    ck_assert_int_eq(wr(2, "/local/domain/1/new", "2"), -EACCES);
    ck_assert_int_eq(xs_rm(st, 2, 0, "/local/domain/1/x"), -EACCES);
    ck_assert_int_eq(xs_mkdir(st, 2, 0, "/local/domain/1/m"), -EACCES);
    ck_assert_int_eq(wr(1, "/outside", "1"), -EACCES); /* "/" is dom0's */
    ck_assert_int_eq(wr(1, "/local/domain/2/x", "1"), -EACCES);
    ck_assert_int_eq(xs_get_perms(st, 2, 0, "/local/domain/1/x", buf, sizeof(buf), &len), -EACCES);
    /* nor may it learn what is missing there (xenstored: EACCES, not ENOENT) */
    ck_assert_int_eq(xs_read(st, 2, 0, "/local/domain/1/no/such", buf, sizeof(buf), &len), -EACCES);
    ck_assert_int_eq(xs_read(st, 1, 0, "/local/domain/1/no/such", buf, sizeof(buf), &len), -ENOENT);
    ck_assert_int_eq(xs_rm(st, 2, 0, "/local/domain/1/nothere"), -EACCES);
    /* dom0 sees and changes everything */
    ck_assert_str_eq(rd(0, "/local/domain/1/x"), "1");
    ck_assert_int_eq(wr(0, "/local/domain/1/x", "0"), 0);
}
END_TEST

START_TEST(test_perms_grant_and_owner)
{
    char buf[64];
    size_t len;

    make_home(1);
    ck_assert_int_eq(wr(1, "x", "1"), 0);
    /* the owner lets domain 2 read */
    ck_assert_int_eq(xs_set_perms(st, 1, 0, "x", "n1\0r2", 6), 0);
    ck_assert_str_eq(rd(2, "/local/domain/1/x"), "1");
    ck_assert_int_eq(wr(2, "/local/domain/1/x", "2"), -EACCES);
    ck_assert_int_eq(xs_get_perms(st, 0, 0, "/local/domain/1/x", buf, sizeof(buf), &len), 0);
    ck_assert_uint_eq(len, 6);
    ck_assert_mem_eq(buf, "n1\0r2\0", 6);
    /* write access, then "b" */
    ck_assert_int_eq(xs_set_perms(st, 1, 0, "x", "n1\0w2", 6), 0);
    ck_assert_int_eq(wr(2, "/local/domain/1/x", "2"), 0);
    ck_assert_ptr_null(rd(2, "/local/domain/1/x"));
    ck_assert_int_eq(xs_set_perms(st, 1, 0, "x", "r1", 3), 0); /* everyone may read */
    ck_assert_str_eq(rd(2, "/local/domain/1/x"), "2");
    /* X3: only dom0 changes owners; non-owners set nothing */
    ck_assert_int_eq(xs_set_perms(st, 1, 0, "x", "b2", 3), -EPERM);
    ck_assert_int_eq(xs_set_perms(st, 2, 0, "/local/domain/1/x", "b2", 3), -EACCES);
    ck_assert_int_eq(xs_set_perms(st, 0, 0, "/local/domain/1/x", "b2", 3), 0);
    ck_assert_int_eq(wr(2, "/local/domain/1/x", "mine"), 0);
    /* bad permission strings */
    static const char *bad[] = {"x1", "r", "r-1", "r1x", "r99999", "r32752", "", " r1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(xs_set_perms(st, 0, 0, "/local/domain/1/x", bad[i], strlen(bad[i]) + 1) ==
                          -EINVAL,
                      "perm '%s'", bad[i]);
    ck_assert_int_eq(xs_set_perms(st, 0, 0, "/local/domain/1/x", "r1", 2), -EINVAL); /* no NUL */
    ck_assert_int_eq(xs_set_perms(st, 0, 0, "/local/domain/1/x", "", 0), -EINVAL);
    /* too many entries for a guest */
    ck_assert_int_eq(xs_set_perms(st, 0, 0, "/local/domain/1/x", "b1", 3), 0);
    ck_assert_int_eq(xs_set_perms(st, 1, 0, "x", "b1\0r2\0r3\0r4\0r5\0r6", 18), -ENOSPC);
}
END_TEST

/* ---- watches ---- */

START_TEST(test_watch_fires_at_once_and_below)
{
    ck_assert_int_eq(xs_watch(st, 0, "/w", "tok"), 0);
    expect_event(0, "/w", "tok"); /* at once, even before /w exists */
    expect_no_event(0);
    ck_assert_int_eq(wr(0, "/w/a/b", "1"), 0);
    expect_event(0, "/w/a/b", "tok");
    expect_no_event(0);
    ck_assert_int_eq(wr(0, "/wx", "1"), 0); /* a sibling whose name starts alike */
    expect_no_event(0);
    ck_assert_int_eq(wr(0, "/w", "1"), 0);
    expect_event(0, "/w", "tok");
    ck_assert_int_eq(xs_watch(st, 0, "/w", "tok"), -EEXIST);
    ck_assert_int_eq(xs_watch(st, 0, "/w", "tok2"), 0);
    expect_event(0, "/w", "tok2");
    ck_assert_int_eq(xs_unwatch(st, 0, "/w", "tok"), 0);
    ck_assert_int_eq(xs_unwatch(st, 0, "/w", "tok"), -ENOENT);
    ck_assert_int_eq(wr(0, "/w/a", "2"), 0);
    expect_event(0, "/w/a", "tok2");
    expect_no_event(0);
    ck_assert_int_eq(xs_unwatch(st, 0, "/w", "tok2"), 0);
    ck_assert_int_eq(wr(0, "/w/a", "3"), 0);
    expect_no_event(0);
}
END_TEST

START_TEST(test_watch_rm_and_relative)
{
    make_home(1);
    ck_assert_int_eq(wr(1, "dev/vbd/0/state", "1"), 0);
    ck_assert_int_eq(xs_watch(st, 1, "dev/vbd/0/state", "rel"), 0);
    expect_event(1, "dev/vbd/0/state", "rel");
    ck_assert_int_eq(xs_watch(st, 1, "/local/domain/1/dev", "abs"), 0);
    expect_event(1, "/local/domain/1/dev", "abs");
    ck_assert_int_eq(wr(1, "dev/vbd/0/state", "4"), 0);
    /* both fire; the relative watch reports a relative path */
    char p[XENSTORE_PAYLOAD_MAX], t[XENSTORE_PAYLOAD_MAX];
    int rel = 0, abs = 0;
    while (next_event(1, p, t)) {
        if (strcmp(t, "rel") == 0 && strcmp(p, "dev/vbd/0/state") == 0)
            rel++;
        if (strcmp(t, "abs") == 0 && strcmp(p, "/local/domain/1/dev/vbd/0/state") == 0)
            abs++;
    }
    ck_assert_int_eq(rel, 1);
    ck_assert_int_eq(abs, 1);
    /* removing an ancestor fires the watch below it, with the watch's path */
    ck_assert_int_eq(xs_rm(st, 1, 0, "dev/vbd"), 0);
    rel = abs = 0;
    while (next_event(1, p, t)) {
        rel += strcmp(t, "rel") == 0 && strcmp(p, "dev/vbd/0/state") == 0;
        abs += strcmp(t, "abs") == 0 && strcmp(p, "/local/domain/1/dev/vbd") == 0;
    }
    ck_assert_int_eq(rel, 1);
    ck_assert_int_eq(abs, 1);
}
END_TEST

/* X3: a watch on a node the watcher may not read gives it nothing but the first event. */
START_TEST(test_watch_needs_read)
{
    make_home(1);
    ck_assert_int_eq(xs_watch(st, 2, "/local/domain/1", "spy"), 0);
    expect_event(2, "/local/domain/1", "spy");
    ck_assert_int_eq(wr(1, "secret", "x"), 0);
    expect_no_event(2);
    ck_assert_int_eq(xs_set_perms(st, 1, 0, "secret", "n1\0r2", 6), 0);
    expect_event(2, "/local/domain/1/secret", "spy");
}
END_TEST

START_TEST(test_special_watches)
{
    ck_assert_int_eq(xs_watch(st, 0, "@introduceDomain", "i"), 0);
    expect_event(0, "@introduceDomain", "i");
    ck_assert_int_eq(xs_watch(st, 0, "@releaseDomain", "r"), 0);
    expect_event(0, "@releaseDomain", "r");
    ck_assert_int_eq(xs_watch(st, 0, "@other", "x"), -EINVAL);
    ck_assert_int_eq(xs_introduce(st, 0, 3, 1, 1), 0);
    expect_event(0, "@introduceDomain", "i");
    expect_no_event(0);
    ck_assert_int_eq(xs_release(st, 0, 3), 0);
    expect_event(0, "@releaseDomain", "r");
    expect_no_event(0);
    ck_assert_int_eq(wr(0, "/x", "1"), 0); /* special watches see no node changes */
    expect_no_event(0);
}
END_TEST

/* ---- transactions ---- */

START_TEST(test_txn_commit_abort)
{
    uint32_t t;
    char buf[32];
    size_t len;

    ck_assert_int_eq(xs_watch(st, 0, "/t", "tok"), 0);
    drain(0);
    ck_assert_int_eq(xs_transaction_start(st, 0, &t), 0);
    ck_assert_int_eq(xs_write(st, 0, t, "/t/a", "1", 1), 0);
    ck_assert_int_eq(xs_read(st, 0, t, "/t/a", buf, sizeof(buf), &len), 0); /* its own write */
    ck_assert_ptr_null(rd(0, "/t/a"));                                      /* nobody else's */
    expect_no_event(0);
    ck_assert_int_eq(xs_transaction_end(st, 0, t, true), 0);
    ck_assert_str_eq(rd(0, "/t/a"), "1");
    expect_event(0, "/t/a", "tok");
    /* abort */
    ck_assert_int_eq(xs_transaction_start(st, 0, &t), 0);
    ck_assert_int_eq(xs_rm(st, 0, t, "/t"), 0);
    ck_assert_int_eq(xs_read(st, 0, t, "/t/a", buf, sizeof(buf), &len), -ENOENT);
    ck_assert_int_eq(xs_transaction_end(st, 0, t, false), 0);
    ck_assert_str_eq(rd(0, "/t/a"), "1");
    expect_no_event(0);
    ck_assert_int_eq(xs_transaction_end(st, 0, t, true), -ENOENT); /* gone */
    ck_assert_int_eq(xs_transaction_end(st, 0, 0, true), -ENOENT);
    ck_assert_int_eq(xs_write(st, 0, 12345, "/t/a", "1", 1), -ENOENT);
}
END_TEST

START_TEST(test_txn_conflict)
{
    uint32_t t1, t2;
    char buf[32];
    size_t len;

    ck_assert_int_eq(wr(0, "/c", "0"), 0);
    /* a read-modify-write that another writer overtakes */
    ck_assert_int_eq(xs_transaction_start(st, 0, &t1), 0);
    ck_assert_int_eq(xs_read(st, 0, t1, "/c", buf, sizeof(buf), &len), 0);
    ck_assert_int_eq(wr(0, "/c", "other"), 0);
    ck_assert_int_eq(xs_write(st, 0, t1, "/c", "1", 1), 0);
    ck_assert_int_eq(xs_transaction_end(st, 0, t1, true), -EAGAIN);
    ck_assert_str_eq(rd(0, "/c"), "other");
    /* two transactions creating the same node: the second loses */
    ck_assert_int_eq(xs_transaction_start(st, 0, &t1), 0);
    ck_assert_int_eq(xs_transaction_start(st, 0, &t2), 0);
    ck_assert_uint_ne(t1, t2);
    ck_assert_int_eq(xs_write(st, 0, t1, "/n", "1", 1), 0);
    ck_assert_int_eq(xs_write(st, 0, t2, "/n", "2", 1), 0);
    ck_assert_int_eq(xs_transaction_end(st, 0, t1, true), 0);
    ck_assert_int_eq(xs_transaction_end(st, 0, t2, true), -EAGAIN);
    ck_assert_str_eq(rd(0, "/n"), "1");
    /* a read of an absent node conflicts with its creation */
    ck_assert_int_eq(xs_transaction_start(st, 0, &t1), 0);
    ck_assert_int_eq(xs_read(st, 0, t1, "/absent", buf, sizeof(buf), &len), -ENOENT);
    ck_assert_int_eq(wr(0, "/absent", "now"), 0);
    ck_assert_int_eq(xs_transaction_end(st, 0, t1, true), -EAGAIN);
    /* unrelated changes do not conflict */
    ck_assert_int_eq(xs_transaction_start(st, 0, &t1), 0);
    ck_assert_int_eq(xs_read(st, 0, t1, "/c", buf, sizeof(buf), &len), 0);
    ck_assert_int_eq(wr(0, "/elsewhere", "x"), 0);
    ck_assert_int_eq(xs_transaction_end(st, 0, t1, true), 0);
}
END_TEST

START_TEST(test_txn_ownership)
{
    uint32_t t;

    make_home(1);
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    ck_assert_int_eq(xs_transaction_end(st, 2, t, true), -ENOENT); /* not domain 2's */
    ck_assert_int_eq(xs_write(st, 2, t, "/x", "1", 1), -ENOENT);
    ck_assert_int_eq(xs_write(st, 1, t, "a", "1", 1), 0);
    ck_assert_int_eq(xs_transaction_end(st, 1, t, true), 0);
    ck_assert_str_eq(rd(1, "a"), "1");
}
END_TEST

/* ---- quotas (X2) ---- */

START_TEST(test_quota_nodes)
{
    char path[64];
    int rc = 0, made = 0;
    struct xs_usage u;

    make_home(1);
    make_home(2);
    for (int i = 0; i < 2 * Q_NODES && rc == 0; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        rc = wr(1, path, "x");
        made += rc == 0;
    }
    ck_assert_int_eq(rc, -ENOSPC);
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), 0);
    ck_assert_uint_eq(u.nodes, Q_NODES); /* its home counts too */
    ck_assert_int_eq(made, Q_NODES - 1);
    ck_assert_int_eq(xs_mkdir(st, 1, 0, "more"), -ENOSPC);
    /* others go on */
    ck_assert_int_eq(wr(2, "fine", "y"), 0);
    ck_assert_int_eq(wr(0, "/dom0", "z"), 0);
    /* removing makes room again */
    ck_assert_int_eq(xs_rm(st, 1, 0, "n0"), 0);
    ck_assert_int_eq(wr(1, "again", "x"), 0);
    /* in a transaction too */
    uint32_t t;
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    ck_assert_int_eq(wr(1, "n1", "still fine"), 0);
    ck_assert_int_eq(xs_write(st, 1, t, "tx-new", "x", 1), -ENOSPC);
    ck_assert_int_eq(xs_transaction_end(st, 1, t, true), 0);
}
END_TEST

START_TEST(test_quota_node_size)
{
    char *big = malloc(XENSTORE_PAYLOAD_MAX + 2);

    make_home(1);
    memset(big, 'v', XENSTORE_PAYLOAD_MAX + 1);
    ck_assert_int_eq(xs_write(st, 1, 0, "v", big, 2000), 0);
    ck_assert_int_eq(xs_write(st, 1, 0, "v", big, 2100), -ENOSPC);
    ck_assert_int_eq(xs_write(st, 1, 0, "w", big, 2100), -ENOSPC);
    ck_assert_int_eq(xs_write(st, 0, 0, "/big", big, XENSTORE_PAYLOAD_MAX), 0); /* dom0 */
    ck_assert_int_eq(xs_write(st, 0, 0, "/big", big, XENSTORE_PAYLOAD_MAX + 1), -E2BIG);
    free(big);
}
END_TEST

START_TEST(test_quota_watches_txns)
{
    char tok[16];
    uint32_t t;
    int i;

    for (i = 0; i < Q_WATCH; i++) {
        snprintf(tok, sizeof(tok), "t%d", i);
        ck_assert_int_eq(xs_watch(st, 1, "/x", tok), 0);
    }
    ck_assert_int_eq(xs_watch(st, 1, "/x", "one-more"), -E2BIG);
    ck_assert_int_eq(xs_watch(st, 2, "/x", "other"), 0);
    for (i = 0; i < Q_TXNS; i++)
        ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), -ENOSPC);
    ck_assert_int_eq(xs_transaction_start(st, 2, &t), 0);
    ck_assert_int_eq(xs_transaction_end(st, 2, t, false), 0);
}
END_TEST

/* A domain that never takes its events loses the excess; its queue stays bounded. */
START_TEST(test_quota_events)
{
    struct xs_usage u;

    ck_assert_int_eq(wr(0, "/e", ""), 0);
    ck_assert_int_eq(xs_set_perms(st, 0, 0, "/e", "r0", 3), 0); /* everyone may read */
    ck_assert_int_eq(xs_watch(st, 1, "/e", "tok"), 0);
    for (int i = 0; i < 10 * Q_EVENTS; i++)
        ck_assert_int_eq(wr(0, "/e", "x"), 0);
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), 0);
    ck_assert_uint_eq(u.events, Q_EVENTS);
    ck_assert_uint_eq(u.dropped_events, 10 * Q_EVENTS + 1 - Q_EVENTS);
    drain(1);
    ck_assert_int_eq(wr(0, "/e", "y"), 0);
    expect_event(1, "/e", "tok");
    /* an event that cannot fit in one message (long path, long token) is dropped and counted */
    char *tok = malloc(4001), *path = malloc(300);
    memset(tok, 't', 4000);
    tok[4000] = '\0';
    memset(path, 'p', 299);
    memcpy(path, "/e/", 3);
    path[299] = '\0';
    ck_assert_int_eq(xs_watch(st, 0, "/e", tok), 0);
    drain(0);
    ck_assert_int_eq(wr(0, path, "x"), 0);
    expect_no_event(0);
    ck_assert_int_eq(xs_domain_usage(st, 0, &u), 0);
    ck_assert_uint_eq(u.dropped_events, 1);
    free(tok);
    free(path);
}
END_TEST

/* X2: nodes, transaction copies and watches are charged against a memory quota. */
START_TEST(test_quota_memory)
{
    struct xs_quota q;
    struct xs_usage u, before;
    char path[32], *v = malloc(4000), *buf = malloc(4096);
    int rc = 0, i, n;
    uint32_t t;
    size_t len;

    xs_store_destroy(st);
    xs_quota_defaults(&q);
    q.memory = 32768;
    ck_assert_int_eq(xs_store_create(&q, NULL, &st), 0);
    ck_assert_int_eq(xs_introduce(st, 0, 1, 1, 1), 0);
    ck_assert_int_eq(xs_introduce(st, 0, 2, 2, 2), 0);
    make_home(1);
    make_home(2);
    memset(v, 'v', 4000);
    for (n = 0; rc == 0; n++) {
        snprintf(path, sizeof(path), "n%d", n);
        rc = xs_write(st, 1, 0, path, v, 1500);
    }
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), 0);
    ck_assert_uint_le(u.memory, q.memory);
    ck_assert_uint_gt(u.memory, q.memory - 2048);
    ck_assert_int_eq(xs_write(st, 2, 0, "fine", v, 1500), 0); /* others go on */
    /* a transaction's copies count too, and are given back when it ends */
    for (i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        ck_assert_int_eq(xs_rm(st, 1, 0, path), 0);
    }
    ck_assert_int_eq(xs_domain_usage(st, 1, &before), 0);
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    for (rc = 0, i = 4; rc == 0 && i < n - 1; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        rc = xs_read(st, 1, t, path, buf, 4096, &len);
    }
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_int_eq(xs_transaction_end(st, 1, t, false), 0);
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), 0);
    ck_assert_uint_eq(u.memory, before.memory);
    /* writes inside a transaction stop at the quota; what commits stays within it */
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    for (rc = 0, i = 4; rc == 0 && i < n - 1; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        rc = xs_write(st, 1, t, path, v, 2000);
    }
    ck_assert_int_eq(rc, -ENOMEM);
    rc = xs_transaction_end(st, 1, t, true);
    ck_assert(rc == 0 || rc == -ENOMEM);
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), 0);
    ck_assert_uint_le(u.memory, q.memory);
    /* watches with long tokens */
    memset(v, 't', 3999);
    v[3999] = '\0';
    for (rc = 0, i = 0; rc == 0 && i < Q_WATCH; i++) {
        snprintf(path, sizeof(path), "/w%d", i);
        rc = xs_watch(st, 2, path, v);
    }
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_int_eq(xs_domain_usage(st, 2, &u), 0);
    ck_assert_uint_le(u.memory, q.memory);
    free(v);
    free(buf);
}
END_TEST

/* ---- domains ---- */

START_TEST(test_introduce_release)
{
    uint32_t t;
    struct xs_usage u;

    ck_assert_int_eq(xs_introduce(st, 1, 5, 1, 1), -EACCES);
    ck_assert_int_eq(xs_release(st, 1, 2), -EACCES);
    ck_assert_int_eq(xs_introduce(st, 0, 0, 1, 1), -EINVAL);
    ck_assert_int_eq(xs_introduce(st, 0, 1, 0x1000, 11), 0); /* again, same ring */
    ck_assert_int_eq(xs_introduce(st, 0, 1, 0x1001, 11), -EINVAL);
    ck_assert_int_eq(xs_introduce(st, 0, 0x7ff0, 1, 1), -EINVAL);
    ck_assert(xs_is_introduced(st, 1));
    ck_assert(!xs_is_introduced(st, 9));
    ck_assert_int_eq(wr(9, "/x", "1"), -ESRCH); /* not introduced */
    make_home(1);
    ck_assert_int_eq(wr(1, "a", "1"), 0);
    ck_assert_int_eq(xs_watch(st, 1, "a", "tok"), 0);
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    ck_assert_int_eq(xs_release(st, 0, 1), 0);
    ck_assert(!xs_is_introduced(st, 1));
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), -ENOENT); /* all gone */
    ck_assert_int_eq(xs_release(st, 0, 1), -ENOENT);
    ck_assert_int_eq(xs_release(st, 0, 0), -EINVAL);
    ck_assert_int_eq(wr(1, "a", "2"), -ESRCH);
}
END_TEST

/* X3: a new domain reusing a dead domain's id inherits none of its rights. */
START_TEST(test_release_revokes)
{
    char buf[64];
    size_t len;
    struct xs_usage u;

    make_home(1);
    ck_assert_int_eq(wr(1, "own", "1"), 0);
    ck_assert_int_eq(wr(0, "/backend/1", "x"), 0);
    ck_assert_int_eq(xs_set_perms(st, 0, 0, "/backend/1", "n0\0b1", 6), 0);
    ck_assert_int_eq(xs_release(st, 0, 1), 0);
    ck_assert_int_eq(xs_get_perms(st, 0, 0, "/local/domain/1/own", buf, sizeof(buf), &len), 0);
    ck_assert_str_eq(buf, "n0");
    ck_assert_int_eq(xs_get_perms(st, 0, 0, "/backend/1", buf, sizeof(buf), &len), 0);
    ck_assert_uint_eq(len, 3);
    /* the toolstack removes the home; the new domain 1 starts from nothing */
    ck_assert_int_eq(xs_introduce(st, 0, 1, 0x3000, 13), 0);
    ck_assert_ptr_null(rd(1, "/local/domain/1/own"));
    ck_assert_ptr_null(rd(1, "/backend/1"));
    ck_assert_int_eq(xs_domain_usage(st, 1, &u), 0);
    ck_assert_uint_eq(u.nodes, 0);
    ck_assert_int_eq(xs_rm(st, 0, 0, "/local/domain/1"), 0);
}
END_TEST

/* Destroying a store in use frees everything (ASan's leak check). */
START_TEST(test_destroy_busy)
{
    uint32_t t;

    make_home(1);
    ck_assert_int_eq(xs_watch(st, 1, "x", "tok"), 0);
    ck_assert_int_eq(xs_transaction_start(st, 1, &t), 0);
    ck_assert_int_eq(xs_write(st, 1, t, "x", "1", 1), 0);
    ck_assert_int_eq(wr(1, "y", "2"), 0);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("xenstore");
    TCase *tc = tcase_create("store");

    tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
    tcase_add_test(tc, test_write_read);
    tcase_add_test(tc, test_directory_mkdir_rm);
    tcase_add_test(tc, test_paths);
    tcase_add_test(tc, test_deep_path);
    tcase_add_test(tc, test_perms_basic);
    tcase_add_test(tc, test_perms_grant_and_owner);
    tcase_add_test(tc, test_watch_fires_at_once_and_below);
    tcase_add_test(tc, test_watch_rm_and_relative);
    tcase_add_test(tc, test_watch_needs_read);
    tcase_add_test(tc, test_special_watches);
    tcase_add_test(tc, test_txn_commit_abort);
    tcase_add_test(tc, test_txn_conflict);
    tcase_add_test(tc, test_txn_ownership);
    tcase_add_test(tc, test_quota_nodes);
    tcase_add_test(tc, test_quota_node_size);
    tcase_add_test(tc, test_quota_watches_txns);
    tcase_add_test(tc, test_quota_events);
    tcase_add_test(tc, test_quota_memory);
    tcase_add_test(tc, test_introduce_release);
    tcase_add_test(tc, test_release_revokes);
    tcase_add_test(tc, test_destroy_busy);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(store_suite());
}
