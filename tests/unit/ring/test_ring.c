/*
 * test_ring.c - unit tests of public/io/ring.h: its layout against Debian's
 * libxen-dev io/ring.h, full and empty rings, indices crossing 2^32, event
 * suppression decided exactly as Xen's macros decide (xen_oracle.c runs them
 * side by side), hostile producer indices (HOSTILE R2), copy-once consumers
 * (R1), and a bounded two-thread producer/consumer run.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <public/io/ring.h>

#include "ring_test.h"

DEFINE_RING_TYPES(sk64, struct req64, struct rsp64);
DEFINE_RING_TYPES(skblk, struct req_blk, struct rsp_blk);

#define PAGE 4096

static union {
    struct sk64_sring s;
    uint8_t page[PAGE];
} page64;
static struct sk64_front_ring front;
static struct sk64_back_ring back;

#define SKIFF_LAYOUT(out, name)                                          \
    do {                                                                 \
        static union {                                                   \
            struct name##_sring s;                                       \
            uint8_t page[PAGE];                                          \
        } pg;                                                            \
        struct name##_front_ring fr;                                     \
        (out)->entry_size = sizeof(union name##_sring_entry);            \
        (out)->sring_size = sizeof(struct name##_sring);                 \
        (out)->off_req_prod = offsetof(struct name##_sring, req_prod);   \
        (out)->off_req_event = offsetof(struct name##_sring, req_event); \
        (out)->off_rsp_prod = offsetof(struct name##_sring, rsp_prod);   \
        (out)->off_rsp_event = offsetof(struct name##_sring, rsp_event); \
        (out)->off_ring = offsetof(struct name##_sring, ring);           \
        (out)->const_size_4k = __CONST_RING_SIZE(name, 4096);            \
        (out)->const_size_8k = __CONST_RING_SIZE(name, 8192);            \
        (out)->const_size_16k = __CONST_RING_SIZE(name, 16384);          \
        name##_sring_init(&pg.s);                                        \
        name##_front_init(&fr, &pg.s, PAGE);                             \
        (out)->init_size_4k = RING_SIZE(&fr);                            \
    } while (0)

static void expect_same_layout(const struct ring_layout *sk, const struct ring_layout *xen)
{
    ck_assert_uint_eq(sk->entry_size, xen->entry_size);
    ck_assert_uint_eq(sk->sring_size, xen->sring_size);
    ck_assert_uint_eq(sk->off_req_prod, xen->off_req_prod);
    ck_assert_uint_eq(sk->off_req_event, xen->off_req_event);
    ck_assert_uint_eq(sk->off_rsp_prod, xen->off_rsp_prod);
    ck_assert_uint_eq(sk->off_rsp_event, xen->off_rsp_event);
    ck_assert_uint_eq(sk->off_ring, xen->off_ring);
    ck_assert_uint_eq(sk->const_size_4k, xen->const_size_4k);
    ck_assert_uint_eq(sk->const_size_8k, xen->const_size_8k);
    ck_assert_uint_eq(sk->const_size_16k, xen->const_size_16k);
    ck_assert_uint_eq(sk->init_size_4k, xen->init_size_4k);
}

/* ---- layout ---- */

START_TEST(layout_64_matches_xen)
{
    struct ring_layout sk, xen;

    SKIFF_LAYOUT(&sk, sk64);
    xen_layout_64(&xen);
    expect_same_layout(&sk, &xen);
    ck_assert_uint_eq(sk.entry_size, 64);
    ck_assert_uint_eq(sk.init_size_4k, 32);
}
END_TEST

START_TEST(layout_blkif_matches_xen)
{
    struct ring_layout sk, xen;

    SKIFF_LAYOUT(&sk, skblk);
    xen_layout_blkif(&xen);
    expect_same_layout(&sk, &xen);
    ck_assert_uint_eq(sk.entry_size, 112);
    ck_assert_uint_eq(sk.init_size_4k, 32);
}
END_TEST

START_TEST(pow2_floor_matches_xen)
{
    static const unsigned int big[] = {0x7fffff, 0x800000, 0xffffff, 0x123456, 0x400001};

    for (unsigned int x = 0; x < 70000; x++)
        ck_assert_uint_eq(SKIFF_RING_POW2_FLOOR(x), xen_pow2_floor(x));
    for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
        ck_assert_uint_eq(SKIFF_RING_POW2_FLOOR(big[i]), xen_pow2_floor(big[i]));
}
END_TEST

