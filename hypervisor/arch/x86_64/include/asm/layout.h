/*
 * asm/layout.h - the hypervisor's virtual memory layout and the constants
 * shared between C and assembly (selectors, vectors, per-CPU offsets).
 *
 *   0x0000000000000000 - 0x00007fffffffffff  the running guest (ring 3)
 *   0xffff800000000000 - ...                 direct map of machine memory
 *   0xffffffff80000000 - ...                 the hypervisor image
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#define KERNEL_VBASE   0xffffffff80000000
#define DIRECTMAP_BASE 0xffff800000000000
#define GUEST_VA_TOP   0x0000800000000000 /* first non-canonical address */
#define HV_LOAD_PHYS   0x100000

/* GDT selectors. The user ones are laid out for sysret (see gdt.c). */
#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_CS32 0x18
#define GDT_USER_DS   0x20
#define GDT_USER_CS   0x28
#define GDT_TSS       0x30
#define USER_CS       (GDT_USER_CS | 3)
#define USER_SS       (GDT_USER_DS | 3)

/* Interrupt vectors. */
#define VEC_GSI_BASE  0x30 /* device interrupt lines: GSI n at 0x30 + n (ioapic.c) */
#define VEC_GSI_COUNT 32
#define VEC_TIMER     0xf0
#define VEC_SPURIOUS  0xff
#define VEC_SYSCALL   0x100 /* pseudo-vector recorded for hypercall entries */

/* struct percpu offsets (asm/percpu.h checks them). */
#define PCPU_SELF      0
#define PCPU_STACK_TOP 8
#define PCPU_REGS_TOP  16
#define PCPU_USER_RSP  24
#define PCPU_CURRENT   32

/* struct cpu_regs size (arch/vcpu.h checks it). */
#define CPU_REGS_SIZE 176

#define HV_STACK_SIZE  (16 * 1024)
#define IST_STACK_SIZE (8 * 1024)

#endif /* ASM_LAYOUT_H */
