/*
 * thread.c - cooperative threads (skiff/thread.h): the run queue, the
 * switch between threads, wait queues, sleeping on guest timers, joining,
 * and the idle loop that blocks the vCPU when nothing can run.
 *
 * Locking: one vCPU, and event handlers (which may call wake_up, and whose
 * timers wake sleepers) are the only thing that interrupts thread code. So
 * every structure below -- the run queue, wait queues, thread states, the
 * zombie list -- is changed only with events disabled, and schedule() keeps
 * them disabled from its decision to the switch. Each thread's saved events
 * state lives on its own stack, in its schedule() frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/thread.h>
#include <skiff/time.h>

#define GUARD_WORDS 8 /* 64 bytes at the bottom of each stack */
#define GUARD_MAGIC 0x5eed57ac6ba5e000ull

enum thread_state {
    THREAD_RUNNABLE, /* running, or on the run queue */
    THREAD_BLOCKED,  /* waiting: on a wait queue, a timer, or both */
    THREAD_EXITED,   /* finished; waits to be joined or reaped */
};

struct thread {
    uint64_t rsp; /* 0: saved by switch.S while the thread is switched out */
    const char *name;
    enum thread_state state;
    bool detached; /* freed by the scheduler once it exits */
    bool joined;   /* someone called thread_join: nobody else may */
    int exit_code;
    thread_fn *fn;
    void *arg;
    void *stack; /* page_alloc run; NULL for main (entry.S's boot stack) */
    size_t stack_pages;
    struct thread *run_next; /* run queue or zombie list */
    bool on_runq;
    struct wait_queue *waiting_on; /* the queue the thread is on, or NULL */
    struct thread *wq_next;
    struct gtimer timer; /* wakes it from sleep_until / thread_wait_timeout */
    bool timed_out;      /* set by that timer */
    struct wait_queue joiners;
};

/* The layout thread_switch pops: a new thread's first "return". */
struct switch_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

void thread_switch(uint64_t *save_rsp, uint64_t next_rsp); /* arch/x86_64/switch.S */
extern char thread_trampoline[];
_Noreturn void thread_entry(struct thread *t);

/* All guarded by events disabled (see the top of the file). */
static struct thread main_thread = {.name = "main", .state = THREAD_RUNNABLE};
static struct thread *current = &main_thread;
static struct thread *runq_head, *runq_tail;
static struct thread *zombies; /* exited detached threads, freed after a switch */
static bool threads_ready;
static uint64_t idle_blocks, idle_ns;

/* ---- run queue ---------------------------------------------------------- */

static void runq_append(struct thread *t)
{
    if (t->on_runq)
        return;
    t->run_next = NULL;
    if (runq_tail)
        runq_tail->run_next = t;
    else
        runq_head = t;
    runq_tail = t;
    t->on_runq = true;
}

static struct thread *runq_pop(void)
{
    struct thread *t = runq_head;

    if (!t)
        return NULL;
    runq_head = t->run_next;
    if (!runq_head)
        runq_tail = NULL;
    t->run_next = NULL;
    t->on_runq = false;
    return t;
}

/* Blocked -> runnable. Events disabled. */
static void make_runnable(struct thread *t)
{
    if (t->state != THREAD_BLOCKED)
        return;
    t->state = THREAD_RUNNABLE;
    runq_append(t);
}

/* ---- wait queues -------------------------------------------------------- */

void wait_queue_init(struct wait_queue *wq)
{
    wq->head = wq->tail = NULL;
}

static void wq_append(struct wait_queue *wq, struct thread *t)
{
    t->wq_next = NULL;
    if (wq->tail)
        wq->tail->wq_next = t;
    else
        wq->head = t;
    wq->tail = t;
    t->waiting_on = wq;
}

/* Takes t off the queue it waits on, if any. */
static void wq_remove(struct thread *t)
{
    struct wait_queue *wq = t->waiting_on;
    struct thread *prev = NULL;

    if (!wq)
        return;
    for (struct thread *p = wq->head; p; prev = p, p = p->wq_next) {
        if (p != t)
            continue;
        if (prev)
            prev->wq_next = t->wq_next;
        else
            wq->head = t->wq_next;
        if (wq->tail == t)
            wq->tail = prev;
        break;
    }
    t->wq_next = NULL;
    t->waiting_on = NULL;
}