START_TEST(entries_per_page_for_every_entry_size)
{
    /* For an entry of e bytes: the largest power of two <= (4096 - 64) / e. */
    for (unsigned int e = 1; e <= 4032; e++)
        ck_assert_uint_eq(SKIFF_RING_ENTRIES(4096, e), xen_pow2_floor(4032 / e));
}
END_TEST

/* ---- helpers on the Skiff ring ---- */

/* Both ends attached to page64 with every index at start. */
static void sk_init(RING_IDX start)
{
    memset(&page64, 0xa5, sizeof(page64));
    sk64_sring_init(&page64.s);
    page64.s.req_prod = page64.s.rsp_prod = start;
    page64.s.req_event = page64.s.rsp_event = start + 1;
    FRONT_RING_ATTACH(&front, &page64.s, start, PAGE);
    BACK_RING_ATTACH(&back, &page64.s, start, PAGE);
}

static void fill_req(struct req64 *req, uint64_t id)
{
    req->id = id;
    req->sum = 0;
    for (size_t i = 0; i < sizeof(req->payload); i++) {
        req->payload[i] = (uint8_t)(id * 31 + i);
        req->sum += req->payload[i];
    }
}

static int req_ok(const struct req64 *req, uint64_t id)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < sizeof(req->payload); i++)
        sum += req->payload[i];
    return req->id == id && req->sum == sum;
}

static unsigned int sk_produce(unsigned int k)
{
    unsigned int n = 0;
    struct req64 req;

    for (; n < k; n++) {
        fill_req(&req, front.req_prod_pvt);
        if (sk64_front_put_request(&front, &req) != 0)
            break;
    }
    return n;
}

static unsigned int sk_take_requests(unsigned int max)
{
    unsigned int n = 0;
    struct req64 req;

    while (n < max && sk64_back_take_request(&back, &req) == 1)
        n++;
    return n;
}

static unsigned int sk_respond(unsigned int k)
{
    unsigned int n = 0;
    struct rsp64 rsp = {0, 0};

    for (; n < k; n++) {
        rsp.id = back.rsp_prod_pvt;
        if (sk64_back_put_response(&back, &rsp) != 0)
            break;
    }
    return n;
}

static unsigned int sk_take_responses(unsigned int max)
{
    unsigned int n = 0;
    struct rsp64 rsp;

    while (n < max && sk64_front_take_response(&front, &rsp) == 1)
        n++;
    return n;
}

/* ---- empty and full ---- */

START_TEST(empty_ring)
{
    struct req64 req;
    struct rsp64 rsp;

    sk_init(0);
    ck_assert_int_eq(sk64_back_take_request(&back, &req), 0);
    ck_assert_int_eq(sk64_front_take_response(&front, &rsp), 0);
    ck_assert_int_eq(sk64_back_put_response(&back, &rsp), -SKIFF_ENOSPC);
    ck_assert_int_eq(sk64_back_final_check(&back), 0);
    ck_assert_uint_eq(page64.s.req_event, 1);
    ck_assert_int_eq(sk64_front_final_check(&front), 0);
    ck_assert_uint_eq(page64.s.rsp_event, 1);
    for (size_t i = 0; i < sizeof(page64.s.pad); i++)
        ck_assert_uint_eq(page64.s.pad[i], 0);
    ck_assert_uint_eq(page64.s.pvt[0] | page64.s.pvt[3], 0);
}
END_TEST

START_TEST(full_ring)
{
    sk_init(0);
    ck_assert_uint_eq(sk_produce(100), 32);
    ck_assert_uint_eq(RING_FREE_REQUESTS(&front), 0);
    ck_assert(RING_FULL(&front));
    sk64_front_push(&front);
    /* prod == cons + size is a full ring, not a hostile one. */
    ck_assert_uint_eq(sk_take_requests(100), 32);
    ck_assert_uint_eq(sk_produce(1), 0); /* slots stay busy until answered */
    ck_assert_uint_eq(sk_respond(100), 32);
    sk64_back_push(&back);
    ck_assert_uint_eq(sk_produce(1), 0); /* ... and until the front consumed the answers */
    ck_assert_uint_eq(sk_take_responses(100), 32);
    ck_assert_uint_eq(sk_produce(100), 32);
}
END_TEST

/* ---- wrap-around at 2^32 ---- */

