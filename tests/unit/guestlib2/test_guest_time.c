/*
 * test_guest_time.c - unit tests for guest-lib's time logic: the sorted
 * timer list (guest-lib/src/timer_list.c) and the conversion of the cycle
 * counter to ns from a vcpu_time_info record (pvclock_ns in skiff/time.h).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/time.h>

#define REQUIRE(cond)                                             \
    do {                                                          \
        if (!(cond))                                              \
            ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond); \
    } while (0)

static void nop(struct gtimer *t)
{
    (void)t;
}

static struct gtimer_list list;
static struct gtimer timers[64];

static void setup(void)
{
    list.head = NULL;
    for (unsigned int i = 0; i < 64; i++)
        gtimer_init(&timers[i], nop, &timers[i]);
}

/* ---- timer list ----------------------------------------------------------- */

START_TEST(empty_list_has_no_deadline)
{
    ck_assert_uint_eq(gtimer_list_next_deadline(&list), 0);
    ck_assert_ptr_null(gtimer_list_pop_expired(&list, UINT64_MAX));
}
END_TEST

START_TEST(insert_reports_a_new_earliest)
{
    ck_assert(gtimer_list_insert(&list, &timers[0], 500));
    ck_assert(!gtimer_list_insert(&list, &timers[1], 700));
    ck_assert(gtimer_list_insert(&list, &timers[2], 100));
    ck_assert(!gtimer_list_insert(&list, &timers[3], 100)); /* equal: after the first */
    ck_assert_uint_eq(gtimer_list_next_deadline(&list), 100);
    ck_assert(timers[0].armed && timers[1].armed && timers[2].armed && timers[3].armed);
}
END_TEST

START_TEST(pop_expired_respects_now_and_order)
{
    gtimer_list_insert(&list, &timers[0], 300);
    gtimer_list_insert(&list, &timers[1], 100);
    gtimer_list_insert(&list, &timers[2], 200);
    gtimer_list_insert(&list, &timers[3], 200);
    ck_assert_ptr_null(gtimer_list_pop_expired(&list, 99));
    ck_assert_ptr_eq(gtimer_list_pop_expired(&list, 100), &timers[1]); /* deadline == now fires */
    ck_assert(!timers[1].armed);
    ck_assert_ptr_null(gtimer_list_pop_expired(&list, 199));
    ck_assert_ptr_eq(gtimer_list_pop_expired(&list, 250), &timers[2]);
    ck_assert_ptr_eq(gtimer_list_pop_expired(&list, 250), &timers[3]); /* FIFO among equals */
    ck_assert_ptr_null(gtimer_list_pop_expired(&list, 250));
    ck_assert_uint_eq(gtimer_list_next_deadline(&list), 300);
}
END_TEST

START_TEST(remove_reports_the_earliest)
{
    gtimer_list_insert(&list, &timers[0], 10);
    gtimer_list_insert(&list, &timers[1], 20);
    gtimer_list_insert(&list, &timers[2], 30);
    ck_assert(!gtimer_list_remove(&list, &timers[1]));
    ck_assert(!timers[1].armed);
    ck_assert(!gtimer_list_remove(&list, &timers[1])); /* twice: no effect */
    ck_assert(gtimer_list_remove(&list, &timers[0]));
    ck_assert_uint_eq(gtimer_list_next_deadline(&list), 30);
    ck_assert(gtimer_list_remove(&list, &timers[2]));
    ck_assert_uint_eq(gtimer_list_next_deadline(&list), 0);
    ck_assert(!gtimer_list_remove(&list, &timers[5])); /* never armed */
}
END_TEST

START_TEST(deadline_zero_becomes_one)
{
    ck_assert(gtimer_list_insert(&list, &timers[0], 0));
    ck_assert_uint_eq(gtimer_list_next_deadline(&list), 1); /* 0 would read as "none" */
    ck_assert_ptr_null(gtimer_list_pop_expired(&list, 0));
    ck_assert_ptr_eq(gtimer_list_pop_expired(&list, 1), &timers[0]);
}
END_TEST

