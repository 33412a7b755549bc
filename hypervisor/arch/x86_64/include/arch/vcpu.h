/*
 * arch/vcpu.h (x86_64) - per-vCPU and per-domain architecture state.
 *
 * struct cpu_regs is the saved guest register frame. Entry code writes it
 * directly: the TSS's RSP0 points at its end, so the CPU pushes ss..rip into
 * it on an interrupt from ring 3, and the stubs push the rest; the syscall
 * entry builds the same frame by hand. Byte offsets are ABI with entry.S.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/layout.h>

struct cpu_regs {
    uint64_t r15;        /*   0 */
    uint64_t r14;        /*   8 */
    uint64_t r13;        /*  16 */
    uint64_t r12;        /*  24 */
    uint64_t rbp;        /*  32 */
    uint64_t rbx;        /*  40 */
    uint64_t r11;        /*  48 */
    uint64_t r9;         /*  56 */
    uint64_t rcx;        /*  64 */
    uint64_t rax;        /*  72 */
    uint64_t rdi;        /*  80 hypercall arguments 1-5, in order: */
    uint64_t rsi;        /*  88   the dispatcher reads them in place */
    uint64_t rdx;        /*  96 */
    uint64_t r10;        /* 104 */
    uint64_t r8;         /* 112 */
    uint64_t vector;     /* 120 */
    uint64_t error_code; /* 128 */
    uint64_t rip;        /* 136 (hardware frame from here) */
    uint64_t cs;         /* 144 */
    uint64_t rflags;     /* 152 */
    uint64_t rsp;        /* 160 */
    uint64_t ss;         /* 168 */
};
_Static_assert(sizeof(struct cpu_regs) == CPU_REGS_SIZE, "cpu_regs size");
_Static_assert(offsetof(struct cpu_regs, rip) == 136, "cpu_regs.rip");
_Static_assert(offsetof(struct cpu_regs, r8) - offsetof(struct cpu_regs, rdi) == 32,
               "hypercall arguments are contiguous");

/* One registered exception handler (set_trap_table). */
struct guest_trap {
    uint64_t address; /* 0 = none */
    uint8_t flags;    /* trap_info.flags */
};

#define XSAVE_AREA_SIZE 4096

struct arch_vcpu {
    struct cpu_regs regs __attribute__((aligned(16)));
    uint64_t fs_base;
    uint64_t gs_base;
    bool sysret_ok; /* regs are as the syscall entry saved them: sysret may return */
    bool no_retval; /* the hypercall rewrote regs (iret, continuation): keep rax */
    struct guest_trap traps[256];
    uint8_t xsave_area[XSAVE_AREA_SIZE] __attribute__((aligned(64)));
};

struct arch_domain {
    uint64_t pml4_mfn; /* root of the domain's page tables (0 = none) */
};

#endif /* ARCH_VCPU_H */
