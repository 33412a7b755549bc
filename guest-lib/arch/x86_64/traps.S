/*
 * traps.S - exception entry stubs registered with set_trap_table.
 *
 * The hypervisor enters a stub with the bounce frame at %rsp:
 *   rcx, r11, [error code], rip, cs, rflags, rsp, ss
 * Each stub restores rcx and r11, pushes a zero error code where the CPU has
 * none and the vector, then the common code saves every register as a
 * struct trap_frame (skiff/traps.h), calls guest_trap_dispatch(frame) on a
 * 16-byte aligned stack, restores the (possibly edited) registers and
 * returns through the iret stub of the hypercall page.
 */
#define HYPERCALL_STUB(nr) (hypercall_page + (nr) * 32)
#define NR_iret 23

.macro TRAP_NOERR vec
    .global guest_trap_\vec
guest_trap_\vec:
    pop %rcx
    pop %r11
    push $0
    push $\vec
    jmp guest_trap_common
.endm

.macro TRAP_ERR vec
    .global guest_trap_\vec
guest_trap_\vec:
    pop %rcx
    pop %r11
    push $\vec
    jmp guest_trap_common
.endm

    .text
guest_trap_common:
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rax
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    mov %rsp, %rbx
    and $-16, %rsp
    call guest_trap_dispatch
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rax
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    add $16, %rsp                       /* vector, error code */
    push $0                             /* iret_context.flags */
    jmp HYPERCALL_STUB(NR_iret)

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21

    .section .rodata
    .align 8
    .global guest_trap_stubs
guest_trap_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21
    .quad guest_trap_\v
    .endr
