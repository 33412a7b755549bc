/*
 * sched_credit.c - the credit scheduler (skiff/sched.h).
 *
 * One CPU, one run queue of runnable vCPUs that are not running, in FIFO
 * order within each priority. A periodic tick charges the running vCPU,
 * hands out credit every SCHED_PERIOD_NS by weight among the domains that
 * want CPU, and asks for a reschedule when the running vCPU's slice is over
 * and someone of equal or better priority waits. A vCPU woken from a block
 * with credit left is BOOSTed and preempts at once.
 */
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/sched.h>
#include <skiff/time.h>
#include <skiff/timer.h>

struct sched_params sched_params = {.timeslice_ns = 10000000ull};

static struct sched_unit *runq_head, *runq_tail;
static struct vcpu *current_vcpu;
static bool resched;
static uint64_t slice_end;
static uint64_t last_replenish;
static struct timer slice_timer; /* ends the running vCPU's slice or cap budget */

static struct vcpu *unit_vcpu(struct sched_unit *u)
{
    return container_of(u, struct vcpu, sched);
}

static void start_slice(uint64_t now);

static void slice_over(struct timer *t)
{
    uint64_t now = now_ns();

    if (current_vcpu && now < slice_end) {
        timer_set(t, slice_end); /* fired for an earlier run: this one goes on */
        return;
    }
    resched = true;
}

void sched_init(uint64_t timeslice_ns)
{
    sched_params.ratelimit_ns = 0;
    runq_head = runq_tail = NULL;
    current_vcpu = NULL;
    resched = false;
    slice_end = 0;
    last_replenish = 0;
    if (timeslice_ns)
        sched_params.timeslice_ns = timeslice_ns;
    timer_init(&slice_timer, slice_over, NULL);
}

void sched_set_ratelimit(uint64_t ns)
{
    sched_params.ratelimit_ns = ns < sched_params.timeslice_ns ? ns : sched_params.timeslice_ns;
}

/* Whether the running vCPU has had its minimum run and may be preempted at `now`. */
static bool ran_long_enough(const struct vcpu *cur, uint64_t now)
{
    return now - cur->sched.run_start >= sched_params.ratelimit_ns;
}

/*
 * A better vCPU is waiting but the running one is within its rate limit:
 * end its slice when the limit is up instead of now.
 */
static void preempt_after_ratelimit(struct vcpu *cur)
{
    uint64_t at = cur->sched.run_start + sched_params.ratelimit_ns;

    if (at < slice_end) {
        slice_end = at;
        timer_set(&slice_timer, slice_end);
    }
}

void sched_vcpu_init(struct vcpu *v)
{
    struct sched_unit *u = &v->sched;

    u->credit = 0;
    u->pri = PRI_UNDER;
    u->on_runq = false;
    u->running = false;
    u->next = u->prev = NULL;
    u->started = 0;
    u->cpu_time = 0;
    u->period_used = 0;
}

static void runq_remove(struct sched_unit *u);

void sched_vcpu_destroy(struct vcpu *v)
{
    runq_remove(&v->sched);
    if (current_vcpu == v) {
        current_vcpu = NULL;
        resched = true;
    }
}

static void runq_remove(struct sched_unit *u)
{
    if (!u->on_runq)
        return;
    if (u->prev)
        u->prev->next = u->next;
    else
        runq_head = u->next;
    if (u->next)
        u->next->prev = u->prev;
    else
        runq_tail = u->prev;
    u->next = u->prev = NULL;
    u->on_runq = false;
}

static void runq_append(struct sched_unit *u)
{
    u->next = NULL;
    u->prev = runq_tail;
    if (runq_tail)
        runq_tail->next = u;
    else
        runq_head = u;
    runq_tail = u;
    u->on_runq = true;
}

/* The first queued unit of the best priority, or NULL. */
static struct sched_unit *runq_best(void)
{
    struct sched_unit *best = NULL;

    for (struct sched_unit *u = runq_head; u; u = u->next)
        if (!best || u->pri < best->pri)
            best = u;
    return best;
}

bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return d->state == DOMAIN_RUNNING && d->pause_count == 0 && !v->blocked &&
           v->sched.pri != PRI_PARKED;
}

static enum sched_pri pri_for_credit(const struct sched_unit *u)
{
    return u->credit > 0 ? PRI_UNDER : PRI_OVER;
}