static void run_through(RING_IDX start, unsigned int messages)
{
    unsigned int sent = 0, got = 0, answered = 0;
    struct req64 req;
    struct rsp64 rsp = {0, 0};
    uint64_t want_req = start, want_rsp = start;

    sk_init(start);
    while (answered < messages) {
        unsigned int k = 1 + (sent * 7) % 13;
        for (; k > 0 && sent < messages; k--, sent++) {
            fill_req(&req, (RING_IDX)(start + sent));
            if (sk64_front_put_request(&front, &req) != 0)
                break;
        }
        sk64_front_push(&front);
        while (sk64_back_take_request(&back, &req) == 1) {
            ck_assert(req_ok(&req, (RING_IDX)want_req++));
            rsp.id = req.id;
            ck_assert_int_eq(sk64_back_put_response(&back, &rsp), 0);
            got++;
        }
        sk64_back_push(&back);
        while (sk64_front_take_response(&front, &rsp) == 1) {
            ck_assert_uint_eq(rsp.id, (RING_IDX)want_rsp++);
            answered++;
        }
    }
    ck_assert_uint_eq(got, messages);
}

START_TEST(wraps_at_2_32)
{
    run_through(0xffffff00u, 1000);
    ck_assert_uint_eq(page64.s.req_prod, (RING_IDX)(0xffffff00u + 1000));
    ck_assert_uint_eq(page64.s.rsp_prod, 1000 - 256);
}
END_TEST

START_TEST(wraps_at_every_slot_offset)
{
    for (RING_IDX d = 0; d < 40; d++)
        run_through(0u - d, 100);
}
END_TEST

/* ---- event suppression against Xen's macros ---- */

static uint32_t prng_state = 12345;
static uint32_t prng(void)
{
    prng_state = prng_state * 1103515245u + 12345u;
    return prng_state >> 8;
}

static void expect_same_header(unsigned int step)
{
    uint32_t xen[4];

    xo_header(xen);
    ck_assert_msg(page64.s.req_prod == xen[0] && page64.s.req_event == xen[1] &&
                      page64.s.rsp_prod == xen[2] && page64.s.rsp_event == xen[3],
                  "step %u: Skiff header %x %x %x %x, Xen %x %x %x %x", step, page64.s.req_prod,
                  page64.s.req_event, page64.s.rsp_prod, page64.s.rsp_event, xen[0], xen[1], xen[2],
                  xen[3]);
}

/* One random operation on both rings; fails if Skiff and Xen disagree. */
static void random_step(unsigned int step, unsigned int *notifies)
{
    unsigned int op = prng() % 8, k = 1 + prng() % 9;
    int sk, xen;

    switch (op) {
    case 0:
        ck_assert_uint_eq(sk_produce(k), xo_produce(k));
        return;
    case 1:
        sk = sk64_front_push(&front), xen = xo_push_requests();
        break;
    case 2:
        ck_assert_uint_eq(sk_take_requests(k), xo_take_requests(k));
        return;
    case 3:
        ck_assert_uint_eq(sk_respond(k), xo_respond(k));
        return;
    case 4:
        sk = sk64_back_push(&back), xen = xo_push_responses();
        break;
    case 5:
        ck_assert_uint_eq(sk_take_responses(k), xo_take_responses(k));
        return;
    case 6:
        sk = sk64_back_final_check(&back) > 0, xen = xo_final_check_requests() > 0;
        break;
    default:
        sk = sk64_front_final_check(&front) > 0, xen = xo_final_check_responses() > 0;
        break;
    }
    ck_assert_msg(sk == xen, "step %u op %u: Skiff says %d, Xen %d", step, op, sk, xen);
    if (op == 1 || op == 4)
        *notifies += (unsigned int)sk;
}

static void notify_like_xen(RING_IDX start)
{
    unsigned int notifies = 0;

    sk_init(start);
    xo_init(start);
    for (unsigned int step = 0; step < 200000; step++) {
        random_step(step, &notifies);
        expect_same_header(step);
    }
    ck_assert_uint_gt(notifies, 1000); /* the walk did exercise notifications */
}

START_TEST(notify_matches_xen)
{
    notify_like_xen(0);
}
END_TEST

START_TEST(notify_matches_xen_across_2_32)
{
    notify_like_xen(0xfffff000u);
}
END_TEST

