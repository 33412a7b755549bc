/*
 * skiff/thread.h - cooperative threads on one vCPU, wait queues, sleeping,
 * and the idle loop that blocks the vCPU.
 *
 * - main() runs as the thread "main"; thread_create adds more. A thread
 *   runs until it yields, sleeps, waits or exits: there is no preemption
 *   between threads (event upcalls still interrupt them, but handlers never
 *   switch threads).
 * - When no thread is runnable, the idle loop blocks the vCPU with
 *   SCHEDOP_block until an event or timer wakes a thread. It decides with
 *   events disabled, and SCHEDOP_block re-enables them atomically, so a
 *   wake-up between the check and the block is never lost.
 * - A context switch saves rsp and the callee-saved registers only. The
 *   x87/SSE/AVX state (including MXCSR and the x87 control word) is shared
 *   by all threads: code that changes rounding modes or keeps values in
 *   vector registers across a switch must save them itself. (Event upcalls
 *   do save and restore it.)
 * - Stacks come from page_alloc. Below each one's lowest usable byte lies
 *   a guard word checked at every switch away from the thread: an overflow
 *   that reached it panics with the thread's name. (The hypervisor owns the
 *   page tables, so there is no unmapped guard page.)
 * - The stack-protector canary at %fs:0x28 lives in the one TLS block all
 *   threads share: the same canary for every thread, which is fine.
 * - Every thread must be joined (or detached) for its stack to be freed.
 */
#ifndef SKIFF_GUEST_THREAD_H
#define SKIFF_GUEST_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <skiff/events.h>
#include <skiff/time.h>

#define THREAD_STACK_PAGES_DEFAULT 8 /* 32 KiB */

struct thread;
typedef int thread_fn(void *arg);

/*
 * A wait queue: threads sleeping until a condition holds. Declare one with
 * WAIT_QUEUE_INIT or wait_queue_init(). Guarded by events disabled.
 */
struct wait_queue {
    struct thread *head, *tail;
};
#define WAIT_QUEUE_INIT \
    {                   \
        NULL, NULL      \
    }
void wait_queue_init(struct wait_queue *wq);

/*
 * Starts fn(arg) in a new thread with a stack of stack_pages pages (0: the
 * default). It is runnable at once but runs only when the caller yields,
 * sleeps, waits or exits. Returns the thread or NULL (no memory, or events
 * could not be set up). name is not copied.
 */
struct thread *thread_create(const char *name, thread_fn *fn, void *arg, size_t stack_pages);

/* The running thread. */
struct thread *thread_self(void);
const char *thread_name(const struct thread *t);

/* Lets every other runnable thread run once, then continues. */
void thread_yield(void);

/* Ends the calling thread with `code` (as if its function had returned it). */
_Noreturn void thread_exit(int code);

/*
 * Waits for t to end, frees it, and returns its exit code through *code
 * (may be NULL). -EINVAL for the calling thread, main, or a thread that is
 * detached or already joined (or being joined).
 */
int thread_join(struct thread *t, int *code);

/* Frees t when it ends; it can no longer be joined. */
void thread_detach(struct thread *t);

/*
 * Sleeps at least ns (never wakes early by monotonic_ns), letting other
 * threads run and blocking the vCPU when none can. Works from main()
 * before any thread exists. 0, or a negative errno if timers could not be
 * set up.
 */
int sleep_ns(uint64_t ns);
int sleep_until(uint64_t deadline_ns);

/*
 * Wakes every thread waiting on wq (they re-check their conditions). Safe
 * from event handlers and timers; never switches threads itself.
 */
void wake_up(struct wait_queue *wq);

/*
 * For wait_event: put the running thread to sleep on wq and switch away,
 * until wake_up(wq) (or, for thread_wait_timeout, the deadline). Call with
 * events disabled (local_events_save) after the condition was found false;
 * returns with them still disabled. thread_wait_timeout returns false if
 * the deadline passed first.
 */
void thread_wait(struct wait_queue *wq);
bool thread_wait_timeout(struct wait_queue *wq, uint64_t deadline_ns);

/*
 * wait_event(wq, cond): returns once cond is true, sleeping on wq while it
 * is not. cond is evaluated with events disabled, so a handler's update and
 * wake_up cannot slip between the test and the sleep.
 */
#define wait_event(wq, cond)                    \
    do {                                        \
        bool wait_flags_ = local_events_save(); \
        while (!(cond))                         \
            thread_wait(wq);                    \
        local_events_restore(wait_flags_);      \
    } while (0)

/*
 * wait_event_timeout(wq, cond, deadline_ns): like wait_event, but gives up
 * at the absolute time deadline_ns. Evaluates to cond's final truth.
 */
#define wait_event_timeout(wq, cond, deadline_ns)        \
    ({                                                   \
        bool wait_flags_ = local_events_save();          \
        bool wait_ok_;                                   \
        for (;;) {                                       \
            if ((wait_ok_ = (cond)))                     \
                break;                                   \
            if (!thread_wait_timeout(wq, deadline_ns)) { \
                wait_ok_ = (cond);                       \
                break;                                   \
            }                                            \
        }                                                \
        local_events_restore(wait_flags_);               \
        wait_ok_;                                        \
    })

/*
 * False if something wrote over the guard words below t's stack (an
 * overflow). The scheduler checks this at every switch away from a thread
 * and panics; always true for main, whose boot stack has no guard.
 */
bool thread_stack_intact(const struct thread *t);

/*
 * Work to do, in thread context with events enabled, before the vCPU
 * blocks for lack of runnable threads (xenbus uses it to run watch
 * callbacks such as control/shutdown). fn returns true if it did
 * something (the run queue is looked at again). One hook; NULL removes it.
 */
typedef bool thread_idle_work_fn(void);
void thread_set_idle_work(thread_idle_work_fn *fn);

/* Times the idle loop blocked the vCPU, and ns spent blocked (for tests). */
uint64_t thread_idle_blocks(void);
uint64_t thread_idle_ns(void);

#endif
