/*
 * hostile_h12.c - HOSTILE.md H12: privileged instructions in ring 3 raise
 * #GP (or #UD where the CPU says so) which is delivered to the guest, and
 * the machine's real interrupt state is untouched: the guest's IF stays set
 * and the hypervisor's timer keeps ticking. This guest runs as dom0, which
 * may use I/O ports the hypervisor does not own (docs/devices.md), so the
 * port accesses here name ports the hypervisor owns (PIC, COM1, exit port);
 * the selftest device-hostile checks that an unprivileged guest gets none.
 */
#include <stdio.h>

#include <public/sysctl.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>

#include "guest_test.h"

#define GP 13

struct insn {
    const char *name;
    unsigned int (*run)(void);
};

#define INSN(fn, text)                  \
    static unsigned int fn(void)        \
    {                                   \
        return (unsigned int)TRY(text); \
    }

INSN(do_cli, "cli")
INSN(do_sti, "sti")
INSN(do_hlt, "hlt")
INSN(do_in, "inb $0x21, %%al") /* the PIC's mask register */
INSN(do_in_dx, "mov $0x3f8, %%dx; inb %%dx, %%al")
INSN(do_out_exit, "mov $0x10, %%al; outb %%al, $0xf4") /* QEMU's exit device */
INSN(do_out_serial, "mov $0x3f8, %%dx; mov $0x41, %%al; outb %%al, %%dx")
INSN(do_mov_cr3, "mov %%cr3, %%rax")
INSN(do_mov_to_cr0, "xor %%eax, %%eax; mov %%rax, %%cr0")
INSN(do_mov_dr7, "xor %%eax, %%eax; mov %%rax, %%dr7")
INSN(do_rdmsr, "mov $0xc0000080, %%ecx; rdmsr")
INSN(do_wrmsr, "mov $0xc0000080, %%ecx; xor %%eax, %%eax; xor %%edx, %%edx; wrmsr")
INSN(do_lgdt, "lgdt (%%rsp)")
INSN(do_lidt, "lidt (%%rsp)")
INSN(do_ltr, "mov $0x30, %%ax; ltr %%ax")
INSN(do_invlpg, "invlpg (%%rsp)")
INSN(do_wbinvd, "wbinvd")
INSN(do_clts, "clts")
INSN(do_swapgs, "swapgs")
INSN(do_sysret, "sysretq")
INSN(do_int_0x80, "int $0x80")

static const struct insn privileged[] = {
    {"cli", do_cli},
    {"sti", do_sti},
    {"hlt", do_hlt},
    {"in $0x21", do_in},
    {"in (%dx=0x3f8)", do_in_dx},
    {"out to the QEMU exit port", do_out_exit},
    {"out to COM1", do_out_serial},
    {"mov %cr3", do_mov_cr3},
    {"mov to %cr0", do_mov_to_cr0},
    {"mov to %dr7", do_mov_dr7},
    {"rdmsr EFER", do_rdmsr},
    {"wrmsr EFER", do_wrmsr},
    {"lgdt", do_lgdt},
    {"lidt", do_lidt},
    {"ltr", do_ltr},
    {"invlpg", do_invlpg},
    {"wbinvd", do_wbinvd},
    {"clts", do_clts},
    {"swapgs", do_swapgs},
    {"sysretq", do_sysret},
    {"int $0x80", do_int_0x80},
};

uint8_t table_buf[16]; /* used from asm */
extern uint8_t table_buf[16];
INSN(do_sgdt, "sgdt table_buf(%%rip)")
INSN(do_sidt, "sidt table_buf(%%rip)")
INSN(do_str, "str %%ax")

static uint64_t rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; pop %0" : "=r"(f));
    return f;
}

static uint64_t timer_ticks(void)
{
    struct skiff_sysctl_physinfo pi;

    return read_physinfo(&pi) == 0 ? pi.timer_ticks : 0;
}

int main(void)
{
    catch_exceptions();
    uint64_t ticks = timer_ticks();
    for (unsigned int i = 0; i < sizeof(privileged) / sizeof(privileged[0]); i++) {
        unsigned int v = privileged[i].run();
        if (v != GP)
            test_fail_at(__FILE__, __LINE__, "%s: vector %u, expected #GP", privileged[i].name, v);
        TEST_CHECK(rflags() & (1u << 9));
    }
    /* With UMIP the descriptor-table stores fault too (the CPU has it under TCG). */
    struct skiff_sysctl_physinfo pi;
    if (read_physinfo(&pi) == 0 && (pi.cpu_features & SKIFF_CPUFEAT_UMIP)) {
        TEST_EQ(do_sgdt(), GP);
        TEST_EQ(do_sidt(), GP);
        TEST_EQ(do_str(), GP);
    }
    /* The guest's cli and hlt did nothing to the real machine: ticks go on. */
    spin(3000000);
    TEST_CHECK(timer_ticks() > ticks);
    return test_finish();
}
