/*
 * public/arch-x86_64.h - the x86_64 parts of Skiff's guest ABI.
 *
 * Guests run in ring 3 with the hypervisor's flat selectors below; they never
 * load selectors themselves. Exceptions registered with set_trap_table and
 * event upcalls are delivered on the guest's own stack in Xen's 64-bit PV
 * "bounce frame" format, and return through HYPERVISOR_iret.
 */
#ifndef SKIFF_PUBLIC_ARCH_X86_64_H
#define SKIFF_PUBLIC_ARCH_X86_64_H

#include <stdint.h>

/* Selectors guests run with (Skiff's GDT; guests need not use them). */
#define SKIFF_GUEST_CS 0x2b
#define SKIFF_GUEST_SS 0x23

/*
 * HYPERVISOR_set_trap_table(const struct trap_info traps[])
 *
 * Register exception handlers: an array of entries terminated by one whose
 * `address` is 0 (at most 256 entries before it, else -EINVAL). A NULL array
 * clears every handler. Each address must be canonical, in the guest's RAM
 * and executable (-EINVAL otherwise); nothing is changed unless every entry
 * is valid. -EFAULT if the array is not readable.
 *
 * When exception `vector` happens in the guest, the hypervisor writes a
 * bounce frame below the interrupted stack pointer and jumps to `address`.
 * The frame's top (the byte after `ss`) is the interrupted rsp minus the
 * 128-byte red zone, aligned down to 16 bytes; so at entry rsp is 16-byte
 * aligned when an error code is present and 8 mod 16 otherwise:
 *
 *   rsp+0   rcx                        (registers the guest's stub restores)
 *   rsp+8   r11
 *   [rsp+16 error code]                only for #TS #NP #SS #GP #PF #AC #CP
 *   then    rip, cs | upcall_mask << 32, rflags, rsp, ss   (interrupted state)
 *
 * The saved rflags.IF is the inverse of the vCPU's evtchn_upcall_mask at the
 * time of the exception. If `flags` has bit 2 (TI_SET_IF) set, upcalls are
 * masked on entry (an interrupt gate); otherwise the mask is unchanged. For
 * #PF the faulting address is in vcpu_info.arch.cr2. If no handler is
 * registered, or the frame cannot be written, the domain is crashed with a
 * register dump. #DF and #MC are never delivered: they stop the machine.
 *
 * Bits 0-1 of `flags` are the privilege level allowed to raise the vector
 * with a software `int n`: 3 allows it (Skiff guests run at 3), 0-2 refuse
 * it (the guest gets #GP instead). Exceptions: `int3` (vector 3) and `into`
 * (vector 4) always reach the handler, as on hardware (their gates are
 * DPL 3). `cs` is ignored.
 */
#define TI_GET_DPL(_ti)       ((_ti)->flags & 3)
#define TI_GET_IF(_ti)        ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if)   ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
    uint8_t vector;        /* 0 exception vector, 0-255 */
    uint8_t flags;         /* 1 bits 0-1: DPL; bit 2: mask upcalls on entry */
    uint16_t cs;           /* 2 ignored */
    uint32_t pad;          /* 4 (implicit in Xen's layout) */
    unsigned long address; /* 8 handler entry point */
};                         /* 16 bytes */

/*
 * HYPERVISOR_iret: return from an exception or event handler.
 *
 * The guest pushes `flags` (0 or VGCF_in_syscall) on top of the rip..ss part
 * of its bounce frame and jumps to the iret stub, which pushes rcx, r11 and
 * rax and issues the hypercall, so the stack holds a struct iret_context.
 * The hypervisor restores every field: rax, r11, rcx, rip, rflags (only the
 * arithmetic flags, TF, DF, AC and ID; IF sets evtchn_upcall_mask to !IF) and
 * rsp; cs and ss are forced to the guest selectors. With VGCF_in_syscall,
 * rcx and r11 are not restored. A frame that cannot be read, or whose rip or
 * rsp is not a canonical lower-half address, crashes the domain: there is no
 * caller to return an error to.
 */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
struct iret_context {
    /* Top of stack (%rsp at the point of the hypercall). */
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
    /* Bottom of the frame. */
};

/*
 * HYPERVISOR_set_segment_base(unsigned int which, unsigned long base)
 *
 * SEGBASE_FS:        set the FS base (guest-lib's TLS block).
 * SEGBASE_GS_KERNEL: set the GS base. Skiff guests run in their kernel
 *                    mode only, so this is the GS base in effect.
 * SEGBASE_GS_USER, SEGBASE_GS_USER_SEL: -EINVAL (no guest user mode).
 * `base` must be a canonical lower-half address (-EINVAL otherwise).
 * Unknown `which`: -EINVAL.
 */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/* [HV] Architecture-specific part of vcpu_info. */
struct arch_vcpu_info {
    unsigned long cr2; /* faulting address of the last #PF bounced */
    unsigned long pad;
}; /* 16 bytes */

/* Layout filler of shared_info; Skiff does not use these fields. */
struct arch_shared_info {
    unsigned long max_pfn;
    unsigned long pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
}; /* 48 bytes */

#endif /* SKIFF_PUBLIC_ARCH_X86_64_H */
