/*
 * timer.c - one-shot software timers, kept in a list sorted by deadline;
 * the earliest programs the hardware (arch_timer_program).
 */
#include <skiff/arch.h>
#include <skiff/timer.h>

static struct timer *pending; /* sorted by expires, earliest first */

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data)
{
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->active = false;
    t->next = NULL;
}

static void timer_unlink(struct timer *t)
{
    for (struct timer **p = &pending; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->active = false;
}

static void reprogram(void)
{
    arch_timer_program(pending ? pending->expires : 0);
}

void timer_set(struct timer *t, uint64_t expires)
{
    struct timer **p = &pending;

    if (t->active)
        timer_unlink(t);
    t->expires = expires ? expires : 1;
    while (*p && (*p)->expires <= t->expires)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->active = true;
    if (pending == t)
        reprogram();
}

void timer_stop(struct timer *t)
{
    bool was_first = pending == t;

    if (!t->active)
        return;
    timer_unlink(t);
    if (was_first)
        reprogram();
}

void timer_run_expired(uint64_t now)
{
    while (pending && pending->expires <= now) {
        struct timer *t = pending;
        pending = t->next;
        t->next = NULL;
        t->active = false;
        t->fn(t);
    }
    reprogram();
}

uint64_t timer_next_deadline(void)
{
    return pending ? pending->expires : 0;
}
