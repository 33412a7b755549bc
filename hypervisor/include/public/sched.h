/*
 * public/sched.h - HYPERVISOR_sched_op(int cmd, void *arg).
 *
 * Numbers and layouts are Xen's.
 *
 * SCHEDOP_yield:    arg ignored. Gives up the CPU to another runnable vCPU
 *                   of the same or higher priority; returns 0.
 * SCHEDOP_block:    arg ignored. Clears evtchn_upcall_mask and sleeps until
 *                   an event is pending for the vCPU (at once if one is);
 *                   the upcall is then delivered as the call returns 0.
 * SCHEDOP_shutdown: arg is a struct sched_shutdown. Shuts the calling domain
 *                   down with `reason` (SHUTDOWN_*); does not return. When
 *                   the control domain shuts down, the hypervisor stops the
 *                   machine and reports the reason as the exit status (see
 *                   docs/architecture.md). -EFAULT for a bad arg, -EINVAL
 *                   for an unknown reason.
 * SCHEDOP_poll:     arg is a struct sched_poll. Sleeps until one of the
 *                   listed ports of the caller is pending, or until the
 *                   absolute system time `timeout` (0 = no timeout); returns
 *                   0 either way (at once if a port is already pending).
 *                   Upcalls stay as they are. -EINVAL for more than 128
 *                   ports or a port out of range, -EFAULT for a bad list.
 * SCHEDOP_remote_shutdown: arg is a struct sched_remote_shutdown.
 *                   Privileged callers only (-EPERM): shuts another domain
 *                   down as if it had asked (-ESRCH if there is none,
 *                   -EINVAL for the caller itself or a bad reason).
 * Other cmds: -ENOSYS.
 */
#ifndef SKIFF_PUBLIC_SCHED_H
#define SKIFF_PUBLIC_SCHED_H

#include <stdint.h>

#include "skiff.h"

#define SCHEDOP_yield           0
#define SCHEDOP_block           1
#define SCHEDOP_shutdown        2
#define SCHEDOP_poll            3
#define SCHEDOP_remote_shutdown 4

struct sched_shutdown {
    unsigned int reason; /* 0 IN: SHUTDOWN_* */
};

#define SCHED_POLL_MAX_PORTS 512 /* ports one SCHEDOP_poll may name */
struct sched_poll {
    SKIFF_GUEST_HANDLE(uint32_t) ports; /*  0 IN: evtchn_port_t[nr_ports] */
    unsigned int nr_ports;              /*  8 IN */
    unsigned int pad;                   /* 12 (implicit in Xen's layout) */
    uint64_t timeout;                   /* 16 IN: absolute ns, 0 = none */
};

struct sched_remote_shutdown {
    domid_t domain_id;   /* 0 IN */
    uint16_t pad;        /* 2 */
    unsigned int reason; /* 4 IN: SHUTDOWN_* */
};

#define SHUTDOWN_poweroff 0 /* Domain exited normally. */
#define SHUTDOWN_reboot   1 /* Clean up, kill, and then restart. */
#define SHUTDOWN_suspend  2 /* (not supported by Skiff: -EINVAL) */
#define SHUTDOWN_crash    3 /* Domain crashed. */
#define SHUTDOWN_watchdog 4 /* Watchdog expired. */

#endif /* SKIFF_PUBLIC_SCHED_H */
