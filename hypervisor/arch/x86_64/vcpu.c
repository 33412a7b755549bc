/*
 * vcpu.c - running a vCPU: its initial state, and x86_resume(), the one way
 * back into a guest. x86_resume loads what belongs to the vCPU (page tables,
 * FS/GS bases, FPU state) when it differs from what is loaded, checks the
 * return address, and leaves through sysret (fast, after an ordinary
 * hypercall) or iretq (everything else).
 */
#include <string.h>

#include <asm/percpu.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/sched.h>
#include <skiff/time.h>

#include "x86.h"

#define MXCSR_DEFAULT 0x1f80
#define FCW_DEFAULT   0x037f

/* An FXSAVE/XSAVE image of the power-on FPU state (XSTATE_BV = 0). */
static void fpu_area_init(uint8_t *area)
{
    memset(area, 0, XSAVE_AREA_SIZE);
    uint16_t fcw = FCW_DEFAULT;
    uint32_t mxcsr = MXCSR_DEFAULT;
    memcpy(area + 0, &fcw, sizeof(fcw));
    memcpy(area + 24, &mxcsr, sizeof(mxcsr));
}

static void fpu_save(struct vcpu *v)
{
    uint64_t mask = cpu_features.xcr0;

    if (cpu_features.xsave)
        __asm__ volatile("xsave64 %0"
                         : "+m"(*(uint8_t(*)[XSAVE_AREA_SIZE])v->arch.xsave_area)
                         : "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
    else
        __asm__ volatile("fxsave64 %0" : "+m"(*(uint8_t(*)[512])v->arch.xsave_area));
}

static void fpu_restore(const struct vcpu *v)
{
    uint64_t mask = cpu_features.xcr0;

    if (cpu_features.xsave)
        __asm__ volatile("xrstor64 %0"
                         :
                         : "m"(*(const uint8_t(*)[XSAVE_AREA_SIZE])v->arch.xsave_area),
                           "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
    else
        __asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t(*)[512])v->arch.xsave_area));
}

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t stack, uint64_t arg0)
{
    struct cpu_regs *r = &v->arch.regs;

    memset(r, 0, sizeof(*r));
    r->rip = entry;
    r->rsp = stack;
    r->rdi = arg0;
    r->cs = USER_CS;
    r->ss = USER_SS;
    r->rflags = X86_RFLAGS_FIXED | X86_RFLAGS_IF;
    v->arch.fs_base = 0;
    v->arch.gs_base = 0;
    v->arch.sysret_ok = false;
    memset(v->arch.traps, 0, sizeof(v->arch.traps));
    fpu_area_init(v->arch.xsave_area);
}

void arch_vcpu_dump(const struct vcpu *v)
{
    x86_dump_regs(&v->arch.regs);
    printk(LOG_ERR, "  fs_base %016llx  gs_base %016llx", (unsigned long long)v->arch.fs_base,
           (unsigned long long)v->arch.gs_base);
}

/* Makes v's address space, segment bases and FPU state the loaded ones. */
static void load_vcpu_state(struct percpu *pc, struct vcpu *v)
{
    struct vcpu *prev = pc->loaded;

    if (prev && prev != v && prev->domain->state == DOMAIN_RUNNING)
        fpu_save(prev);
    if (!prev || prev->domain != v->domain) {
        write_cr3(v->domain->arch.pml4_mfn << PAGE_SHIFT);
        iobitmap_switch(v->domain);
    }
    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_KERNEL_GS_BASE, v->arch.gs_base); /* becomes GS at swapgs */
    fpu_restore(v);
    pc->loaded = v;
}

noreturn void arch_idle(void)
{
    struct percpu *pc = this_cpu();

    pc->current = NULL;
    for (;;) {
        irq_enable_and_halt();
        if (sched_pending())
            schedule();
    }
}

void arch_vcpu_set_retval(struct vcpu *v, long value)
{
    v->arch.regs.rax = (uint64_t)value;
    v->arch.sysret_ok = true; /* the frame is still the one syscall saved */
}

void arch_vcpu_destroy(struct vcpu *v)
{
    struct percpu *pc = this_cpu();

    if (pc->loaded == v)
        pc->loaded = NULL;
    if (pc->current == v)
        pc->current = NULL;
}

/* An upcall is due: pending, not masked, and the guest can take it. */
static bool upcall_due(const struct vcpu *v)
{
    const struct vcpu_info *vi = v->info;

    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_RELAXED) &&
           !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_RELAXED) && v->event_callback;
}

noreturn void x86_return(struct vcpu *v)
{
    if (unlikely(sched_pending() || !vcpu_runnable(v) || sched_current() != v))
        schedule();
    x86_resume(v);
}

noreturn void x86_resume(struct vcpu *v)
{
    struct percpu *pc = this_cpu();
    struct cpu_regs *r = &v->arch.regs;

    if (unlikely(pc->loaded != v))
        load_vcpu_state(pc, v);
    if (unlikely(pc->current != v)) {
        pc->current = v;
        pc->regs_top = (uint64_t)(r + 1);
        x86_set_rsp0(pc->regs_top);
        time_update_vcpu(v);
    }
    if (unlikely(upcall_due(v)))
        x86_deliver_upcall(v);
    if (unlikely(!guest_canonical(r->rip) || v->domain->state != DOMAIN_RUNNING)) {
        if (v->domain->state == DOMAIN_RUNNING)
            domain_crash(v->domain, "return to non-canonical or hypervisor address 0x%llx",
                         (unsigned long long)r->rip);
        schedule();
    }
    if (likely(v->arch.sysret_ok))
        x86_exit_sysret(r);
    r->cs = USER_CS;
    r->ss = USER_SS;
    r->rflags = (r->rflags & X86_RFLAGS_GUEST) | X86_RFLAGS_FIXED | X86_RFLAGS_IF;
    x86_exit_iret(r);
}

noreturn void arch_vcpu_run(struct vcpu *v)
{
    x86_resume(v);
}
