/*
 * guest_test.c - the exception catcher behind TRY and small helpers shared
 * by the test guests.
 */
#include <stdlib.h>
#include <string.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/traps.h>

#include "guest_test.h"

volatile struct caught caught;
volatile uint64_t recover_rip;

static bool catcher(struct trap_frame *f)
{
    caught.vector = f->vector;
    caught.error_code = f->error_code;
    caught.rip = f->rip;
    caught.rsp = f->rsp;
    caught.cr2 = f->vector == 14 ? trap_read_cr2() : 0;
    caught.count++;
    f->rflags &= ~(1ull << 8); /* stop single-stepping */
    if (!recover_rip)
        return false; /* not inside TRY: let guest-lib report it */
    f->rip = recover_rip;
    recover_rip = 0;
    return true;
}

void catch_exceptions(void)
{
    for (unsigned int v = 0; v < GUEST_NR_TRAPS; v++)
        trap_set_handler(v, catcher);
}

long read_physinfo(struct skiff_sysctl_physinfo *out)
{
    struct skiff_sysctl op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = SKIFF_SYSCTL_physinfo;
    op.interface_version = SKIFF_SYSCTL_INTERFACE_VERSION;
    rc = HYPERVISOR_sysctl(&op);
    if (rc == 0)
        *out = op.u.physinfo;
    return rc;
}

void spin(unsigned long n)
{
    for (volatile unsigned long i = 0; i < n; i++)
        ;
}

const char *guest_arg(int argc, char **argv, const char *key)
{
    size_t len = strlen(key);

    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, len) == 0 && argv[i][len] == '=')
            return argv[i] + len + 1;
    return NULL;
}

unsigned long guest_arg_num(int argc, char **argv, const char *key, unsigned long dflt)
{
    const char *v = guest_arg(argc, argv, key);

    return v ? strtoul(v, NULL, 0) : dflt;
}

volatile unsigned long guest_events_seen;

void guest_count_event(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    guest_events_seen++;
}

void guest_wait_events(unsigned long n)
{
    local_events_disable();
    while (guest_events_seen < n) {
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        local_events_disable();
    }
    local_events_enable();
}