void wake_up(struct wait_queue *wq)
{
    bool flags = local_events_save();
    struct thread *t = wq->head;

    wq->head = wq->tail = NULL;
    while (t) {
        struct thread *next = t->wq_next;
        t->wq_next = NULL;
        t->waiting_on = NULL;
        make_runnable(t);
        t = next;
    }
    local_events_restore(flags);
}

/* ---- stacks ------------------------------------------------------------- */

static uint64_t guard_value(const struct thread *t)
{
    return GUARD_MAGIC ^ (uint64_t)(uintptr_t)t->stack;
}

static void guard_write(struct thread *t)
{
    uint64_t *g = t->stack;

    for (unsigned int i = 0; i < GUARD_WORDS; i++)
        g[i] = guard_value(t);
}

/* Index of the first overwritten guard word of t, or -1 if all are intact. */
static int guard_damage(const struct thread *t)
{
    const uint64_t *g = t->stack;

    for (unsigned int i = 0; g && i < GUARD_WORDS; i++)
        if (g[i] != guard_value(t))
            return (int)i;
    return -1;
}

bool thread_stack_intact(const struct thread *t)
{
    return guard_damage(t) < 0;
}

/* Panics if the running thread t has overrun its stack. */
static void guard_check(const struct thread *t)
{
    uintptr_t base = (uintptr_t)t->stack, sp = (uintptr_t)__builtin_frame_address(0);
    int damaged = guard_damage(t);

    if (!t->stack)
        return;
    if (sp < base + GUARD_WORDS * sizeof(uint64_t) ||
        sp > base + t->stack_pages * PAGE_ALLOC_PAGE_SIZE)
        panic("thread '%s': stack pointer %lx outside its stack", t->name, (unsigned long)sp);
    if (damaged >= 0)
        panic("thread '%s': stack overflow (guard word %d overwritten)", t->name, damaged);
}

static void thread_free(struct thread *t)
{
    page_free(t->stack, t->stack_pages);
    free(t);
}

/* Frees exited detached threads; never the running one. Events disabled. */
static void reap_zombies(void)
{
    while (zombies) {
        struct thread *t = zombies;
        zombies = t->run_next;
        thread_free(t);
    }
}

/* ---- scheduling --------------------------------------------------------- */

static thread_idle_work_fn *idle_work;
static bool in_idle_work;

void thread_set_idle_work(thread_idle_work_fn *fn)
{
    idle_work = fn;
}

/* The idle hook's work, with events enabled, once at a time. */
static bool run_idle_work(void)
{
    bool did;

    if (!idle_work || in_idle_work)
        return false;
    in_idle_work = true;
    local_events_enable();
    did = idle_work();
    local_events_disable();
    in_idle_work = false;
    return did;
}

/* Blocks the vCPU until an event; handlers run on the way back. Events disabled. */
static void idle_block(void)
{
    uint64_t start = monotonic_ns();

    idle_blocks++;
    /* Unmasks and blocks in one step: no wake-up between check and block is lost. */
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    local_events_disable();
    idle_ns += monotonic_ns() - start;
}

/*
 * Runs the next runnable thread (the caller again if it is runnable and
 * alone); blocks the vCPU while none is. Returns when the caller is
 * switched back in, with events as they were.
 */
static void schedule(void)
{
    bool flags = local_events_save();
    struct thread *prev = current, *next;

    if (events_in_upcall())
        panic("threads: '%s' tried to switch, sleep or wait in an event handler", prev->name);
    guard_check(prev);
    if (prev->state == THREAD_RUNNABLE)
        runq_append(prev);
    while (!(next = runq_pop())) {
        run_idle_work(); /* events were on meanwhile: a handler may have woken a thread */
        if ((next = runq_pop()))
            break;
        idle_block();
    }
    if (next != prev) {
        current = next;
        thread_switch(&prev->rsp, next->rsp);
        reap_zombies(); /* back in prev: whoever ran before has switched stacks */
    }
    local_events_restore(flags);
}

static void timer_wakes_thread(struct gtimer *timer)
{
    struct thread *t = timer->data;

    t->timed_out = true;
    make_runnable(t);
}

static int threads_init(void)
{
    int rc;

    if (threads_ready)
        return 0;
    rc = time_init(); /* also events_init(): the idle loop needs upcalls */
    if (rc)
        return rc;
    gtimer_init(&main_thread.timer, timer_wakes_thread, &main_thread);
    threads_ready = true;
    return 0;
}

/* ---- the thread API ----------------------------------------------------- */

