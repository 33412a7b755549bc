/*
 * switch.S - switching between guest-lib threads (src/thread.c).
 *
 * thread_switch(uint64_t *save_rsp, uint64_t next_rsp) pushes the
 * callee-saved registers, stores %rsp in *save_rsp, loads next_rsp and pops
 * the next thread's registers, returning into it. Nothing else is switched:
 * the x87/SSE state is shared by all threads (skiff/thread.h). A new
 * thread's stack holds a struct switch_frame (thread.c) that "returns" into
 * thread_trampoline with the thread in %r12.
 */
    .text
    .global thread_switch
thread_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* Entered with %rsp 16-byte aligned; thread_entry(struct thread *) never returns. */
    .global thread_trampoline
thread_trampoline:
    mov %r12, %rdi
    xor %ebp, %ebp                      /* ends backtraces */
    call thread_entry
    ud2
