/*
 * entry.S - where a guest starts. The builder enters _start in ring 3 with
 * %rdi = guest-physical address of the start info and a small boot stack.
 * We clear .bss, switch to guest-lib's own stack, set up the TLS block that
 * holds the stack-protector canary (at %fs:0x28, where gcc and Debian's
 * libfdt look for it) with set_segment_base, then call guest_start() in C.
 *
 * Also here: the 4 KiB hypercall page the builder fills (named by the
 * SKIFF_ELFNOTE_HYPERCALL_PAGE note below).
 */
#define HYPERCALL_STUB(nr) (hypercall_page + (nr) * 32)
#define NR_set_segment_base 25
#define SEGBASE_FS 0
#define STACK_SIZE (64 * 1024)

    .section .text.entry, "ax"
    .global _start
_start:
    mov %rdi, %r12                      /* start info, callee-saved */
    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    xor %eax, %eax
    cld
    rep stosb
    lea guest_stack_top(%rip), %rsp
    xor %ebp, %ebp

    /* Canary: mix the TSC; the TLS block's first word points to itself. */
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    movabs $0x9e3779b97f4a7c15, %rdx
    imul %rdx, %rax
    xor %al, %al                        /* a NUL byte stops string overflows */
    lea guest_tls_block(%rip), %rsi
    mov %rsi, (%rsi)
    mov %rax, 0x28(%rsi)
    mov $SEGBASE_FS, %edi
    call HYPERCALL_STUB(NR_set_segment_base)

    mov %r12, %rdi
    call guest_start
    ud2

    .section .text.hypercall_page, "ax"
    .align 4096
    .global hypercall_page_start
hypercall_page_start:
    .fill 4096, 1, 0xcc                 /* int3 until the builder fills it */

    .section .note.skiff, "a"
    .align 4
    .long 6                             /* namesz: "Skiff\0" */
    .long 8                             /* descsz */
    .long 1                             /* SKIFF_ELFNOTE_HYPERCALL_PAGE */
    .asciz "Skiff"
    .align 4
    .quad hypercall_page

    .section .bss
    .align 64
    .global guest_tls_block
guest_tls_block:
    .skip 256
    .align 16
guest_stack_bottom:
    .skip STACK_SIZE
    .global guest_stack_top
guest_stack_top:
