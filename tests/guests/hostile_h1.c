/*
 * hostile_h1.c - HOSTILE.md H1: unknown hypercall numbers and sub-ops get
 * -ENOSYS (or -EINVAL where the ABI says so) and the guest goes on.
 */
#include <errno.h>
#include <stdio.h>

#include <skiff/hypercall.h>
#include <skiff/test.h>

/* Numbers in the table (public/hypercalls.def); everything else is unknown. */
static int implemented(uint64_t nr)
{
    switch (nr) {
#define HYPERCALL(name, number, who, nargs, params, args) case number:
#include <public/hypercalls.def>
#undef HYPERCALL
        return 1;
    default:
        return 0;
    }
}

static void unknown_numbers(void)
{
    static const uint64_t big[] = {
        64,    65,        255, 256, 1000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
        ~0ull, ~0ull - 63};

    for (uint64_t nr = 0; nr < 64; nr++)
        if (!implemented(nr))
            TEST_EQ(hypercall_raw(nr, 0, 0, 0, 0, 0), -ENOSYS);
    for (unsigned int i = 0; i < sizeof(big) / sizeof(big[0]); i++)
        TEST_EQ(hypercall_raw(big[i], 1, 2, 3, 4, 5), -ENOSYS);
    /* The same through the hypercall page's stubs for unknown numbers. */
    TEST_EQ(_hypercall1(1, 0), -ENOSYS);
    TEST_EQ(_hypercall1(40, 0), -ENOSYS);
    TEST_EQ(_hypercall1(24, 0), -ENOSYS); /* vcpu_op: not in Skiff (yet) */
    TEST_EQ(_hypercall1(63, 0), -ENOSYS);
}

static void unknown_subops(void)
{
    char buf[16];
    struct skiff_sysctl op = {.cmd = 999, .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};

    TEST_EQ(HYPERVISOR_console_io(2, 0, buf), -ENOSYS);
    TEST_EQ(HYPERVISOR_console_io(-1, 0, buf), -ENOSYS);
    TEST_EQ(HYPERVISOR_xen_version(99, buf), -ENOSYS);
    TEST_EQ(HYPERVISOR_xen_version(-7, NULL), -ENOSYS);
    TEST_EQ(HYPERVISOR_sched_op(99, NULL), -ENOSYS);
    TEST_EQ(HYPERVISOR_sched_op(5, NULL), -ENOSYS); /* SCHEDOP_shutdown_code: not in Skiff */
    TEST_EQ(HYPERVISOR_event_channel_op(99, buf), -ENOSYS);
    /* bind_pirq exists (dom0): PIRQ 0 (the timer's line) is never mappable. */
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, buf), -EINVAL);
    TEST_EQ(HYPERVISOR_physdev_op(99, buf), -ENOSYS);
    TEST_EQ(HYPERVISOR_physdev_op(-1, buf), -ENOSYS);
    TEST_EQ(HYPERVISOR_memory_op(99, buf), -ENOSYS);
    TEST_EQ(HYPERVISOR_callback_op(99, buf), -ENOSYS);
    TEST_EQ(HYPERVISOR_sysctl(&op), -ENOSYS);
    TEST_EQ(HYPERVISOR_set_segment_base(4, 0x1000), -EINVAL);
    TEST_EQ(HYPERVISOR_set_segment_base(0xffffffff, 0x1000), -EINVAL);
}

int main(void)
{
    unknown_numbers();
    unknown_subops();
    /* Still alive and the hypervisor still answers. */
    TEST_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
    return test_finish();
}
