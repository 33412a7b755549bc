/*
 * skiff/arch.h - the interface between the portable hypervisor core and an
 * architecture. arch/x86_64 implements it on the real CPU; arch/fake
 * implements it on the host so the core runs inside unit tests and fuzzers.
 * Common code never uses #ifdef on the architecture: it calls these.
 */
#ifndef SKIFF_ARCH_H
#define SKIFF_ARCH_H

#include <skiff/types.h>

struct domain;
struct vcpu;

/* ---- machine memory ---- */

/* The hypervisor's pointer to machine memory (through its direct map). */
void *arch_maddr_to_virt(maddr_t ma);
/* The machine address of a pointer into the direct map or the image. */
maddr_t arch_virt_to_maddr(const void *va);

/* ---- console and machine control ---- */

void arch_console_putc(char c);
/* Next byte of console input, or -1 when none is waiting. */
int arch_console_getc(void);
/* Stops the machine and reports `code` (skiff/exit.h) to whoever runs it. */
noreturn void arch_machine_exit(unsigned int code);
/* Prints a stack trace of the current hypervisor context. */
void arch_dump_stack(void);

/* ---- domains and vCPUs ---- */

/* Creates the (empty) address space of a domain. 0 or -ENOMEM. */
int arch_domain_init(struct domain *d);
/* Frees everything arch_domain_init and arch_domain_map_ram allocated. */
void arch_domain_destroy(struct domain *d);
/* Maps the domain's RAM (d->physmap) into its address space. 0 or -ENOMEM. */
int arch_domain_map_ram(struct domain *d);

/* Sets the initial register state: entry point, stack pointer, first argument. */
void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t stack, uint64_t arg0);
/* Forgets v (its domain is being freed): nothing may point at it afterwards. */
void arch_vcpu_destroy(struct vcpu *v);
/* Prints the vCPU's registers (for crash reports). */
void arch_vcpu_dump(const struct vcpu *v);
/* Leaves the hypervisor and runs the vCPU. */
noreturn void arch_vcpu_run(struct vcpu *v);
/* Nothing to run: wait for an interrupt, then schedule() again. */
noreturn void arch_idle(void);
/*
 * Sets what the hypercall v is in (or last made) returns when v runs again
 * (for hypercalls that switch away, like SCHEDOP_block).
 */
void arch_vcpu_set_retval(struct vcpu *v, long value);

/* Maps / unmaps one page of d's address space at guest frame gfn (grant window). */
int arch_map_page(struct domain *d, uint64_t gfn, mfn_t mfn, uint64_t perms);
/* Unmaps and makes sure no TLB still holds the old translation. */
void arch_unmap_page(struct domain *d, uint64_t gfn);

/* ---- time ---- */

/* The cycle counter system time is derived from (the TSC). */
uint64_t arch_cycles(void);
/* Programs the timer interrupt for absolute system time `deadline` (0 = none). */
void arch_timer_program(uint64_t deadline);

/* Fills a guest's hypercall page (one stub per hypercall). */
void arch_fill_hypercall_page(void *page);

/* Highest guest virtual address + 1 that guest RAM may occupy. */
uint64_t arch_guest_va_limit(void);

/* ---- device interrupts (common/physdev.c) ---- */

/* Interrupt inputs (GSIs) the machine has: the IOAPIC's pins; 0 without one. */
unsigned int arch_gsi_count(void);
/* Whether the hypervisor uses gsi itself (timer, serial console, RTC). */
bool arch_gsi_hv_owned(unsigned int gsi);
/* Routes gsi to this CPU with its own vector, in that mode, masked. */
void arch_gsi_setup(unsigned int gsi, bool level, bool active_low);
void arch_gsi_mask(unsigned int gsi);
void arch_gsi_unmask(unsigned int gsi);

/*
 * Whether a privileged domain may map machine frame mfn as device memory:
 * never RAM or anything the memory map names, the hypervisor, or the
 * interrupt controllers.
 */
bool arch_mmio_frame_ok(uint64_t mfn);

/* ---- information ---- */

struct skiff_sysctl_physinfo;
/* Fills the CPU and timer fields of a physinfo reply. */
void arch_fill_physinfo(struct skiff_sysctl_physinfo *pi);

#endif /* SKIFF_ARCH_H */