START_TEST(rearm_after_remove_moves_the_timer)
{
    gtimer_list_insert(&list, &timers[0], 10);
    gtimer_list_insert(&list, &timers[1], 20);
    gtimer_list_remove(&list, &timers[0]);
    ck_assert(!gtimer_list_insert(&list, &timers[0], 30));
    ck_assert_ptr_eq(gtimer_list_pop_expired(&list, 100), &timers[1]);
    ck_assert_ptr_eq(gtimer_list_pop_expired(&list, 100), &timers[0]);
    ck_assert_ptr_null(list.head);
}
END_TEST

/* Random arms, re-arms and cancels against a plain array as the reference. */
START_TEST(random_operations_match_a_reference)
{
    uint64_t ref[64];
    bool armed[64] = {false};
    unsigned int seq[64], next_seq = 0;

    srandom(12345);
    for (unsigned int round = 0; round < 20000; round++) {
        unsigned int i = (unsigned int)random() % 64;
        if (random() % 3 == 0) {
            gtimer_list_remove(&list, &timers[i]);
            armed[i] = false;
        } else {
            uint64_t d = 1 + (uint64_t)random() % 1000;
            gtimer_list_remove(&list, &timers[i]);
            gtimer_list_insert(&list, &timers[i], d);
            ref[i] = d;
            armed[i] = true;
            seq[i] = next_seq++;
        }
        /* The list is sorted, FIFO among equal deadlines, and holds exactly the armed ones. */
        unsigned int n = 0;
        for (const struct gtimer *t = list.head; t; t = t->next, n++) {
            unsigned int k = (unsigned int)(t - timers);
            REQUIRE(armed[k] && t->armed && t->deadline == ref[k]);
            if (t->next) {
                unsigned int k2 = (unsigned int)(t->next - timers);
                REQUIRE(ref[k] < ref[k2] || (ref[k] == ref[k2] && seq[k] < seq[k2]));
            }
        }
        unsigned int want = 0;
        for (unsigned int k = 0; k < 64; k++)
            want += armed[k];
        REQUIRE(n == want);
    }
    /* Draining with a rising clock yields the deadlines in order. */
    uint64_t last = 0;
    for (uint64_t now = 0; now <= 1000; now += 7) {
        struct gtimer *t;
        while ((t = gtimer_list_pop_expired(&list, now))) {
            REQUIRE(t->deadline <= now && t->deadline >= last);
            last = t->deadline;
        }
    }
    while (gtimer_list_pop_expired(&list, UINT64_MAX))
        ;
    ck_assert_ptr_null(list.head);
}
END_TEST

/* ---- pvclock_ns ------------------------------------------------------------- */

/* mul/shift for a clock of khz kHz, normalised as a 32.32 ns-per-cycle scale. */
static struct vcpu_time_info record_for_khz(uint64_t khz, uint64_t tsc, uint64_t system_time)
{
    struct vcpu_time_info t;
    uint64_t per_cycle = (1000000ull << 32) / khz;
    int shift = 0;

    while (per_cycle >= (1ull << 32)) {
        per_cycle >>= 1;
        shift++;
    }
    while (per_cycle < (1ull << 31)) {
        per_cycle <<= 1;
        shift--;
    }
    memset(&t, 0, sizeof(t));
    t.tsc_timestamp = tsc;
    t.system_time = system_time;
    t.tsc_to_system_mul = (uint32_t)per_cycle;
    t.tsc_shift = (int8_t)shift;
    return t;
}

START_TEST(no_cycles_no_time)
{
    struct vcpu_time_info t = record_for_khz(2600000, 1000, 777);

    ck_assert_uint_eq(pvclock_ns(&t, 1000), 777);
    ck_assert_uint_eq(pvclock_ns(&t, 999), 777); /* a TSC behind the stamp counts as 0 */
    ck_assert_uint_eq(pvclock_ns(&t, 0), 777);
}
END_TEST