START_TEST(notify_exactly_when_event_passed)
{
    sk_init(0);
    /* Back armed req_event = 1: the first push notifies, the next does not. */
    sk_produce(1);
    ck_assert_int_eq(sk64_front_push(&front), 1);
    sk_produce(1);
    ck_assert_int_eq(sk64_front_push(&front), 0);
    /* Back consumes both and re-arms at 3: a push covering 3 notifies. */
    ck_assert_uint_eq(sk_take_requests(10), 2);
    ck_assert_int_eq(sk64_back_final_check(&back), 0);
    ck_assert_uint_eq(page64.s.req_event, 3);
    sk_produce(3);
    ck_assert_int_eq(sk64_front_push(&front), 1);
    /* An empty push never notifies. */
    ck_assert_int_eq(sk64_front_push(&front), 0);
    /* The final check finds work that raced with it instead of sleeping. */
    ck_assert_int_eq(sk64_back_final_check(&back), 3);
}
END_TEST

/* ---- hostile producer indices (HOSTILE R2) ---- */

START_TEST(request_prod_more_than_a_ring_ahead)
{
    struct req64 req;

    sk_init(0);
    page64.s.req_prod = 33;
    ck_assert_int_eq(sk64_back_take_request(&back, &req), -SKIFF_EIO);
    ck_assert_int_eq(sk64_back_final_check(&back), -SKIFF_EIO);
    ck_assert_uint_eq(back.req_cons, 0); /* nothing consumed */
    page64.s.req_prod = 0x80000000u;
    ck_assert_int_eq(sk64_back_take_request(&back, &req), -SKIFF_EIO);
    page64.s.req_prod = 32; /* exactly full: fine */
    ck_assert_int_eq(sk64_back_take_request(&back, &req), 1);
    /* Xen agrees these are overflows. */
    ck_assert(RING_REQUEST_PROD_OVERFLOW(&back, 33u));
    ck_assert(!RING_REQUEST_PROD_OVERFLOW(&back, 32u));
}
END_TEST

START_TEST(request_prod_counts_unanswered_requests)
{
    struct req64 req;

    sk_init(100);
    sk_produce(20);
    sk64_front_push(&front);
    ck_assert_uint_eq(sk_take_requests(20), 20);
    /* 20 consumed but unanswered: the front can have only 12 more. */
    page64.s.req_prod = 100 + 20 + 13;
    ck_assert_int_eq(sk64_back_take_request(&back, &req), -SKIFF_EIO);
    page64.s.req_prod = 100 + 20 + 12;
    ck_assert_int_eq(sk64_back_take_request(&back, &req), 1);
}
END_TEST

START_TEST(request_prod_going_backwards)
{
    struct req64 req;

    sk_init(0xfffffff0u);
    sk_produce(20);
    sk64_front_push(&front);
    ck_assert_uint_eq(sk_take_requests(20), 20);
    ck_assert_uint_eq(sk_respond(20), 20);
    page64.s.req_prod = 0xfffffff0u + 19; /* behind req_cons */
    ck_assert_int_eq(sk64_back_take_request(&back, &req), -SKIFF_EIO);
    ck_assert_int_eq(sk64_back_final_check(&back), -SKIFF_EIO);
    ck_assert_uint_eq(back.req_cons, (RING_IDX)(0xfffffff0u + 20));
}
END_TEST

START_TEST(response_prod_beyond_requests)
{
    struct rsp64 rsp;

    sk_init(7);
    sk_produce(5);
    sk64_front_push(&front);
    page64.s.rsp_prod = 7 + 6; /* 6 responses to 5 requests */
    ck_assert_int_eq(sk64_front_take_response(&front, &rsp), -SKIFF_EIO);
    page64.s.rsp_prod = 7 + 33;
    ck_assert_int_eq(sk64_front_final_check(&front), -SKIFF_EIO);
    page64.s.rsp_prod = 6; /* backwards */
    ck_assert_int_eq(sk64_front_take_response(&front, &rsp), -SKIFF_EIO);
    page64.s.rsp_prod = 7 + 5;
    ck_assert_int_eq(sk64_front_take_response(&front, &rsp), 1);
    ck_assert_uint_eq(front.rsp_cons, 8);
}
END_TEST

/* ---- copy once (HOSTILE R1) ---- */

START_TEST(request_is_copied_out_once)
{
    struct req64 req;

    sk_init(0);
    sk_produce(1);
    sk64_front_push(&front);
    ck_assert_int_eq(sk64_back_take_request(&back, &req), 1);
    memset(&page64.s.ring[0], 0xff, sizeof(page64.s.ring[0])); /* the front rewrites it */
    ck_assert(req_ok(&req, 0));
}
END_TEST

/* ---- two threads ---- */

#define STRESS_MESSAGES 100000u
#define STRESS_WAIT_NS  5000000000ll /* a notification lost for 5 s is a bug */

