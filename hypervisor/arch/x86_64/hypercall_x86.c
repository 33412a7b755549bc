/*
 * hypercall_x86.c - the x86_64 side of hypercalls: the C end of the syscall
 * entry, restarting a hypercall (continuations), the hypercall page, and the
 * hypercalls that are about x86 state: iret, set_trap_table,
 * set_segment_base (public/arch-x86_64.h documents them).
 */
#include <string.h>

#include <public/skiff.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/guest_access.h>
#include <skiff/heap.h>
#include <skiff/hypercall.h>
#include <skiff/sched.h>

#include "x86.h"

#define MAX_TRAP_ENTRIES 256
#define SYSCALL_INSN_LEN 2

/*
 * The C end of the syscall entry. Returns only when the guest may go back
 * exactly as it came, with the result in rax: entry.S then leaves with
 * sysret. Every other case (the hypercall rewrote the registers, the domain
 * stopped, a strange return address) leaves through x86_resume().
 */
void x86_hypercall_entry(void)
{
    struct vcpu *v = this_cpu()->current;
    struct cpu_regs *r = &v->arch.regs;

    v->arch.no_retval = false;
    long ret = hypercall_dispatch(v, r->rax, (const struct hypercall_args *)&r->rdi);
    if (likely(!v->arch.no_retval)) {
        r->rax = (uint64_t)ret;
        /* pending == 1 and mask == 0, read as one 16-bit word */
        bool upcall = __atomic_load_n((const uint16_t *)&v->info->evtchn_upcall_pending,
                                      __ATOMIC_RELAXED) == 1;
        if (likely(guest_canonical(r->rip) && !sched_pending() && !upcall))
            return;
    }
    v->arch.sysret_ok = !v->arch.no_retval;
    x86_return(v);
}

void arch_hypercall_continue(struct vcpu *v, uint64_t nr, const struct hypercall_args *args)
{
    struct cpu_regs *r = &v->arch.regs;

    r->rip -= SYSCALL_INSN_LEN; /* back onto the syscall instruction */
    r->rax = nr;
    r->rdi = args->arg[0];
    r->rsi = args->arg[1];
    r->rdx = args->arg[2];
    r->r10 = args->arg[3];
    r->r8 = args->arg[4];
    v->arch.no_retval = true;
}

/*
 * Stub i:  mov $i, %eax; syscall; ret
 * iret:    push %rcx; push %r11; push %rax; mov $23, %eax; syscall; ud2
 * The rest of each 32-byte slot is int3.
 */
void arch_fill_hypercall_page(void *page)
{
    uint8_t *p = page;

    memset(p, 0xcc, PAGE_SIZE);
    for (uint32_t i = 0; i < SKIFF_NR_HYPERCALLS; i++) {
        uint8_t *s = p + i * SKIFF_HYPERCALL_STUB_SIZE;
        if (i == __HYPERVISOR_iret) {
            static const uint8_t iret_stub[] = {0x51, 0x41, 0x53, 0x50, 0xb8, 23,  0,
                                                0,    0,    0x0f, 0x05, 0x0f, 0x0b};
            memcpy(s, iret_stub, sizeof(iret_stub));
            continue;
        }
        s[0] = 0xb8; /* mov $i, %eax */
        memcpy(s + 1, &i, 4);
        s[5] = 0x0f; /* syscall */
        s[6] = 0x05;
        s[7] = 0xc3; /* ret */
    }
}

long do_iret(struct vcpu *v, const struct hypercall_args *args)
{
    struct cpu_regs *r = &v->arch.regs;
    struct iret_context c;

    v->arch.no_retval = true;
    v->arch.sysret_ok = false;
    if (copy_from_guest(v->domain, &c, gva(r->rsp), sizeof(c))) {
        domain_crash(v->domain, "iret: frame at 0x%llx is not readable",
                     (unsigned long long)r->rsp);
        return 0;
    }
    if (!guest_canonical(c.rip) || !guest_canonical(c.rsp)) {
        domain_crash(v->domain, "iret to rip 0x%llx rsp 0x%llx: not a guest address",
                     (unsigned long long)c.rip, (unsigned long long)c.rsp);
        return 0;
    }
    r->rax = c.rax;
    if (!(c.flags & VGCF_in_syscall)) {
        r->r11 = c.r11;
        r->rcx = c.rcx;
    }
    r->rip = c.rip;
    r->rsp = c.rsp;
    r->rflags = (c.rflags & X86_RFLAGS_GUEST) | X86_RFLAGS_FIXED | X86_RFLAGS_IF;
    if (v->info)
        v->info->evtchn_upcall_mask = !(c.rflags & X86_RFLAGS_IF);
    return 0;
}

static long apply_trap_table(struct vcpu *v, uint64_t uaddr, struct guest_trap *table)
{
    for (unsigned int i = 0;; i++) {
        struct trap_info ti;
        if (i > MAX_TRAP_ENTRIES)
            return -EINVAL; /* no terminator after 256 entries */
        if (copy_from_guest(v->domain, &ti, gva(uaddr + i * sizeof(ti)), sizeof(ti)))
            return -EFAULT;
        if (ti.address == 0)
            return 0;
        if (!guest_canonical(ti.address) || guest_range_check(v->domain, gva(ti.address), 1, P2M_X))
            return -EINVAL;
        table[ti.vector].address = ti.address;
        table[ti.vector].flags = ti.flags;
    }
}

long do_set_trap_table(struct vcpu *v, const struct hypercall_args *args)
{
    uint64_t uaddr = args->arg[0];
    struct guest_trap *table;
    long rc;

    if (uaddr == 0) {
        memset(v->arch.traps, 0, sizeof(v->arch.traps));
        return 0;
    }
    table = kmalloc(sizeof(v->arch.traps));
    if (!table)
        return -ENOMEM;
    memcpy(table, v->arch.traps, sizeof(v->arch.traps));
    rc = apply_trap_table(v, uaddr, table);
    if (rc == 0)
        memcpy(v->arch.traps, table, sizeof(v->arch.traps));
    kfree(table);
    return rc;
}

long do_set_segment_base(struct vcpu *v, const struct hypercall_args *args)
{
    unsigned int which = (unsigned int)args->arg[0];
    uint64_t base = args->arg[1];

    if (!guest_canonical(base))
        return -EINVAL;
    switch (which) {
    case SEGBASE_FS:
        v->arch.fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_KERNEL:
        v->arch.gs_base = base;
        wrmsr(MSR_KERNEL_GS_BASE, base); /* the guest's GS while we run */
        return 0;
    default:
        return -EINVAL;
    }
}
