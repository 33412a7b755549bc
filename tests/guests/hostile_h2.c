/*
 * hostile_h2.c - HOSTILE.md H2: pointer arguments that are NULL, in page 0,
 * non-canonical, in hypervisor space, wrapping, straddling the end of RAM,
 * read-only where the hypervisor must write, or arrays whose later elements
 * are bad: every one gets -EFAULT and nothing changes.
 */
#include <errno.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/traps.h>

#include "guest_test.h"

int main(int argc, char **argv);

static uint64_t ram_end(void)
{
    return start_info.mem_bytes;
}

/* Addresses no guest buffer may use. */
static const uint64_t bad_addresses[] = {
    0,
    0x10,
    0xff8,
    0x0000800000000000ull, /* first non-canonical */
    0x00007ffffffff000ull, /* canonical, far above RAM */
    0xffff800000000000ull, /* hypervisor direct map */
    0xffffffff80100000ull, /* hypervisor image */
    0xfffffffffffffff0ull, /* wraps */
};

static void reads_from_bad_pointers(void)
{
    for (unsigned int i = 0; i < sizeof(bad_addresses) / sizeof(bad_addresses[0]); i++) {
        uint64_t a = bad_addresses[i];
        TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 32, (char *)a), -EFAULT);
        TEST_EQ(HYPERVISOR_xen_version(XENVER_get_features, (void *)a), -EFAULT);
        TEST_EQ(HYPERVISOR_sysctl((struct skiff_sysctl *)a), -EFAULT);
        TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)a), -EFAULT);
        TEST_EQ(HYPERVISOR_set_trap_table((const struct trap_info *)a), a ? -EFAULT : 0);
    }
    if (traps_init())
        test_error("could not reinstall trap handlers");
}

static void straddling_end_of_ram(void)
{
    uint64_t last = ram_end() - 8; /* 8 readable bytes, then nothing */

    static const char ok[] = "h2: ok\n";
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(ok) - 1, (char *)ok), 0);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16, (char *)last), -EFAULT);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_extraversion, (void *)(ram_end() - 8)), -EFAULT);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_extraversion, (void *)ram_end()), -EFAULT);
}

static void writes_to_read_only_memory(void)
{
    char *text = (char *)main; /* R-X */
    char before[16];

    memcpy(before, text, sizeof(before));
    TEST_EQ(HYPERVISOR_xen_version(XENVER_extraversion, text), -EFAULT);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_extraversion, hypercall_page), -EFAULT);
    TEST_CHECK(memcmp(before, text, sizeof(before)) == 0);
    /* get_features reads then writes: the read succeeds, the write must not. */
    TEST_EQ(HYPERVISOR_xen_version(XENVER_get_features, text), -EFAULT);
    /* A string constant lives in read-only data. */
    static const struct skiff_sysctl ro = {.cmd = SKIFF_SYSCTL_physinfo,
                                           .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};
    TEST_EQ(HYPERVISOR_sysctl((struct skiff_sysctl *)&ro), -EFAULT);
}

/* A trap table whose first entry is fine but whose second lies past RAM. */
static void array_with_bad_tail(void)
{
    uint64_t at = ram_end() - sizeof(struct trap_info);
    /* The special pages at the top of RAM are the start info: use a copy of
     * one valid entry placed so that the next entry is beyond RAM. */
    struct trap_info entry = {.vector = 3, .flags = 0, .cs = 0, .address = (uint64_t)main};
    char saved[sizeof(entry)];

    memcpy(saved, (void *)at, sizeof(saved));
    memcpy((void *)at, &entry, sizeof(entry));
    TEST_EQ(HYPERVISOR_set_trap_table((const struct trap_info *)at), -EFAULT);
    memcpy((void *)at, saved, sizeof(saved));
}

int main(int argc, char **argv)
{
    reads_from_bad_pointers();
    straddling_end_of_ram();
    writes_to_read_only_memory();
    array_with_bad_tail();
    TEST_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
    return test_finish();
}
