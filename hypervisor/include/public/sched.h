/*
 * public/sched.h - HYPERVISOR_sched_op(int cmd, void *arg).
 *
 * Numbers and layouts are Xen's. Implemented so far:
 *
 * SCHEDOP_yield:    arg ignored. Gives up the CPU; returns 0.
 * SCHEDOP_shutdown: arg is a struct sched_shutdown. Shuts the calling domain
 *                   down with `reason` (SHUTDOWN_*); does not return. When
 *                   the control domain shuts down, the hypervisor stops the
 *                   machine and reports the reason as the exit status (see
 *                   docs/architecture.md). -EFAULT for a bad arg, -EINVAL
 *                   for an unknown reason.
 * Other cmds: -ENOSYS.
 */
#ifndef SKIFF_PUBLIC_SCHED_H
#define SKIFF_PUBLIC_SCHED_H

#define SCHEDOP_yield    0
#define SCHEDOP_block    1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll     3

struct sched_shutdown {
    unsigned int reason; /* 0 IN: SHUTDOWN_* */
};

#define SHUTDOWN_poweroff 0 /* Domain exited normally. */
#define SHUTDOWN_reboot   1 /* Clean up, kill, and then restart. */
#define SHUTDOWN_suspend  2 /* (not supported by Skiff: -EINVAL) */
#define SHUTDOWN_crash    3 /* Domain crashed. */
#define SHUTDOWN_watchdog 4 /* Watchdog expired. */

#endif /* SKIFF_PUBLIC_SCHED_H */
