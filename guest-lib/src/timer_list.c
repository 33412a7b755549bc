/*
 * timer_list.c - the sorted list behind guest timers (skiff/time.h): armed
 * timers in deadline order, earliest first. Pure list logic with the list
 * passed in, so the host unit tests run it; time.c adds the locking (events
 * disabled) and the hypervisor timer.
 */
#include <stddef.h>

#include <skiff/time.h>

void gtimer_init(struct gtimer *t, gtimer_fn *fn, void *data)
{
    t->deadline = 0;
    t->fn = fn;
    t->data = data;
    t->next = NULL;
    t->armed = false;
}

bool gtimer_list_insert(struct gtimer_list *l, struct gtimer *t, uint64_t deadline)
{
    struct gtimer **p = &l->head;

    /* 0 means "no timer" to set_timer_op and to gtimer_list_next_deadline. */
    t->deadline = deadline ? deadline : 1;
    while (*p && (*p)->deadline <= t->deadline)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->armed = true;
    return l->head == t;
}

bool gtimer_list_remove(struct gtimer_list *l, struct gtimer *t)
{
    bool was_first = l->head == t;

    if (!t->armed)
        return false;
    for (struct gtimer **p = &l->head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->armed = false;
    return was_first;
}

struct gtimer *gtimer_list_pop_expired(struct gtimer_list *l, uint64_t now)
{
    struct gtimer *t = l->head;

    if (!t || t->deadline > now)
        return NULL;
    l->head = t->next;
    t->next = NULL;
    t->armed = false;
    return t;
}

uint64_t gtimer_list_next_deadline(const struct gtimer_list *l)
{
    return l->head ? l->head->deadline : 0;
}
