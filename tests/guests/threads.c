/*
 * threads.c - cooperative threads (test "threads"): a token passed round a
 * ring of threads through one wait queue, yield order, join and exit codes,
 * concurrent sleeps that end in deadline order, wait_event_timeout, an
 * event handler waking a waiting thread, and the idle loop blocking the
 * vCPU (the domain's CPU time stays far below the time that passes).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/test.h>
#include <skiff/thread.h>
#include <skiff/time.h>

#include "guest_test.h"

#define RING    4
#define PASSES  2000
#define NSLEEP  5
#define IDLE_MS 300

/* ---- token ring -------------------------------------------------------- */

static struct wait_queue ring_wq = WAIT_QUEUE_INIT;
static unsigned long token; /* whose turn: token % RING */
static unsigned long out_of_turn;

static int ring_member(void *arg)
{
    unsigned long me = (unsigned long)arg;

    for (int i = 0; i < PASSES; i++) {
        wait_event(&ring_wq, token % RING == me);
        if (token % RING != me)
            out_of_turn++;
        token++;
        wake_up(&ring_wq);
    }
    return (int)(100 + me);
}

static void token_ring(void)
{
    struct thread *t[RING];
    size_t free_before = page_alloc_free_pages();

    token = 0;
    for (unsigned long i = 0; i < RING; i++) {
        t[i] = thread_create("ring", ring_member, (void *)i, 0);
        TEST_CHECK(t[i] != NULL);
    }
    for (unsigned long i = 0; i < RING; i++) {
        int code = -1;
        if (!t[i])
            continue;
        TEST_EQ(thread_join(t[i], &code), 0);
        TEST_EQ(code, 100 + (int)i);
    }
    TEST_EQ(token, RING * PASSES);
    TEST_EQ(out_of_turn, 0);
    TEST_EQ(page_alloc_free_pages(), free_before); /* stacks came back */
}

/* ---- yield order ------------------------------------------------------- */

static char trace[64];
static unsigned int trace_len;

static int yielder(void *arg)
{
    for (int i = 0; i < 3; i++) {
        trace[trace_len++] = *(const char *)arg;
        thread_yield();
    }
    return 0;
}

static void yield_round_robin(void)
{
    struct thread *a = thread_create("a", yielder, "a", 0);
    struct thread *b = thread_create("b", yielder, "b", 0);

    TEST_CHECK(a && b);
    if (!a || !b)
        return;
    TEST_EQ(thread_join(a, NULL), 0);
    TEST_EQ(thread_join(b, NULL), 0);
    trace[trace_len] = '\0';
    printf("yield: %s\n", trace);
    TEST_CHECK(strcmp(trace, "ababab") == 0);
}

/* ---- join rules and detach --------------------------------------------- */

static int quick(void *arg)
{
    return (int)(long)arg;
}

static int exits_early(void *arg)
{
    (void)arg;
    thread_exit(7);
}

static void join_rules(void)
{
    size_t free_before = page_alloc_free_pages();
    struct thread *t = thread_create("quick", quick, (void *)42L, 0);
    struct thread *e = thread_create("early", exits_early, NULL, 0);
    struct thread *d = thread_create("detached", quick, NULL, 1);
    int code = -1;

    TEST_CHECK(t && e && d);
    if (!t || !e || !d)
        return;
    TEST_EQ(thread_join(thread_self(), NULL), -EINVAL);
    TEST_EQ(thread_join(NULL, NULL), -EINVAL);
    thread_detach(d);
    TEST_EQ(thread_join(d, NULL), -EINVAL);
    TEST_EQ(thread_join(t, &code), 0);
    TEST_EQ(code, 42);
    TEST_EQ(thread_join(e, &code), 0);
    TEST_EQ(code, 7);
    thread_yield(); /* the detached thread has ended; a switch after it frees it */
    TEST_EQ(page_alloc_free_pages(), free_before);
    TEST_CHECK(strcmp(thread_name(thread_self()), "main") == 0);
}

/* ---- stack guard ------------------------------------------------------- */

/* Damages its own guard word for a moment: the check must notice. */
static int guard_prober(void *arg)
{
    volatile uint64_t *guard = page_alloc_block_start((const void *)&arg);
    uint64_t saved;
    int seen = 0;

    if (!guard)
        return -1;
    seen |= thread_stack_intact(thread_self()) ? 1 : 0;
    saved = guard[3];
    guard[3] = ~saved;
    seen |= thread_stack_intact(thread_self()) ? 0 : 2;
    guard[3] = saved; /* repaired before the next switch, which would panic */
    seen |= thread_stack_intact(thread_self()) ? 4 : 0;
    return seen;
}

static void stack_guard(void)
{
    struct thread *t = thread_create("prober", guard_prober, NULL, 2);
    int code = -1;

    TEST_CHECK(t != NULL);
    if (t)
        TEST_EQ(thread_join(t, &code), 0);
    TEST_EQ(code, 7);
    TEST_CHECK(thread_stack_intact(thread_self())); /* main: no guard */
}

/* ---- concurrent sleeps ------------------------------------------------- */

static const unsigned int sleep_ms[NSLEEP] = {50, 10, 40, 20, 30};
static unsigned int woke_order[NSLEEP], nwoke;
static uint64_t sleep_base, woke_late[NSLEEP];
static unsigned long woke_early;

