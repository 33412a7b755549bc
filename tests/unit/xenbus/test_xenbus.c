/*
 * test_xenbus.c - guest-lib's XenStore client against dom0's xenstored,
 * both on the host, through an in-memory shared page: whenever the client
 * waits or notifies, xenstored's ring transport (xs_ring_pump) moves whole
 * requests into the store and replies and events back.
 * Covers every client call, watches (the first event at once, events on
 * change, unwatch), transactions with retry on EAGAIN, messages that wrap
 * around the 1 KiB rings, the state machine helpers (a state that came and
 * went is not waited for; a stall is reported) and the error node.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/xenbus.h>

#include "xenstore.h"
#include "xs_ring.h"

#define GUEST 1

static struct xenstore_domain_interface page;
static struct xs_store *store;
static struct xs_ring_conn conn;
static uint64_t fake_now;
static unsigned int waits;

/* dom0's side: xenstored's ring transport (xs_ring.c) on the same page. */
static void pump(void)
{
    xs_ring_pump(store, &conn);
}

static void on_notify(void *ctx)
{
    (void)ctx;
    pump();
}

static void on_wait(void *ctx)
{
    (void)ctx;
    waits++;
    fake_now += 1000000; /* each wait is a millisecond */
    pump();
}

static uint64_t on_now(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static void setup(void)
{
    static const struct xenbus_ops ops = {on_notify, on_wait, on_now, NULL};

    memset(&page, 0, sizeof(page));
    xs_ring_init(&conn, &page, GUEST);
    fake_now = 0;
    ck_assert_int_eq(xs_store_create(NULL, NULL, &store), 0);
    ck_assert_int_eq(xs_mkdir(store, 0, 0, "/local/domain/1"), 0);
    ck_assert_int_eq(xs_set_perms(store, 0, 0, "/local/domain/1", "n1", 3), 0);
    ck_assert_int_eq(xs_introduce(store, 0, GUEST, 1234, 5), 0);
    xenbus_init(&page, &ops);
}

static void teardown(void)
{
    ck_assert_int_eq(xs_store_check(store), 0);
    xs_store_destroy(store);
}

START_TEST(test_read_write_mkdir_rm)
{
    char buf[64];

    ck_assert_int_eq(xenbus_write(XBT_NIL, "device/vbd/0/ring-ref", "8"), 0);
    ck_assert_int_eq(xenbus_read(XBT_NIL, "device/vbd/0/ring-ref", buf, sizeof(buf)), 1);
    ck_assert_str_eq(buf, "8");
    ck_assert_int_eq(xenbus_printf(XBT_NIL, "/local/domain/1/name", "guest-%d", 1), 0);
    ck_assert_int_eq(xenbus_read(XBT_NIL, "name", buf, sizeof(buf)), 7);
    ck_assert_str_eq(buf, "guest-1");
    uint64_t v;
    ck_assert_int_eq(xenbus_read_u64(XBT_NIL, "device/vbd/0/ring-ref", &v), 0);
    ck_assert_uint_eq(v, 8);
    ck_assert_int_eq(xenbus_read_u64(XBT_NIL, "name", &v), -EINVAL);
    ck_assert_int_eq(xenbus_mkdir(XBT_NIL, "data"), 0);
    ck_assert_int_eq(xenbus_directory(XBT_NIL, "/local/domain/1", buf, sizeof(buf)), 3);
    ck_assert_int_eq(xenbus_rm(XBT_NIL, "device"), 0);
    ck_assert_int_eq(xenbus_read(XBT_NIL, "device/vbd/0/ring-ref", buf, sizeof(buf)), -ENOENT);
    ck_assert_int_eq(xenbus_read(XBT_NIL, "name", buf, 4), -E2BIG);
    /* The store's refusals arrive as errno values. */
    ck_assert_int_eq(xenbus_write(XBT_NIL, "/tool/x", "no"), -EACCES);
    ck_assert_int_eq(xenbus_read(XBT_NIL, "/local/domain/0/x", buf, sizeof(buf)), -EACCES);
}
END_TEST

/* Values large enough that requests and replies wrap around the 1 KiB rings many times. */
START_TEST(test_messages_wrap_the_rings)
{
    static char value[2000], back[2001];

    for (unsigned int round = 0; round < 20; round++) {
        for (size_t i = 0; i < sizeof(value) - 1; i++)
            value[i] = (char)('a' + (i + round) % 26);
        value[sizeof(value) - 1] = '\0';
        ck_assert_int_eq(xenbus_write(XBT_NIL, "big", value), 0);
        ck_assert_int_eq(xenbus_read(XBT_NIL, "big", back, sizeof(back)), (int)strlen(value));
        ck_assert_str_eq(back, value);
    }
    ck_assert_uint_gt(page.req_prod, 20 * 2000);
}
END_TEST

struct seen {
    unsigned int calls;
    char last[128];
};

static void record(const char *path, const char *token, void *data)
{
    struct seen *s = data;

    (void)token;
    s->calls++;
    snprintf(s->last, sizeof(s->last), "%s", path);
}

START_TEST(test_watches)
{
    struct seen s = {0};

    ck_assert_int_eq(xenbus_watch("/local/domain/1/backend", "tok", record, &s), 0);
    ck_assert_uint_eq(s.calls, 1); /* a new watch fires once at once */
    ck_assert_str_eq(s.last, "/local/domain/1/backend");
    ck_assert_int_eq(xenbus_write(XBT_NIL, "backend/state", "4"), 0);
    ck_assert_uint_eq(s.calls, 2);
    ck_assert_str_eq(s.last, "/local/domain/1/backend/state");
    /* dom0 writes below it: the event comes with our next request. */
    ck_assert_int_eq(xs_write(store, 0, 0, "/local/domain/1/backend/x", "1", 1), 0);
    char buf[8];
    xenbus_read(XBT_NIL, "backend/state", buf, sizeof(buf));
    ck_assert_uint_eq(s.calls, 3);
    ck_assert_int_eq(xenbus_unwatch("/local/domain/1/backend", "tok"), 0);
    ck_assert_int_eq(xenbus_write(XBT_NIL, "backend/state", "5"), 0);
    ck_assert_uint_eq(s.calls, 3);
    ck_assert_int_eq(xenbus_watch("x", "tok", NULL, NULL), -EINVAL);
}
END_TEST

static int add_one(uint32_t tx, void *arg)
{
    int *interfere = arg;
    uint64_t v = 0;
    int rc = xenbus_read_u64(tx, "counter", &v);

    if (rc && rc != -ENOENT)
        return rc;
    if (*interfere > 0) { /* another writer gets in first: the commit must fail */
        (*interfere)--;
        ck_assert_int_eq(xs_write(store, 0, 0, "/local/domain/1/counter", "100", 3), 0);
    }
    return xenbus_printf(tx, "counter", "%lu", (unsigned long)(v + 1));
}

START_TEST(test_transactions_retry)
{
    int interfere = 2;
    uint64_t v;

    ck_assert_int_eq(xenbus_transact(add_one, &interfere, 5), 0);
    ck_assert_int_eq(interfere, 0);
    ck_assert_int_eq(xenbus_read_u64(XBT_NIL, "counter", &v), 0);
    ck_assert_uint_eq(v, 101); /* the third try saw the other writer's value */
    interfere = 10;
    ck_assert_int_eq(xenbus_transact(add_one, &interfere, 3), -EAGAIN);
    uint32_t tx;
    ck_assert_int_eq(xenbus_transaction_start(&tx), 0);
    ck_assert_int_eq(xenbus_write(tx, "t", "1"), 0);
    ck_assert_int_eq(xenbus_transaction_end(tx, true), 0);
    char buf[8];
    ck_assert_int_eq(xenbus_read(XBT_NIL, "t", buf, sizeof(buf)), -ENOENT);
}
END_TEST

/* A guest scribbling on the page breaks only its own connection. */
START_TEST(test_hostile_indices_break_the_connection)
{
    struct xenstore_domain_interface evil;
    struct xs_ring_conn c;

    memset(&evil, 0, sizeof(evil));
    xs_ring_init(&c, &evil, GUEST);
    evil.req_prod = 5000; /* more than a ring ahead */
    ck_assert(!xs_ring_pump(store, &c));
    ck_assert(c.broken);
    memset(&evil, 0, sizeof(evil));
    xs_ring_init(&c, &evil, GUEST);
    struct xsd_sockmsg h = {.type = XS_READ, .req_id = 1, .len = XENSTORE_PAYLOAD_MAX + 1};
    memcpy(evil.req, &h, sizeof(h));
    evil.req_prod = sizeof(h);
    xs_ring_pump(store, &c);
    ck_assert(c.broken);
    ck_assert_uint_eq(evil.rsp_prod, 0); /* nothing was handled */
}
END_TEST

START_TEST(test_state_machine)
{
    char buf[64];

    ck_assert_int_eq(xenbus_switch_state("device/vbd/0", XenbusStateInitialising), 0);
    ck_assert_int_eq(xenbus_read_state("device/vbd/0"), XenbusStateInitialising);
    ck_assert_int_eq(xenbus_read_state("device/none"), XenbusStateUnknown);
    /* The other side went Initialised and on to Connected before we looked. */
    ck_assert_int_eq(xs_write(store, 0, 0, "/local/domain/1/backend/state", "4", 1), 0);
    ck_assert_int_eq(xenbus_wait_for_state("backend", XenbusStateInitialised, NULL, 1000000000),
                     XenbusStateConnected);
    /* A stall is reported, with both sides' states, after the timeout. */
    ck_assert_int_eq(xs_write(store, 0, 0, "/local/domain/1/backend/state", "2", 1), 0);
    waits = 0;
    ck_assert_int_eq(
        xenbus_wait_for_state("backend", XenbusStateConnected, "device/vbd/0", 50000000),
        -ETIMEDOUT);
    ck_assert_uint_ge(waits, 50);
    /* Closed ends a wait for Connected at once. */
    ck_assert_int_eq(xs_write(store, 0, 0, "/local/domain/1/backend/state", "6", 1), 0);
    ck_assert_int_eq(xenbus_wait_for_state("backend", XenbusStateConnected, NULL, 1000000000),
                     XenbusStateClosed);
    xenbus_dev_fatal("device/vbd/0", -EINVAL, "bad ring-ref");
    ck_assert_int_gt(xenbus_read(XBT_NIL, "device/vbd/0/error", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "22 bad ring-ref");
    ck_assert_int_eq(xenbus_read_state("device/vbd/0"), XenbusStateClosing);
    ck_assert_str_eq(xenbus_state_name(XenbusStateInitWait), "InitWait");
    ck_assert_str_eq(xenbus_state_name(99), "Invalid");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenbus");
    TCase *tc = tcase_create("client");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_read_write_mkdir_rm);
    tcase_add_test(tc, test_messages_wrap_the_rings);
    tcase_add_test(tc, test_watches);
    tcase_add_test(tc, test_transactions_retry);
    tcase_add_test(tc, test_state_machine);
    tcase_add_test(tc, test_hostile_indices_break_the_connection);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
