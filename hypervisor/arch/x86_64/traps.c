/*
 * traps.c - exceptions and interrupts.
 *
 * From the hypervisor (ring 0): interrupts in the idle loop are handled; any
 * exception is a hypervisor bug and stops the machine with a register dump
 * and a backtrace. From a guest: interrupts are handled and the guest
 * resumes; exceptions are bounced to the handler the guest registered with
 * set_trap_table, in Xen's 64-bit PV frame format (public/arch-x86_64.h), or
 * the domain is killed when there is no handler or the frame cannot be
 * written. Nothing a guest does stops the hypervisor.
 */
#include <public/skiff.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/exit.h>
#include <skiff/guest_access.h>
#include <skiff/sched.h>
#include <skiff/time.h>
#include <skiff/timer.h>

#include "x86.h"

#define RED_ZONE 128

static const char *const exception_names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "reserved 28",
    "reserved 29",
    "reserved 30",
    "reserved 31",
};

static uint64_t nmi_count;

static const char *exception_name(uint64_t vec)
{
    return vec < 32 ? exception_names[vec] : "interrupt";
}

static bool has_error_code(uint64_t vec)
{
    return vec == X86_EXC_DF || (vec >= X86_EXC_TS && vec <= X86_EXC_PF) || vec == X86_EXC_AC ||
           vec == X86_EXC_CP;
}

void x86_dump_regs(const struct cpu_regs *r)
{
    printk(LOG_ERR, "  rip %016llx  cs %04llx  rflags %08llx  rsp %016llx  ss %04llx",
           (unsigned long long)r->rip, (unsigned long long)r->cs, (unsigned long long)r->rflags,
           (unsigned long long)r->rsp, (unsigned long long)r->ss);
    printk(LOG_ERR, "  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx",
           (unsigned long long)r->rax, (unsigned long long)r->rbx, (unsigned long long)r->rcx,
           (unsigned long long)r->rdx);
    printk(LOG_ERR, "  rsi %016llx  rdi %016llx  rbp %016llx  r8  %016llx",
           (unsigned long long)r->rsi, (unsigned long long)r->rdi, (unsigned long long)r->rbp,
           (unsigned long long)r->r8);
    printk(LOG_ERR, "  r9  %016llx  r10 %016llx  r11 %016llx  r12 %016llx",
           (unsigned long long)r->r9, (unsigned long long)r->r10, (unsigned long long)r->r11,
           (unsigned long long)r->r12);
    printk(LOG_ERR, "  r13 %016llx  r14 %016llx  r15 %016llx  vector %llu  error %llx",
           (unsigned long long)r->r13, (unsigned long long)r->r14, (unsigned long long)r->r15,
           (unsigned long long)r->vector, (unsigned long long)r->error_code);
}