void vcpu_wake(struct vcpu *v)
{
    struct sched_unit *u = &v->sched;

    if (!vcpu_runnable(v) || u->on_runq || v == current_vcpu)
        return;
    u->pri = u->credit > 0 ? PRI_BOOST : PRI_OVER;
    runq_append(u);
    if (!current_vcpu)
        resched = true;
    else if (u->pri < current_vcpu->sched.pri) {
        if (ran_long_enough(current_vcpu, now_ns()))
            resched = true;
        else
            preempt_after_ratelimit(current_vcpu);
    }
}

void vcpu_sleep(struct vcpu *v)
{
    runq_remove(&v->sched);
    if (v == current_vcpu)
        resched = true;
}

struct vcpu *sched_current(void)
{
    return current_vcpu;
}

static uint64_t cap_ns(const struct domain *d)
{
    return SCHED_PERIOD_NS * d->cap / 100;
}

void sched_account(uint64_t now)
{
    struct vcpu *v = current_vcpu;
    struct sched_unit *u;

    if (!v)
        return;
    u = &v->sched;
    uint64_t ran = now > u->started ? now - u->started : 0;
    u->started = now;
    u->credit -= (int64_t)ran;
    if (u->credit < -(int64_t)SCHED_PERIOD_NS)
        u->credit = -(int64_t)SCHED_PERIOD_NS;
    u->cpu_time += ran;
    u->period_used += ran;
    if (v->domain->cap && u->period_used >= cap_ns(v->domain)) {
        u->pri = PRI_PARKED;
        resched = true;
    }
}

/* Does v take part in this period's share-out (does it want the CPU)? */
static bool wants_cpu(const struct vcpu *v)
{
    return v->domain->state == DOMAIN_RUNNING && v->domain->pause_count == 0 && !v->blocked;
}

void sched_replenish(uint64_t now)
{
    uint64_t total_weight = 0;

    last_replenish = now;
    for (struct domain *d = domain_next(0); d; d = domain_next(d->domid + 1))
        for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
            if (d->vcpu[i] && wants_cpu(d->vcpu[i]))
                total_weight += d->weight;
    for (struct domain *d = domain_next(0); d; d = domain_next(d->domid + 1)) {
        for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++) {
            struct vcpu *v = d->vcpu[i];
            if (!v)
                continue;
            struct sched_unit *u = &v->sched;
            /*
             * Runnable vCPUs share the period by weight. A blocked one earns
             * what it would get if it joined them, so that it wakes with
             * credit (and the boost) unless it used the CPU heavily; the
             * clamp below keeps it from hoarding.
             */
            uint64_t among = total_weight + (wants_cpu(v) ? 0 : d->weight);
            if (among)
                u->credit += (int64_t)(SCHED_PERIOD_NS * d->weight / among);
            if (u->credit > (int64_t)SCHED_PERIOD_NS)
                u->credit = (int64_t)SCHED_PERIOD_NS;
            u->period_used = 0;
            if (u->pri == PRI_PARKED) {
                u->pri = pri_for_credit(u);
                if (v != current_vcpu)
                    vcpu_wake(v);
            } else if (u->pri != PRI_BOOST) {
                u->pri = pri_for_credit(u);
            }
        }
    }
}

/*
 * Times the run that starts at `now`: a timeslice, or less for a capped
 * vCPU (its budget for the period). The slice timer is moved only when it
 * would fire too late: one that fires early finds the slice still running
 * and re-arms itself (slice_over). Two domains taking turns many times a
 * millisecond thus do not reprogram the timer at every switch.
 */
static void start_slice(uint64_t now)
{
    const struct sched_unit *u = &current_vcpu->sched;

    slice_end = now + sched_params.timeslice_ns;
    /* A capped vCPU is stopped exactly when its budget for the period is spent. */
    if (current_vcpu->domain->cap) {
        uint64_t budget = cap_ns(current_vcpu->domain);
        uint64_t left = budget > u->period_used ? budget - u->period_used : 0;
        if (now + left < slice_end)
            slice_end = now + left;
    }
    if (!timer_active(&slice_timer) || timer_expires(&slice_timer) > slice_end)
        timer_set(&slice_timer, slice_end);
}

struct vcpu *sched_pick(uint64_t now)
{
    struct vcpu *cur = current_vcpu;
    struct sched_unit *best;