_Noreturn void thread_entry(struct thread *t)
{
    reap_zombies();
    local_events_enable(); /* schedule() switched here with events disabled */
    thread_exit(t->fn(t->arg));
}

static void setup_first_switch(struct thread *t)
{
    uintptr_t top = (uintptr_t)t->stack + t->stack_pages * PAGE_ALLOC_PAGE_SIZE;
    struct switch_frame *f = (struct switch_frame *)(top - sizeof(*f));

    /* After `ret`, %rsp == top: 16-byte aligned, as thread_trampoline wants. */
    memset(f, 0, sizeof(*f));
    f->r12 = (uint64_t)(uintptr_t)t;
    f->rip = (uint64_t)(uintptr_t)thread_trampoline;
    t->rsp = (uint64_t)(uintptr_t)f;
}

struct thread *thread_create(const char *name, thread_fn *fn, void *arg, size_t stack_pages)
{
    struct thread *t;
    bool flags;

    if (!fn || threads_init())
        return NULL;
    t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->stack_pages = stack_pages ? stack_pages : THREAD_STACK_PAGES_DEFAULT;
    t->stack = page_alloc(t->stack_pages);
    if (!t->stack) {
        free(t);
        return NULL;
    }
    t->name = name ? name : "thread";
    t->fn = fn;
    t->arg = arg;
    gtimer_init(&t->timer, timer_wakes_thread, t);
    guard_write(t);
    setup_first_switch(t);
    flags = local_events_save();
    t->state = THREAD_RUNNABLE;
    runq_append(t);
    local_events_restore(flags);
    return t;
}

struct thread *thread_self(void)
{
    return current;
}

const char *thread_name(const struct thread *t)
{
    return t->name;
}

void thread_yield(void)
{
    schedule();
}

_Noreturn void thread_exit(int code)
{
    struct thread *self = current;

    if (self == &main_thread)
        exit(code); /* main ending ends the program, as returning from main() does */
    local_events_disable();
    self->exit_code = code;
    self->state = THREAD_EXITED;
    wake_up(&self->joiners);
    if (self->detached) {
        self->run_next = zombies;
        zombies = self;
    }
    schedule();
    panic("thread '%s' ran after it exited", self->name);
}

int thread_join(struct thread *t, int *code)
{
    bool flags;

    if (!t || t == current || t == &main_thread)
        return -EINVAL;
    flags = local_events_save();
    if (t->detached || t->joined) {
        local_events_restore(flags);
        return -EINVAL;
    }
    t->joined = true;
    while (t->state != THREAD_EXITED)
        thread_wait(&t->joiners);
    local_events_restore(flags);
    if (code)
        *code = t->exit_code;
    thread_free(t);
    return 0;
}

void thread_detach(struct thread *t)
{
    bool flags;

    if (!t || t == &main_thread)
        return;
    flags = local_events_save();
    if (t->joined || t->detached) {
        local_events_restore(flags);
        return;
    }
    t->detached = true;
    if (t->state == THREAD_EXITED)
        thread_free(t);
    local_events_restore(flags);
}

void thread_wait(struct wait_queue *wq)
{
    struct thread *self = current;

    if (threads_init())
        panic("threads: cannot wait without event channels and timers");
    self->state = THREAD_BLOCKED;
    wq_append(wq, self);
    schedule();
    wq_remove(self); /* woken by something other than wake_up(wq) */
}

bool thread_wait_timeout(struct wait_queue *wq, uint64_t deadline_ns)
{
    struct thread *self = current;

    if (threads_init())
        panic("threads: cannot wait without event channels and timers");
    if (monotonic_ns() >= deadline_ns)
        return false;
    self->timed_out = false;
    gtimer_arm(&self->timer, deadline_ns);
    thread_wait(wq);
    gtimer_cancel(&self->timer);
    return !self->timed_out;
}

int sleep_until(uint64_t deadline_ns)
{
    struct thread *self = current;
    bool flags;
    int rc = threads_init();

    if (rc)
        return rc;
    flags = local_events_save();
    while (monotonic_ns() < deadline_ns) {
        gtimer_arm(&self->timer, deadline_ns);
        self->state = THREAD_BLOCKED;
        schedule();
    }
    gtimer_cancel(&self->timer);
    local_events_restore(flags);
    return 0;
}

int sleep_ns(uint64_t ns)
{
    return sleep_until(monotonic_ns() + ns);
}

uint64_t thread_idle_blocks(void)
{
    return idle_blocks;
}

uint64_t thread_idle_ns(void)
{
    return idle_ns;
}
