/*
 * test_evtchn_scan.c - unit tests for the upcall's scan of the 2-level event
 * bitmaps (guest-lib/src/events_scan.c), on shared_info and vcpu_info
 * structures in host memory.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include <skiff/events.h>

#define MAX_CALLS (EVTCHN_NR_PORTS + 16)

static struct shared_info si;
static struct vcpu_info *vi = &si.vcpu_info[0];

/* What the handler saw, call by call. */
static evtchn_port_t calls[MAX_CALLS];
static unsigned int ncalls;
static bool bit_was_clear[MAX_CALLS];

static bool pending(evtchn_port_t port)
{
    return (si.evtchn_pending[port / 64] >> (port % 64)) & 1;
}

/* What the hypervisor does when it raises an unmasked port (evtchn.c). */
static void hv_raise(evtchn_port_t port)
{
    si.evtchn_pending[port / 64] |= 1ull << (port % 64);
    if (!((si.evtchn_mask[port / 64] >> (port % 64)) & 1)) {
        vi->evtchn_pending_sel |= 1ull << (port / 64);
        vi->evtchn_upcall_pending = 1;
    }
}

static void record(evtchn_port_t port, void *ctx)
{
    ck_assert_uint_lt(ncalls, MAX_CALLS);
    ck_assert_ptr_eq(ctx, &si);
    bit_was_clear[ncalls] = !pending(port);
    calls[ncalls++] = port;
}

static void setup(void)
{
    memset(&si, 0, sizeof(si));
    ncalls = 0;
}

START_TEST(nothing_pending_clears_upcall_flag)
{
    vi->evtchn_upcall_pending = 1;
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 0);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    ck_assert_uint_eq(ncalls, 0);
}
END_TEST

START_TEST(one_port_is_delivered_and_cleared)
{
    hv_raise(5);
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 1);
    ck_assert_uint_eq(ncalls, 1);
    ck_assert_uint_eq(calls[0], 5);
    ck_assert(bit_was_clear[0]); /* cleared before the handler ran */
    ck_assert(!pending(5));
    ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
}
END_TEST

START_TEST(masked_port_stays_pending)
{
    si.evtchn_mask[0] = 1ull << 7;
    hv_raise(7); /* masked: no selector, no upcall */
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    hv_raise(9);
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 1);
    ck_assert_uint_eq(calls[0], 9);
    ck_assert(pending(7));
    ck_assert(!pending(9));
}
END_TEST

START_TEST(masked_after_raise_is_not_delivered)
{
    hv_raise(70);
    si.evtchn_mask[1] |= 1ull << 6; /* masked by the guest before the upcall ran */
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 0);
    ck_assert(pending(70));
}
END_TEST

START_TEST(ports_come_in_ascending_order_across_words)
{
    static const evtchn_port_t raised[] = {4095, 130, 1, 64, 63, 2048, 65};
    static const evtchn_port_t expect[] = {1, 63, 64, 65, 130, 2048, 4095};

    for (unsigned int i = 0; i < sizeof(raised) / sizeof(raised[0]); i++)
        hv_raise(raised[i]);
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 7);
    for (unsigned int i = 0; i < 7; i++)
        ck_assert_uint_eq(calls[i], expect[i]);
    for (unsigned int w = 0; w < 64; w++)
        ck_assert_uint_eq(si.evtchn_pending[w], 0);
}
END_TEST

START_TEST(selector_without_pending_bits_gives_nothing)
{
    vi->evtchn_pending_sel = 0x8000000000000011ull;
    vi->evtchn_upcall_pending = 1;
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 0);
    ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
}
END_TEST

START_TEST(pending_word_without_selector_is_not_scanned)
{
    si.evtchn_pending[3] = 1; /* port 192, but its selector bit is clear */
    hv_raise(1);
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 1);
    ck_assert_uint_eq(calls[0], 1);
    ck_assert(pending(192));
}
END_TEST

/* A handler that gets its port raised again while it runs. */
static void reraise(evtchn_port_t port, void *ctx)
{
    record(port, ctx);
    if (ncalls == 1)
        hv_raise(port);
}

START_TEST(event_raised_during_handler_is_kept)
{
    hv_raise(300);
    ck_assert_uint_eq(evtchn_scan(&si, vi, reraise, &si), 1);
    /* Cleared before the call, so the second raise survives for the next pass. */
    ck_assert(pending(300));
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
    ck_assert_uint_eq(evtchn_scan(&si, vi, reraise, &si), 1);
    ck_assert_uint_eq(ncalls, 2);
    ck_assert(!pending(300));
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
}
END_TEST

/* A handler that raises a lower port of an already scanned word. */
static void raise_lower(evtchn_port_t port, void *ctx)
{
    record(port, ctx);
    if (port == 200)
        hv_raise(2);
}

START_TEST(event_raised_for_another_word_is_left_for_the_next_pass)
{
    hv_raise(10);
    hv_raise(200);
    ck_assert_uint_eq(evtchn_scan(&si, vi, raise_lower, &si), 2);
    ck_assert(pending(2));
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
    ck_assert_uint_eq(evtchn_scan(&si, vi, raise_lower, &si), 1);
    ck_assert_uint_eq(calls[2], 2);
}
END_TEST

START_TEST(every_port_pending_each_called_once)
{
    for (evtchn_port_t p = 0; p < EVTCHN_NR_PORTS; p++)
        hv_raise(p);
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), EVTCHN_NR_PORTS);
    for (evtchn_port_t p = 0; p < EVTCHN_NR_PORTS; p++)
        if (calls[p] != p)
            ck_abort_msg("call %u was port %u", p, calls[p]);
}
END_TEST

START_TEST(half_masked_word)
{
    si.evtchn_mask[2] = 0xaaaaaaaaaaaaaaaaull; /* odd bits masked */
    for (evtchn_port_t p = 128; p < 192; p++)
        hv_raise(p);
    ck_assert_uint_eq(evtchn_scan(&si, vi, record, &si), 32);
    for (unsigned int i = 0; i < 32; i++)
        ck_assert_uint_eq(calls[i], 128 + 2 * i);
    ck_assert_uint_eq(si.evtchn_pending[2], 0xaaaaaaaaaaaaaaaaull);
}
END_TEST

static Suite *scan_suite(void)
{
    Suite *s = suite_create("evtchn_scan");
    TCase *tc = tcase_create("scan");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, nothing_pending_clears_upcall_flag);
    tcase_add_test(tc, one_port_is_delivered_and_cleared);
    tcase_add_test(tc, masked_port_stays_pending);
    tcase_add_test(tc, masked_after_raise_is_not_delivered);
    tcase_add_test(tc, ports_come_in_ascending_order_across_words);
    tcase_add_test(tc, selector_without_pending_bits_gives_nothing);
    tcase_add_test(tc, pending_word_without_selector_is_not_scanned);
    tcase_add_test(tc, event_raised_during_handler_is_kept);
    tcase_add_test(tc, event_raised_for_another_word_is_left_for_the_next_pass);
    tcase_add_test(tc, every_port_pending_each_called_once);
    tcase_add_test(tc, half_masked_word);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scan_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