    resched = false;
    sched_account(now);
    if (now - last_replenish >= SCHED_PERIOD_NS)
        sched_replenish(now);
    best = runq_best();
    if (cur && vcpu_runnable(cur) && now < slice_end &&
        (!best || cur->sched.pri <= best->pri || !ran_long_enough(cur, now)))
        return cur; /* keeps the CPU: its slice goes on */
    if (cur) {
        cur->sched.running = false;
        if (vcpu_runnable(cur)) {
            cur->sched.pri = pri_for_credit(&cur->sched);
            runq_append(&cur->sched);
            best = runq_best();
        }
    }
    current_vcpu = NULL;
    if (!best) {
        timer_stop(&slice_timer);
        return NULL;
    }
    runq_remove(best);
    best->running = true;
    best->started = now;
    best->run_start = now;
    current_vcpu = unit_vcpu(best);
    start_slice(now);
    return current_vcpu;
}

void sched_tick(uint64_t now)
{
    struct sched_unit *best;

    sched_account(now);
    if (now - last_replenish >= SCHED_PERIOD_NS)
        sched_replenish(now);
    if (!current_vcpu) {
        if (runq_head)
            resched = true;
        return;
    }
    if (current_vcpu->sched.pri == PRI_BOOST)
        current_vcpu->sched.pri = pri_for_credit(&current_vcpu->sched);
    best = runq_best();
    if (best && (now >= slice_end ||
                 (best->pri < current_vcpu->sched.pri && ran_long_enough(current_vcpu, now))))
        resched = true;
}

void sched_account_current(void)
{
    sched_account(now_ns());
}

void sched_yield(void)
{
    if (runq_head) {
        slice_end = 0;
        resched = true;
    }
}

static struct timer tick_timer;
static uint64_t tick_period;

static void tick_fired(struct timer *t)
{
    uint64_t now = now_ns();

    sched_tick(now);
    timer_set(t, t->expires + tick_period > now ? t->expires + tick_period : now + tick_period);
}

void sched_start_tick(uint64_t hz)
{
    if (hz == 0) {
        pr_info("scheduler: no periodic tick (tick_hz=0): no preemption");
        return;
    }
    tick_period = 1000000000ull / hz;
    timer_init(&tick_timer, tick_fired, NULL);
    timer_set(&tick_timer, now_ns() + tick_period);
    pr_info("scheduler: credit, %llu Hz tick, %llu ms timeslice", (unsigned long long)hz,
            (unsigned long long)(sched_params.timeslice_ns / 1000000));
}

void sched_raise(void)
{
    resched = true;
}

bool sched_pending(void)
{
    return resched;
}

noreturn void schedule(void)
{
    struct vcpu *next = sched_pick(now_ns());

    if (!next)
        arch_idle();
    arch_vcpu_run(next);
}

static const char *const pri_names[] = {"boost", "under", "over", "parked"};

static void dump_vcpu(const struct vcpu *v, const char *where)
{
    const struct sched_unit *u = &v->sched;

    printk(LOG_INFO, "  d%u v%u %-8s %-7s credit %6lld us  cpu %llu ms  weight %u cap %u%s%s",
           v->domain->domid, v->vcpu_id, where, pri_names[u->pri], (long long)(u->credit / 1000),
           (unsigned long long)(u->cpu_time / 1000000), v->domain->weight, v->domain->cap,
           v->blocked ? " blocked" : "", v->polling ? " polling" : "");
    if (v->info)
        printk(LOG_INFO, "      upcall pending %u mask %u; timer %s, due in %lld us",
               v->info->evtchn_upcall_pending, v->info->evtchn_upcall_mask,
               timer_active(&v->timer) ? "armed" : "off",
               timer_active(&v->timer) ? ((long long)v->timer.expires - (long long)now_ns()) / 1000
                                       : 0ll);
}

void sched_dump(void)
{
    printk(LOG_INFO, "scheduler: credit, timeslice %llu ms, rate limit %llu us, period %llu ms",
           (unsigned long long)(sched_params.timeslice_ns / 1000000),
           (unsigned long long)(sched_params.ratelimit_ns / 1000),
           (unsigned long long)(SCHED_PERIOD_NS / 1000000));
    if (current_vcpu)
        dump_vcpu(current_vcpu, "running");
    else
        printk(LOG_INFO, "  (idle)");
    for (struct sched_unit *u = runq_head; u; u = u->next)
        dump_vcpu(unit_vcpu(u), "queued");
    for (struct domain *d = domain_next(0); d; d = domain_next(d->domid + 1))
        for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
            if (d->vcpu[i] && d->vcpu[i] != current_vcpu && !d->vcpu[i]->sched.on_runq)
                dump_vcpu(d->vcpu[i], "waiting");
}
