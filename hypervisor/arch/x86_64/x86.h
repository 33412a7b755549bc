/*
 * x86.h - declarations shared by the files of hypervisor/arch/x86_64 (not
 * visible to the portable core).
 */
#ifndef X86_INTERNAL_H
#define X86_INTERNAL_H

#include <arch/vcpu.h>
#include <skiff/bootinfo.h>
#include <skiff/types.h>

struct domain;
struct vcpu;
struct percpu;

/* serial.c */
void serial_init(void);

/* multiboot.c: fills *bi from the loader's info; 0 or -EINVAL (bad magic). */
int multiboot_parse(uint32_t magic, uint64_t info_pa, struct boot_info *bi);

/* cpu.c */
struct cpu_features {
    char vendor[13];
    char brand[49];
    bool nx, smep, smap, pcid, xsave, page1gb, umip, fsgsbase, tsc_deadline, invariant_tsc;
    bool x2apic, rdcl_no, avx;
    uint64_t xcr0;       /* XSAVE features we enable */
    uint32_t xsave_size; /* bytes XSAVE needs for them */
};
extern struct cpu_features cpu_features;
void cpu_detect(void);
void cpu_print_features(void);
void cpu_init_control(void);
void cpu_init_syscall(void);
uint32_t cpu_feature_bits(void);

/* mm.c */
void mm_init(const struct boot_info *bi);
/* Early pointer to physical memory below 4 GiB (boot page tables only). */
void *early_phys(uint64_t pa);

/* paging.c */
void paging_init(const struct boot_info *bi);
void *paging_map_mmio(uint64_t pa, uint64_t size);
int paging_build_guest(struct domain *d);
void paging_free_guest(struct domain *d);
extern uint64_t hv_pml4_pa;

/* gdt.c */
void x86_descriptors_init(uint64_t stack_top);
void x86_set_rsp0(uint64_t rsp0);
bool x86_on_ist_stack(uint64_t sp);
/* The TSS's I/O permission bitmap (8192 bytes); x86_tss_io_enable picks all-refused or it. */
uint8_t *x86_tss_iomap(void);
void x86_tss_io_enable(bool on);

/* lapic.c */
void lapic_init(void);
void lapic_timer_selftest(void);
void lapic_eoi(void);
extern uint32_t tsc_khz, lapic_khz;
extern uint64_t timer_ticks;

/* ioapic.c */
#define IOAPIC_BASE 0xfec00000ull
void ioapic_init(void);
void ioapic_irq(unsigned int vec);
uint32_t lapic_id(void);

/* iobitmap.c: the I/O ports ring 3 may use (TSS I/O permission bitmap). */
void iobitmap_init(void);
void iobitmap_switch(const struct domain *d);

/* rtc.c: the CMOS clock as seconds since the epoch (0 if unreadable). */
uint64_t rtc_read_epoch(void);

/* percpu.c */
void percpu_init(uint64_t stack_top);
void hv_tls_init(void);

/* vcpu.c */
noreturn void x86_resume(struct vcpu *v);
/* Back to v after a hypercall or trap, unless the scheduler wants someone else. */
noreturn void x86_return(struct vcpu *v);
void fpu_init(void);

/* traps.c: called from entry.S */
noreturn void x86_guest_trap(void);
void x86_hv_trap(struct cpu_regs *frame);
void x86_hv_ist_trap(struct cpu_regs *frame);
void x86_dump_regs(const struct cpu_regs *r);
void x86_deliver_upcall(struct vcpu *v);
void x86_backtrace(uint64_t rbp);

/* hypercall_x86.c: called from entry.S */
void x86_hypercall_entry(void);

/* entry.S */
noreturn void x86_exit_sysret(struct cpu_regs *regs);
noreturn void x86_exit_iret(struct cpu_regs *regs);
void x86_syscall_entry(void);

/* setup.c: called from boot.S */
noreturn void hv_start_x86(uint32_t magic, uint32_t info_pa);

static inline bool guest_canonical(uint64_t va)
{
    return va < GUEST_VA_TOP;
}

#endif /* X86_INTERNAL_H */