static int sleeper(void *arg)
{
    unsigned int i = (unsigned int)(unsigned long)arg;
    uint64_t deadline = sleep_base + sleep_ms[i] * NSEC_PER_MSEC;

    sleep_until(deadline);
    uint64_t now = monotonic_ns();
    if (now < deadline)
        woke_early++;
    woke_late[i] = now - deadline;
    woke_order[nwoke++] = i;
    return 0;
}

static void concurrent_sleeps(void)
{
    static const unsigned int expect[NSLEEP] = {1, 3, 4, 2, 0}; /* 10, 20, 30, 40, 50 ms */
    struct thread *t[NSLEEP];

    sleep_base = monotonic_ns();
    for (unsigned long i = 0; i < NSLEEP; i++)
        t[i] = thread_create("sleeper", sleeper, (void *)i, 0);
    for (unsigned int i = 0; i < NSLEEP; i++)
        if (t[i])
            TEST_EQ(thread_join(t[i], NULL), 0);
    uint64_t took = monotonic_ns() - sleep_base;
    printf("sleeps: order");
    for (unsigned int i = 0; i < nwoke; i++)
        printf(" %u ms (+%lu us)", sleep_ms[woke_order[i]],
               (unsigned long)(woke_late[woke_order[i]] / NSEC_PER_USEC));
    printf("; all done after %lu ms\n", (unsigned long)(took / NSEC_PER_MSEC));
    TEST_EQ(nwoke, NSLEEP);
    for (unsigned int i = 0; i < NSLEEP && i < nwoke; i++)
        TEST_EQ(woke_order[i], expect[i]);
    TEST_EQ(woke_early, 0);
    TEST_CHECK(took < 100 * NSEC_PER_MSEC); /* concurrently: not 150 ms in a row */
}

/* ---- wait_event_timeout ------------------------------------------------ */

static void wait_timeout(void)
{
    struct wait_queue nobody = WAIT_QUEUE_INIT;
    uint64_t start = monotonic_ns(), deadline = start + 20 * NSEC_PER_MSEC;
    volatile bool never = false;

    TEST_CHECK(!wait_event_timeout(&nobody, never, deadline));
    TEST_CHECK(monotonic_ns() >= deadline);
    TEST_CHECK(wait_event_timeout(&nobody, !never, deadline)); /* true at once */
    TEST_CHECK(nobody.head == NULL);
}

/* ---- an event handler wakes a thread ------------------------------------ */

static struct wait_queue event_wq = WAIT_QUEUE_INIT;
static volatile bool event_seen;

static void on_ipi(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    event_seen = true;
    wake_up(&event_wq);
}

static int event_waiter(void *arg)
{
    (void)arg;
    wait_event(&event_wq, event_seen);
    return 5;
}

static int event_sender(void *arg)
{
    evtchn_port_t port = *(evtchn_port_t *)arg;

    sleep_ns(5 * NSEC_PER_MSEC); /* the waiter is asleep by now, and so is the vCPU */
    return evtchn_notify(port);
}

static void handler_wakes_thread(void)
{
    evtchn_port_t port;
    int wc = -1, sc = -1;

    TEST_EQ(evtchn_bind_ipi(&port), 0);
    TEST_EQ(evtchn_bind_handler(port, on_ipi, NULL), 0);
    struct thread *w = thread_create("waiter", event_waiter, NULL, 0);
    struct thread *s = thread_create("sender", event_sender, &port, 0);
    TEST_CHECK(w && s);
    if (w && s) {
        TEST_EQ(thread_join(w, &wc), 0);
        TEST_EQ(thread_join(s, &sc), 0);
    }
    TEST_EQ(wc, 5);
    TEST_EQ(sc, 0);
    TEST_EQ(evtchn_close(port), 0);
}

/* ---- the idle loop blocks the vCPU ------------------------------------- */

static uint64_t domain_cpu_ns(void)
{
    struct skiff_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = SKIFF_DOMCTL_getdomaininfo;
    op.interface_version = SKIFF_DOMCTL_INTERFACE_VERSION;
    op.domain = (domid_t)start_info.domid;
    if (HYPERVISOR_domctl(&op) != 0)
        return 0;
    return op.u.getdomaininfo.cpu_time_ns;
}

static void idle_blocks_vcpu(void)
{
    uint64_t blocks = thread_idle_blocks(), idle = thread_idle_ns();
    uint64_t cpu0 = domain_cpu_ns(), t0 = monotonic_ns();

    TEST_EQ(sleep_ns(IDLE_MS * NSEC_PER_MSEC), 0);
    uint64_t cpu = domain_cpu_ns() - cpu0, wall = monotonic_ns() - t0;
    printf("idle: %lu ms passed, the domain ran %lu us of it, %lu blocks\n",
           (unsigned long)(wall / NSEC_PER_MSEC), (unsigned long)(cpu / NSEC_PER_USEC),
           (unsigned long)(thread_idle_blocks() - blocks));
    TEST_CHECK(wall >= IDLE_MS * NSEC_PER_MSEC);
    TEST_CHECK(cpu0 != 0);
    TEST_CHECK(cpu < wall / 10); /* blocked, not spinning */
    TEST_CHECK(thread_idle_blocks() > blocks);
    TEST_CHECK(thread_idle_ns() - idle >= (IDLE_MS - 10) * NSEC_PER_MSEC);
}

int main(void)
{
    token_ring();
    yield_round_robin();
    join_rules();
    stack_guard();
    concurrent_sleeps();
    wait_timeout();
    handler_wakes_thread();
    idle_blocks_vcpu();
    TEST_EQ(events_spurious_count(), 0);
    return test_finish();
}
