/*
 * hostile_h7.c - HOSTILE.md H7, run by dom0 (selftest=h7) as an
 * unprivileged domU: every privileged operation must give -EPERM - each
 * domctl, sysctl, the foreign map, remote shutdown, event channels of
 * another domain, the global virqs and console input. The ordinary
 * versions of the same calls must still work. It reports through its exit:
 * poweroff when everything was refused, crash when something was allowed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>

#define SENTINEL 0x5a5a5a5a

static unsigned int refused;

#define EXPECT_EPERM(call)       \
    do {                         \
        TEST_EQ((call), -EPERM); \
        refused++;               \
    } while (0)

static domid_t self(void)
{
    return (domid_t)start_info.domid;
}

static void every_domctl(void)
{
    static const uint32_t cmds[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 99, 0xffffffffu};
    const domid_t targets[] = {0, self(), DOMID_SELF, 77};

    for (unsigned int c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
        for (unsigned int t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
            struct skiff_domctl op;
            memset(&op, 0, sizeof(op));
            op.cmd = cmds[c];
            op.interface_version = SKIFF_DOMCTL_INTERFACE_VERSION;
            op.domain = targets[t];
            op.u.createdomain.max_pages = 1024;
            strlcpy(op.u.createdomain.name, "h7-sneaky", sizeof(op.u.createdomain.name));
            EXPECT_EPERM(HYPERVISOR_domctl(&op));
        }
    }
}

static void every_sysctl(void)
{
    static const uint32_t cmds[] = {SKIFF_SYSCTL_physinfo, SKIFF_SYSCTL_sched_dump, 0, 99};

    for (unsigned int c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
        struct skiff_sysctl op;
        memset(&op, 0, sizeof(op));
        op.cmd = cmds[c];
        op.interface_version = SKIFF_SYSCTL_INTERFACE_VERSION;
        EXPECT_EPERM(HYPERVISOR_sysctl(&op));
        TEST_EQ(op.u.physinfo.free_pages, 0); /* nothing written back */
    }
}

static void foreign_map(void)
{
    xen_ulong_t idx = 1;
    xen_pfn_t gpfn = start_info.grant_window_base / 4096;
    int err = SENTINEL;
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_gmfn_foreign,
        .size = 1,
        .u.foreign_domid = 0,
        .idxs = &idx,
        .gpfns = &gpfn,
        .errs = &err,
    };

    EXPECT_EPERM(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b));
    TEST_EQ(err, SENTINEL);
}

static void remote_shutdown(void)
{
    struct sched_remote_shutdown r = {.domain_id = 0, .reason = SHUTDOWN_poweroff};

    EXPECT_EPERM(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r));
    r.domain_id = self();
    EXPECT_EPERM(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r));
}

static void other_domains_channels(void)
{
    struct evtchn_alloc_unbound a = {.dom = 0, .remote_dom = DOMID_SELF};
    struct evtchn_status st = {.dom = 0, .port = 1};
    struct evtchn_bind_virq exc = {.virq = VIRQ_DOM_EXC, .vcpu = 0};
    struct evtchn_bind_virq con = {.virq = VIRQ_CONSOLE, .vcpu = 0};

    EXPECT_EPERM(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a));
    EXPECT_EPERM(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st));
    EXPECT_EPERM(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &exc));
    EXPECT_EPERM(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &con));
}

static void console_input(void)
{
    char c[8];

    EXPECT_EPERM(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(c), c));
}

/* The unprivileged forms of the same calls work: the refusals are about privilege. */
static void allowed_forms_work(void)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = 0};
    struct evtchn_close cl;
    struct evtchn_status st = {.dom = DOMID_SELF};

    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0);
    st.port = a.port;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_unbound);
    cl.port = a.port;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl), 0);
    TEST_CHECK(!(start_info.flags & SIF_PRIVILEGED));
}

int main(void)
{
    allowed_forms_work();
    every_domctl();
    every_sysctl();
    foreign_map();
    remote_shutdown();
    other_domains_channels();
    console_input();
    printf("h7: %u privileged operations tried, %d checks failed\n", refused, test_failures());
    return test_failures() ? 1 : 0;
}
