/*
 * public/skiff.h - the core of Skiff's guest ABI.
 *
 * Skiff speaks Xen's 64-bit PV hypercall ABI with auto-translated (PVH-style)
 * memory semantics: a guest names guest-physical frames, never machine frames,
 * and its RAM [0, memory) is mapped at the same virtual addresses. Numbers and
 * structure layouts below are Xen's (checked against Debian's libxen-dev);
 * operations Xen has no public equivalent for
 * are Skiff's own and documented the same way.
 *
 * Calling convention (x86_64): `syscall` with
 *   rax = hypercall number, arguments in rdi, rsi, rdx, r10, r8;
 *   result in rax: >= 0 on success, a negative SKIFF_E* (public/errno.h) on
 *   failure. rcx and r11 are clobbered. The argument registers may change
 *   too: a hypercall that does its work in bounded pieces restarts itself
 *   (the guest re-executes `syscall` with the remaining work described in
 *   them). Every other register is preserved.
 * Layouts are checked against Xen's by tests/unit/abi/test_xen_compat.c.
 * Guests normally call through the hypercall page (one 32-byte stub per
 * hypercall, `call hypercall_page + 32 * nr`), which the domain builder fills
 * at the address the guest's SKIFF_ELFNOTE_HYPERCALL_PAGE note names.
 *
 * Shared-memory fields are tagged with who writes them:
 *   [HV] the hypervisor, [GUEST] the guest, [HV,GUEST] both (atomically).
 */
#ifndef SKIFF_PUBLIC_SKIFF_H
#define SKIFF_PUBLIC_SKIFF_H

#include <stdint.h>

#include "arch-x86_64.h"

/* ABI version reported by XENVER_version: major << 16 | minor. */
#define SKIFF_ABI_MAJOR 0
#define SKIFF_ABI_MINOR 1

/*
 * A pointer into the calling guest's address space. Guests see a typed
 * pointer; the hypervisor sees an integer it can only use through
 * copy_from_guest / copy_to_guest. The layout is 8 bytes either way.
 */
#ifdef __SKIFF_HYPERVISOR__
#define SKIFF_GUEST_HANDLE(type) uint64_t
#else
#define SKIFF_GUEST_HANDLE(type) type *
#endif

/* Hypercall numbers: Xen's __HYPERVISOR_* values. */
#define __HYPERVISOR_set_trap_table   0
#define __HYPERVISOR_memory_op        12
#define __HYPERVISOR_set_timer_op     15
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io       18
#define __HYPERVISOR_grant_table_op   20 /* public/grant_table.h */
#define __HYPERVISOR_iret             23
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_sched_op         29
#define __HYPERVISOR_callback_op      30
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op       33 /* public/physdev.h */
#define __HYPERVISOR_sysctl           35 /* Skiff's own sub-ops: public/sysctl.h */
#define __HYPERVISOR_domctl           36 /* Skiff's own sub-ops: public/domctl.h */
#define SKIFF_NR_HYPERCALLS           64

/* Size of one stub in the hypercall page. */
#define SKIFF_HYPERCALL_STUB_SIZE 32

/*
 * Domain identifiers: Xen's 16-bit domid_t. The control domain is 0.
 * Ids at or above DOMID_FIRST_RESERVED never name an ordinary domain.
 */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U

/*
 * Virtual interrupts, bound to event channels with EVTCHNOP_bind_virq.
 * VIRQ_TIMER:   the vCPU's one-shot timer (set_timer_op) expired.
 * VIRQ_DEBUG:   reserved.
 * VIRQ_CONSOLE: (dom0) console input is waiting (CONSOLEIO_read).
 * VIRQ_DOM_EXC: (dom0) some domain shut down, crashed or was destroyed.
 */
#define VIRQ_TIMER   0
#define VIRQ_DEBUG   1
#define VIRQ_CONSOLE 2
#define VIRQ_DOM_EXC 3
#define NR_VIRQS     24

/*
 * HYPERVISOR_set_timer_op(uint64_t timeout)
 *
 * Arms the calling vCPU's one-shot timer for `timeout`, an absolute system
 * time in ns (the clock of vcpu_time_info); 0 disarms it. When it expires
 * the hypervisor sends VIRQ_TIMER to the vCPU (waking it if it blocked). A
 * time already past fires at once. Returns 0.
 */