struct stress {
    atomic_uint bell_front, bell_back; /* counts notifications sent to each side */
    unsigned int batch;
    int error;
};

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Waits for *bell to move from seen; -1 if it never does (a lost wake-up). */
static int wait_bell(atomic_uint *bell, unsigned int seen)
{
    long long deadline = now_ns() + STRESS_WAIT_NS;

    while (atomic_load(bell) == seen) {
        if (now_ns() > deadline)
            return -1;
        sched_yield();
    }
    return 0;
}

static void *stress_back(void *arg)
{
    struct stress *st = arg;
    unsigned int done = 0;
    struct req64 req;
    struct rsp64 rsp = {0, 0};

    while (done < STRESS_MESSAGES && !st->error) {
        unsigned int n = 0;
        while (n < st->batch && sk64_back_take_request(&back, &req) == 1) {
            if (!req_ok(&req, done + n))
                st->error = 1;
            rsp.id = req.id;
            sk64_back_put_response(&back, &rsp);
            n++;
        }
        done += n;
        if (n > 0) {
            if (sk64_back_push(&back))
                atomic_fetch_add(&st->bell_front, 1);
            continue;
        }
        unsigned int seen = atomic_load(&st->bell_back);
        int work = sk64_back_final_check(&back);
        if (work < 0 || (work == 0 && wait_bell(&st->bell_back, seen) != 0))
            st->error = 2;
    }
    return NULL;
}

/* The front's loop: requests out in batches, responses in; waits when stuck. */
static void stress_front(struct stress *st)
{
    unsigned int sent = 0, answered = 0;
    struct req64 req;
    struct rsp64 rsp;

    while (answered < STRESS_MESSAGES && !st->error) {
        unsigned int n = 0;
        for (; n < st->batch && sent < STRESS_MESSAGES; n++, sent++) {
            fill_req(&req, sent);
            if (sk64_front_put_request(&front, &req) != 0)
                break;
        }
        if (n > 0 && sk64_front_push(&front))
            atomic_fetch_add(&st->bell_back, 1);
        unsigned int got = 0;
        while (sk64_front_take_response(&front, &rsp) == 1) {
            if (rsp.id != answered)
                st->error = 3;
            answered++, got++;
        }
        if (n > 0 || got > 0)
            continue;
        unsigned int seen = atomic_load(&st->bell_front);
        int work = sk64_front_final_check(&front);
        if (work < 0 || (work == 0 && wait_bell(&st->bell_front, seen) != 0))
            st->error = 4;
    }
}

static void stress_run(unsigned int batch, RING_IDX start)
{
    struct stress st = {.batch = batch};
    pthread_t t;

    sk_init(start);
    ck_assert_int_eq(pthread_create(&t, NULL, stress_back, &st), 0);
    stress_front(&st);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_msg(st.error == 0, "batch %u: error %d", batch, st.error);
}

START_TEST(two_threads_batch_1)
{
    stress_run(1, 0xfffff000u);
}
END_TEST

START_TEST(two_threads_batch_32)
{
    stress_run(32, 0);
}
END_TEST

static Suite *ring_suite(void)
{
    Suite *s = suite_create("ring");
    TCase *tc = tcase_create("layout");

    tcase_add_test(tc, layout_64_matches_xen);
    tcase_add_test(tc, layout_blkif_matches_xen);
    tcase_add_test(tc, pow2_floor_matches_xen);
    tcase_add_test(tc, entries_per_page_for_every_entry_size);
    suite_add_tcase(s, tc);
    tc = tcase_create("indices");
    tcase_add_test(tc, empty_ring);
    tcase_add_test(tc, full_ring);
    tcase_add_test(tc, wraps_at_2_32);
    tcase_add_test(tc, wraps_at_every_slot_offset);
    suite_add_tcase(s, tc);
    tc = tcase_create("notify");
    tcase_add_test(tc, notify_matches_xen);
    tcase_add_test(tc, notify_matches_xen_across_2_32);
    tcase_add_test(tc, notify_exactly_when_event_passed);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_test(tc, request_prod_more_than_a_ring_ahead);
    tcase_add_test(tc, request_prod_counts_unanswered_requests);
    tcase_add_test(tc, request_prod_going_backwards);
    tcase_add_test(tc, response_prod_beyond_requests);
    tcase_add_test(tc, request_is_copied_out_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, two_threads_batch_1);
    tcase_add_test(tc, two_threads_batch_32);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ring_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