/* Follows saved frame pointers while they stay in hypervisor memory. */
void x86_backtrace(uint64_t rbp)
{
    printk(LOG_ERR, "  backtrace (addr2line -e skiff-hv.elf <addresses>):");
    for (int depth = 0; depth < 24; depth++) {
        if (rbp < KERNEL_VBASE && rbp < DIRECTMAP_BASE)
            break;
        if (rbp & 7)
            break;
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret < KERNEL_VBASE)
            break;
        printk(LOG_ERR, "    [%2d] %016llx", depth, (unsigned long long)ret);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

void arch_dump_stack(void)
{
    x86_backtrace((uint64_t)__builtin_frame_address(0));
}

static noreturn void hv_exception(const struct cpu_regs *r)
{
    printk(LOG_ERR, "PANIC: %s (vector %llu) in the hypervisor, error code 0x%llx, cr2 0x%llx",
           exception_name(r->vector), (unsigned long long)r->vector,
           (unsigned long long)r->error_code, (unsigned long long)read_cr2());
    x86_dump_regs(r);
    printk(LOG_ERR, "  at rip %016llx", (unsigned long long)r->rip);
    x86_backtrace(r->rbp);
    arch_machine_exit(EXIT_HV_PANIC);
}

static void handle_irq(uint64_t vec)
{
    if (vec == VEC_TIMER) {
        timer_ticks++;
        lapic_eoi();
        timer_run_expired(now_ns());
    } else if (vec >= VEC_GSI_BASE && vec < VEC_GSI_BASE + VEC_GSI_COUNT) {
        ioapic_irq((unsigned int)vec);
    }
    /* VEC_SPURIOUS needs no EOI. */
}

void x86_hv_trap(struct cpu_regs *r)
{
    if (r->vector >= 32) {
        handle_irq(r->vector);
        return;
    }
    hv_exception(r);
}

void x86_hv_ist_trap(struct cpu_regs *r)
{
    if (r->vector == X86_EXC_NMI) {
        nmi_count++;
        return;
    }
    if (r->vector == X86_EXC_DB) {
        /* A guest's single-step can trap on the syscall entry; it is not ours. */
        __asm__ volatile("mov %0, %%dr6" : : "r"(0xffff0ff0ull));
        r->rflags &= ~X86_RFLAGS_TF;
        return;
    }
    hv_exception(r);
}

/*
 * `int n` from ring 3 on a vector whose IDT gate is DPL 0 raises #GP with an
 * error code naming the IDT entry (bit 1 set). If the guest allowed ring 3
 * for n (DPL 3 in its trap table), deliver n after the 2-byte instruction, as
 * the CPU would. The vector comes from the instruction bytes; the error code
 * must agree with them (n * 8 + 2 on hardware, n * 16 + 2 under QEMU's TCG).
 */
static bool software_interrupt(struct vcpu *v, struct cpu_regs *r, uint64_t *vec)
{
    uint8_t insn[2];

    if ((r->error_code & 3) != 2)
        return false;
    if (copy_from_guest(v->domain, insn, gva(r->rip), 2) || insn[0] != 0xcd)
        return false;
    uint64_t n = insn[1];
    if (r->error_code != ((n << 3) | 2) && r->error_code != ((n << 4) | 2))
        return false;
    if ((v->arch.traps[n].flags & 3) != 3 || !v->arch.traps[n].address)
        return false;
    r->rip += 2;
    *vec = n;
    return true;
}

/*
 * Writes the bounce frame and points the vCPU at target; mask_events sets
 * evtchn_upcall_mask (interrupt-gate semantics). 0, or -1 if the frame
 * could not be written.
 */
static int bounce_to_guest(struct vcpu *v, struct cpu_regs *r, uint64_t target, bool with_error,
                           bool mask_events)
{
    uint8_t mask = v->info ? v->info->evtchn_upcall_mask : 1;
    uint64_t frame[8];
    unsigned int n = 0;

    frame[n++] = r->rcx;
    frame[n++] = r->r11;
    if (with_error)
        frame[n++] = r->error_code;
    frame[n++] = r->rip;
    frame[n++] = (r->cs & 0xffff) | ((uint64_t)mask << 32);
    frame[n++] = (r->rflags & ~X86_RFLAGS_IF) | (mask ? 0 : X86_RFLAGS_IF);
    frame[n++] = r->rsp;
    frame[n++] = r->ss & 0xffff;

    uint64_t top = r->rsp - RED_ZONE;
    if (r->rsp < RED_ZONE || !guest_canonical(r->rsp))
        return -1;
    uint64_t sp = (top & ~15ull) - n * sizeof(uint64_t);
    if (copy_to_guest(v->domain, gva(sp), frame, n * sizeof(uint64_t)))
        return -1;
    r->rip = target;
    r->rsp = sp;
    r->rflags &= ~(X86_RFLAGS_TF | X86_RFLAGS_NT | X86_RFLAGS_RF);
    if (mask_events && v->info)
        v->info->evtchn_upcall_mask = 1;
    v->arch.sysret_ok = false;
    return 0;
}

void x86_deliver_upcall(struct vcpu *v)
{
    if (bounce_to_guest(v, &v->arch.regs, v->event_callback, false, true))
        domain_crash(v->domain,
                     "cannot deliver an event upcall: guest stack at 0x%llx is not writable",
                     (unsigned long long)v->arch.regs.rsp);
}

static void guest_exception(struct vcpu *v, struct cpu_regs *r)
{
    struct domain *d = v->domain;
    uint64_t vec = r->vector;
    bool with_error = has_error_code(vec);

    if (vec == X86_EXC_GP && software_interrupt(v, r, &vec))
        with_error = false;
    if (vec == X86_EXC_PF) {
        uint64_t cr2 = read_cr2();
        if (v->info)
            v->info->arch.cr2 = cr2;
        pr_debug("d%u: #PF at 0x%llx, rip 0x%llx, error 0x%llx", d->domid, (unsigned long long)cr2,
                 (unsigned long long)r->rip, (unsigned long long)r->error_code);
    }
    if (!v->arch.traps[vec].address) {
        if (vec == X86_EXC_PF)
            domain_crash(d, "unhandled %s at rip 0x%llx, cr2 0x%llx (no handler registered)",
                         exception_name(vec), (unsigned long long)r->rip,
                         (unsigned long long)read_cr2());
        else
            domain_crash(d, "unhandled %s at rip 0x%llx (no handler registered)",
                         exception_name(vec), (unsigned long long)r->rip);
        return;
    }
    const struct guest_trap *t = &v->arch.traps[vec];
    if (bounce_to_guest(v, r, t->address, with_error, t->flags & 4))
        domain_crash(d, "cannot deliver %s: guest stack at 0x%llx is not writable",
                     exception_name(vec), (unsigned long long)r->rsp);
}

noreturn void x86_guest_trap(void)
{
    struct vcpu *v = this_cpu()->current;
    struct cpu_regs *r = &v->arch.regs;

    v->arch.sysret_ok = false;
    if (r->vector >= 32) {
        handle_irq(r->vector);
        if (sched_pending())
            schedule();
    } else if (r->vector == X86_EXC_NMI) {
        nmi_count++;
    } else if (r->vector == X86_EXC_MC || r->vector == X86_EXC_DF) {
        hv_exception(r);
    } else {
        guest_exception(v, r);
    }
    x86_return(v);
}