START_TEST(exact_scales)
{
    struct vcpu_time_info t;

    memset(&t, 0, sizeof(t));
    t.tsc_to_system_mul = 0x80000000u; /* 0.5 */
    t.tsc_shift = 1;                   /* x2: 1 ns per cycle */
    ck_assert_uint_eq(pvclock_ns(&t, 123456789), 123456789);
    t.tsc_shift = -1; /* 0.25 ns per cycle */
    ck_assert_uint_eq(pvclock_ns(&t, 4000), 1000);
    t.tsc_shift = 0;
    t.tsc_to_system_mul = 0xffffffffu; /* just under 1 ns per cycle: rounds down */
    ck_assert_uint_eq(pvclock_ns(&t, 1000000), 999999);
}
END_TEST

START_TEST(one_second_of_cycles_is_one_second)
{
    static const uint64_t khz[] = {1000, 1000000, 2607501, 3999999, 4294967};

    for (unsigned int i = 0; i < sizeof(khz) / sizeof(khz[0]); i++) {
        struct vcpu_time_info t = record_for_khz(khz[i], 5000, 0);
        uint64_t ns = pvclock_ns(&t, 5000 + khz[i] * 1000);
        /* Within 1 ppm plus rounding. */
        ck_assert_uint_le(ns, 1000000000ull + 1);
        ck_assert_uint_ge(ns, 1000000000ull - 1000 - 1);
    }
}
END_TEST

START_TEST(large_deltas_do_not_overflow)
{
    struct vcpu_time_info t = record_for_khz(3000000, 0, 0);
    uint64_t day = 86400ull * 3000000000ull; /* a day of cycles at 3 GHz */
    uint64_t ns = pvclock_ns(&t, 100 * day);

    ck_assert_uint_ge(ns, 8640000ull * 1000000000ull - 8640000ull * 1000);
    ck_assert_uint_le(ns, 8640000ull * 1000000000ull + 1);
}
END_TEST

/*
 * The hypervisor refreshes the record with system_time = scale(now - boot),
 * rounding down once; extrapolating an older record rounds down twice. So a
 * reader switching to a fresher record never sees time go backwards.
 */
START_TEST(fresher_records_never_go_backwards)
{
    uint64_t khz = 2607501;
    struct vcpu_time_info boot = record_for_khz(khz, 0, 0);

    srandom(777);
    for (unsigned int i = 0; i < 100000; i++) {
        uint64_t a = (uint64_t)random() * 4096, b = a + (uint64_t)random() % 100000000;
        struct vcpu_time_info old = record_for_khz(khz, a, pvclock_ns(&boot, a));
        struct vcpu_time_info fresh = record_for_khz(khz, b, pvclock_ns(&boot, b));
        uint64_t t = b + (uint64_t)random() % 1000;
        REQUIRE(pvclock_ns(&old, b) <= pvclock_ns(&fresh, b));
        /* Later on, the two extrapolations differ by rounding only. */
        REQUIRE(pvclock_ns(&old, t) <= pvclock_ns(&fresh, t) + 3);
        REQUIRE(pvclock_ns(&fresh, t) >= pvclock_ns(&fresh, b));
    }
}
END_TEST

static Suite *time_suite(void)
{
    Suite *s = suite_create("guest_time");
    TCase *tl = tcase_create("timer_list");
    TCase *pv = tcase_create("pvclock");

    tcase_add_checked_fixture(tl, setup, NULL);
    tcase_add_test(tl, empty_list_has_no_deadline);
    tcase_add_test(tl, insert_reports_a_new_earliest);
    tcase_add_test(tl, pop_expired_respects_now_and_order);
    tcase_add_test(tl, remove_reports_the_earliest);
    tcase_add_test(tl, deadline_zero_becomes_one);
    tcase_add_test(tl, rearm_after_remove_moves_the_timer);
    tcase_add_test(tl, random_operations_match_a_reference);
    suite_add_tcase(s, tl);
    tcase_add_test(pv, no_cycles_no_time);
    tcase_add_test(pv, exact_scales);
    tcase_add_test(pv, one_second_of_cycles_is_one_second);
    tcase_add_test(pv, large_deltas_do_not_overflow);
    tcase_add_test(pv, fresher_records_never_go_backwards);
    suite_add_tcase(s, pv);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(time_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