/*
 * HYPERVISOR_console_io(int cmd, unsigned int count, char *buffer)
 *
 * CONSOLEIO_write: write `count` bytes from `buffer` to the hypervisor
 *   console. Output of a domain other than dom0 is prefixed with "(dN) ".
 *   Returns 0. -EFAULT if any byte of the buffer is not readable guest RAM
 *   (checked before anything is printed). Large writes are processed in
 *   bounded chunks of 4 KiB: the call restarts itself with
 *   CONSOLEIO_write | CONSOLEIO_CONTINUED and the rest of the buffer.
 * CONSOLEIO_read: copy up to `count` bytes of pending console input into
 *   `buffer` without blocking. Control domain only (-EPERM otherwise).
 *   Returns the number of bytes copied, -EFAULT for a bad buffer.
 * Unknown cmd: -ENOSYS.
 */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1
/*
 * Skiff's own: set by the hypervisor when CONSOLEIO_write restarts itself
 * (the continuation checks only the chunk it prints). Guests need not use it.
 */
#define CONSOLEIO_CONTINUED 0x40000000

/*
 * Time as the hypervisor publishes it to each vCPU ([HV] all fields).
 * Writes are bracketed by increments of `version` (odd = update in progress):
 * read version, read the fields, read version again; retry if it changed or
 * was odd. Current system time in ns since boot:
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift is a right shift).
 */
struct vcpu_time_info {
    uint32_t version;           /*  0 */
    uint32_t pad0;              /*  4 */
    uint64_t tsc_timestamp;     /*  8 TSC at the last update */
    uint64_t system_time;       /* 16 ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* 24 */
    int8_t tsc_shift;           /* 28 */
    uint8_t flags;              /* 29 XEN_PVCLOCK_* (none defined yet: 0) */
    uint8_t pad1[2];            /* 30 */
};                              /* 32 bytes */

/*
 * Per-vCPU state shared with the hypervisor.
 * evtchn_upcall_pending [HV sets, GUEST clears]: an event is waiting.
 * evtchn_upcall_mask    [GUEST, HV on upcall/exception entry]: non-zero
 *   blocks upcalls; the IF bit of an exception frame's RFLAGS is its inverse.
 * evtchn_pending_sel    [HV sets, GUEST clears]: which words of
 *   shared_info.evtchn_pending to scan.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending; /*  0 */
    uint8_t evtchn_upcall_mask;    /*  1 */
    uint8_t pad0[6];               /*  2 */
    uint64_t evtchn_pending_sel;   /*  8 */
    struct arch_vcpu_info arch;    /* 16 [HV] cr2 of the last #PF delivered */
    struct vcpu_time_info time;    /* 32 */
};                                 /* 64 bytes */

#define SKIFF_LEGACY_MAX_VCPUS  32
#define SKIFF_NR_EVENT_CHANNELS (64 * 64) /* 2-level ABI: 4096 ports */

/*
 * The shared_info page, one per domain, at the guest-physical address the
 * start info announces (`skiff,special-pages/shared-info`).
 */
struct shared_info {
    struct vcpu_info vcpu_info[SKIFF_LEGACY_MAX_VCPUS]; /*    0 */
    uint64_t evtchn_pending[64];  /* 2048 [HV sets, GUEST clears] one bit per port */
    uint64_t evtchn_mask[64];     /* 2560 [GUEST] 1 = port masked */
    uint32_t wc_version;          /* 3072 [HV] wall clock: seqlock as vcpu_time_info */
    uint32_t wc_sec;              /* 3076 [HV] seconds since the epoch at boot (low 32) */
    uint32_t wc_nsec;             /* 3080 [HV] */
    uint32_t wc_sec_hi;           /* 3084 [HV] high 32 bits of the seconds */
    struct arch_shared_info arch; /* 3088 unused by Skiff, kept for layout */
};                                /* 3136 bytes */

#endif /* SKIFF_PUBLIC_SKIFF_H */
