/*
 * hostile_dev.c - HOSTILE.md H7 and H12 for device access, run by dom0
 * (selftest=device-hostile) as an unprivileged domU: every physdev_op
 * sub-op, EVTCHNOP_bind_pirq and the device-memory map must give -EPERM,
 * and I/O port instructions (PCI configuration ports, a device's I/O BAR,
 * ports dom0 may use) must raise #GP in this guest. It reports through its
 * exit: poweroff when everything was refused, crash when something was
 * allowed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>

#include "guest_test.h"

#define GP 13

static unsigned int refused;

#define EXPECT_EPERM(call)       \
    do {                         \
        TEST_EQ((call), -EPERM); \
        refused++;               \
    } while (0)

static void physdev_ops(void)
{
    static const int cmds[] = {PHYSDEVOP_irq_status_query,
                               PHYSDEVOP_set_iopl,
                               PHYSDEVOP_eoi,
                               PHYSDEVOP_map_pirq,
                               PHYSDEVOP_unmap_pirq,
                               PHYSDEVOP_setup_gsi,
                               99};
    union {
        struct physdev_map_pirq map;
        struct physdev_setup_gsi gsi;
        struct physdev_eoi eoi;
        struct physdev_set_iopl iopl;
    } u;

    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        memset(&u, 0, sizeof(u));
        u.map.domid = DOMID_SELF;
        u.map.type = MAP_PIRQ_TYPE_GSI;
        u.map.index = 10;
        u.map.pirq = -1;
        EXPECT_EPERM(HYPERVISOR_physdev_op(cmds[i], &u));
        EXPECT_EPERM(HYPERVISOR_physdev_op(cmds[i], NULL));
    }
    for (uint32_t pirq = 0; pirq < 24; pirq++) {
        struct evtchn_bind_pirq b = {.pirq = pirq};
        EXPECT_EPERM(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b));
        TEST_EQ(b.port, 0);
    }
}

static void device_memory(void)
{
    static const uint64_t frames[] = {0xe0000, 0xfebff, 0xfee00, 0xfec00, 1, 0};
    uint64_t gpfn = start_info.grant_window_base / 4096;

    for (unsigned int i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        struct xen_add_to_physmap a = {
            .domid = DOMID_SELF, .space = XENMAPSPACE_dev_mmio, .idx = frames[i], .gpfn = gpfn};
        EXPECT_EPERM(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &a));
    }
}

static unsigned int in_port(void)
{
    return (unsigned int)TRY("mov $0xcfc, %%dx; inl %%dx, %%eax");
}
static unsigned int out_port(void)
{
    return (unsigned int)TRY("mov $0xcf8, %%dx; mov $0x80000000, %%eax; outl %%eax, %%dx");
}
static unsigned int in_bar(void)
{
    return (unsigned int)TRY("mov $0xc000, %%dx; inb %%dx, %%al");
}
static unsigned int out_post(void)
{
    return (unsigned int)TRY("mov $0x80, %%al; outb %%al, $0x80");
}
static unsigned int in_vga(void)
{
    return (unsigned int)TRY("mov $0x3da, %%dx; inb %%dx, %%al");
}

static void io_ports(void)
{
    static const struct {
        const char *name;
        unsigned int (*run)(void);
    } cases[] = {{"in 0xcfc", in_port},
                 {"out 0xcf8", out_port},
                 {"in 0xc000 (a device BAR)", in_bar},
                 {"out 0x80", out_post},
                 {"in 0x3da", in_vga}};

    catch_exceptions();
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned int v = cases[i].run();
        if (v != GP)
            test_fail_at(__FILE__, __LINE__, "%s: vector %u, expected #GP", cases[i].name, v);
        refused++;
    }
}

int main(void)
{
    physdev_ops();
    device_memory();
    io_ports();
    printf("device-hostile: %u device operations tried, %d checks failed\n", refused,
           test_failures());
    return test_failures() ? 1 : 0;
}
