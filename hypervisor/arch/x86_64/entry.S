/*
 * entry.S - every way into and out of the hypervisor.
 *
 * Into: `syscall` from a guest (hypercalls), and the IDT (exceptions and
 * interrupts, from a guest or from the hypervisor itself). A guest's
 * registers are saved straight into its vCPU's struct cpu_regs: for IDT
 * entries from ring 3 the CPU pushes ss..rip at TSS.RSP0 (= the end of that
 * struct), for syscall we build the same frame by hand. Then we switch to
 * this CPU's hypervisor stack and call C, which never returns here: it
 * leaves through x86_exit_sysret or x86_exit_iret for whichever vCPU runs
 * next. NMI, #DF, #MC and #DB run on IST stacks; when they interrupt a guest
 * the frame is copied into the vCPU first.
 *
 * The hypervisor runs with interrupts off, so entries from ring 0 are only
 * exceptions (bugs: they panic), NMIs, #DB, and interrupts in the idle loop.
 */
#include <asm/layout.h>

/* Push order that yields struct cpu_regs (r15 at the lowest address). */
.macro SAVE_GPRS
    push %r8
    push %r10
    push %rdx
    push %rsi
    push %rdi
    push %rax
    push %rcx
    push %r9
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro RESTORE_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r9
    pop %rcx
    pop %rax
    pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
.endm

    .text

/* ---- hypercalls ---- */
    .align 16
    .global x86_syscall_entry
x86_syscall_entry:
    swapgs
    mov %rsp, %gs:PCPU_USER_RSP
    mov %gs:PCPU_REGS_TOP, %rsp
    push $USER_SS                   /* ss */
    push %gs:PCPU_USER_RSP          /* rsp */
    push %r11                       /* rflags */
    push $USER_CS                   /* cs */
    push %rcx                       /* rip */
    push $0                         /* error code */
    push $VEC_SYSCALL               /* vector */
    SAVE_GPRS
    mov %gs:PCPU_STACK_TOP, %rsp
    call x86_hypercall_entry        /* returns only when sysret may go back as is */
    mov %gs:PCPU_REGS_TOP, %rsp
    sub $CPU_REGS_SIZE, %rsp
    jmp 1f

/* ---- exits to a guest; rdi = &vcpu->arch.regs ---- */
    .global x86_exit_sysret
x86_exit_sysret:
    mov %rdi, %rsp
1:  pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    add $8, %rsp                    /* r11 <- rflags below */
    pop %r9
    add $8, %rsp                    /* rcx <- rip below */
    pop %rax
    pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
    mov 16(%rsp), %rcx              /* rip (after vector, error code) */
    mov 32(%rsp), %r11              /* rflags */
    mov 40(%rsp), %rsp              /* guest rsp */
    swapgs
    sysretq

    .global x86_exit_iret
x86_exit_iret:
    mov %rdi, %rsp
    RESTORE_GPRS
    add $16, %rsp                   /* vector, error code */
    swapgs
    iretq

/* ---- IDT stubs ---- */
.macro TRAP_NOERR vec
    .align 16
    .global x86_trap_\vec
x86_trap_\vec:
    push $0
    push $\vec
    jmp x86_trap_common
.endm

.macro TRAP_ERR vec
    .align 16
    .global x86_trap_\vec
x86_trap_\vec:
    push $\vec
    jmp x86_trap_common
.endm

.macro TRAP_IST vec
    .align 16
    .global x86_trap_\vec
x86_trap_\vec:
    push $0
    push $\vec
    jmp x86_ist_common
.endm

.macro TRAP_IST_ERR vec
    .align 16
    .global x86_trap_\vec
x86_trap_\vec:
    push $\vec
    jmp x86_ist_common
.endm

/* Frame on entry: vector 0, error 8, rip 16, cs 24, rflags 32, rsp 40, ss 48 */
x86_trap_common:
    testb $3, 24(%rsp)
    jz 1f
    SAVE_GPRS                       /* into vcpu->arch.regs */
    swapgs
    mov %gs:PCPU_STACK_TOP, %rsp
    push $2                         /* clear DF and AC the guest may have left set */
    popfq
    call x86_guest_trap
    ud2
1:  SAVE_GPRS                       /* ring 0: on the current stack */
    cld
    mov %rsp, %rdi
    call x86_hv_trap
    RESTORE_GPRS
    add $16, %rsp
    iretq

/* IST entries: the frame is on this vector's own stack. */
x86_ist_common:
    SAVE_GPRS
    cld
    testb $3, 144(%rsp)             /* saved cs */
    jz 2f
    swapgs                          /* from a guest: move the frame into its vCPU */
    mov %rsp, %rsi
    mov %gs:PCPU_REGS_TOP, %rdi
    sub $CPU_REGS_SIZE, %rdi
    mov $(CPU_REGS_SIZE / 8), %ecx
    rep movsq
    mov %gs:PCPU_STACK_TOP, %rsp
    push $2
    popfq
    call x86_guest_trap
    ud2
2:  mov %rsp, %rdi                  /* from the hypervisor: GS may be the guest's */
    call x86_hv_ist_trap
    RESTORE_GPRS
    add $16, %rsp
    iretq

TRAP_NOERR 0
TRAP_IST 1
TRAP_IST 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_IST_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_IST 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31
TRAP_NOERR 240
TRAP_NOERR 255
/* Device interrupt lines (ioapic.c): VEC_GSI_BASE (0x30) + 0..31. */
.irp v, 48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79
TRAP_NOERR \v
.endr

/* Table of the stubs for gdt.c: vectors 0..31. */
    .section .rodata
    .align 8
    .global x86_exception_stubs
x86_exception_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad x86_trap_\v
    .endr

/* Table of the device-interrupt stubs for gdt.c: VEC_GSI_BASE + 0..31. */
    .global x86_gsi_stubs
x86_gsi_stubs:
    .irp v, 48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79
    .quad x86_trap_\v
    .endr
