/*
 * boot.S - the first instructions: Multiboot 1 and 2 headers, the 32-bit
 * entry point, and the switch to 64-bit long mode in the higher half.
 *
 * The loader enters _start32 in 32-bit protected mode with paging off,
 * EAX = Multiboot magic and EBX = physical address of its info structure.
 * We build boot page tables (identity and direct map of the low 4 GiB, the
 * image at KERNEL_VBASE), enable PAE + long mode + NX, and jump to
 * hv_start_x86(magic, info) in C. arch/x86_64/paging.c replaces these
 * tables with the real ones soon after.
 */
#include <asm/layout.h>

#define MB1_MAGIC      0x1BADB002
#define MB1_FLAGS      ((1 << 0) | (1 << 1) | (1 << 16)) /* page-align modules, mem map, addresses */
#define MB2_MAGIC      0xE85250D6
#define PHYS(sym)      ((sym) - KERNEL_VBASE)

    .section .multiboot, "a"
    .align 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long mb1_header            /* header_addr (identity-mapped section) */
    .long _load_start           /* load_addr */
    .long _load_end_phys        /* load_end_addr */
    .long _bss_end_phys         /* bss_end_addr */
    .long _start32              /* entry_addr */

    .align 8
mb2_header:
    .long MB2_MAGIC
    .long 0                     /* i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    .align 8                    /* address tag */
    .short 2, 0
    .long 24
    .long mb2_header, _load_start, _load_end_phys, _bss_end_phys
    .align 8                    /* entry address tag */
    .short 3, 0
    .long 12
    .long _start32
    .align 8                    /* end tag */
    .short 0, 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .global _start32
_start32:
    cli
    cld
    mov %eax, %edi                  /* magic */
    mov %ebx, %esi                  /* info */
    mov $PHYS(boot_stack_top), %esp

    /* Long mode available? */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc no_long_mode
    xor %ebp, %ebp                  /* EFER bits to add: NXE if the CPU has NX */
    bt $20, %edx
    jnc 1f
    mov $(1 << 11), %ebp
1:
    call build_boot_page_tables

    mov %cr4, %eax
    or $(1 << 5), %eax              /* PAE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx           /* EFER */
    rdmsr
    or $(1 << 8), %eax              /* LME */
    or %ebp, %eax
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax   /* PG, WP, PE */
    mov %eax, %cr0

    lgdt boot_gdt_desc
    ljmp $GDT_KERNEL_CS, $start64_low

/* PML4[0] and PML4[256] -> identity of 0..4 GiB with 2 MiB pages; PML4[511]
 * -> the first GiB again at KERNEL_VBASE. The tables are in .bss, which the
 * loader zeroed. */
build_boot_page_tables:
    mov $PHYS(boot_pdpt_low), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pml4)
    mov %eax, PHYS(boot_pml4) + 256 * 8
    mov $PHYS(boot_pdpt_high), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pml4) + 511 * 8
    /* four page directories, one per GiB */
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $12, %eax
    add $PHYS(boot_pd), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pdpt_low)(,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jne 2b
    mov $PHYS(boot_pd), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pdpt_high) + 510 * 8
    /* 2048 entries of 2 MiB: physical 0..4 GiB */
    xor %ecx, %ecx
3:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                  /* present, writable, 2 MiB */
    mov %eax, PHYS(boot_pd)(,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax                   /* high bits of 2 MiB * ecx */
    mov %eax, PHYS(boot_pd) + 4(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 3b
    ret

/* No long mode: say so on COM1 and stop. */
no_long_mode:
    mov $no_lm_msg, %esi
4:  lodsb
    test %al, %al
    jz 5f
    mov $0x3f8, %dx
    out %al, %dx
    jmp 4b
5:  mov $0x13, %al                  /* EXIT_HV_PANIC on QEMU's isa-debug-exit */
    mov $0xf4, %dx
    out %al, %dx
6:  hlt
    jmp 6b

    .code64
start64_low:
    mov $GDT_KERNEL_DS, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    movabs $start64_high, %rax
    jmp *%rax

    .section .boot.data, "a"
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
no_lm_msg:
    .asciz "Skiff: this CPU has no 64-bit long mode; cannot boot.\r\n"

    .text
    .code64
start64_high:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    mov %edi, %edi                  /* zero-extend magic and info */
    mov %esi, %esi
    call hv_start_x86
    ud2

    .section .bss
    .align 4096
    .global boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4
    .global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip HV_STACK_SIZE
boot_stack_top:
