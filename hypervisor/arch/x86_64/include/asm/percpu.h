/*
 * asm/percpu.h - per-CPU data of the hypervisor, reached through GS while in
 * ring 0 (the entry code swaps GS with swapgs). Offsets are ABI with entry.S.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <stddef.h>
#include <stdint.h>

#include <asm/layout.h>

struct vcpu;

struct percpu {
    struct percpu *self;  /* 0 */
    uint64_t stack_top;   /* 8: top of this CPU's hypervisor stack */
    uint64_t regs_top;    /* 16: end of current vCPU's cpu_regs (= TSS.RSP0) */
    uint64_t user_rsp;    /* 24: scratch for the syscall entry */
    struct vcpu *current; /* 32: vCPU whose registers are in regs_top */
    struct vcpu *loaded;  /* vCPU whose CR3, FS, GS and FPU state are loaded */
    uint32_t cpu_id;
};
_Static_assert(offsetof(struct percpu, stack_top) == PCPU_STACK_TOP, "percpu.stack_top");
_Static_assert(offsetof(struct percpu, regs_top) == PCPU_REGS_TOP, "percpu.regs_top");
_Static_assert(offsetof(struct percpu, user_rsp) == PCPU_USER_RSP, "percpu.user_rsp");
_Static_assert(offsetof(struct percpu, current) == PCPU_CURRENT, "percpu.current");

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

#endif /* ASM_PERCPU_H */
