/*
 * upcall.S - the event upcall entry registered with CALLBACKOP_register.
 *
 * The hypervisor enters guest_upcall_entry with evtchn_upcall_mask set and
 * a bounce frame at %rsp (no error code), %rsp = 8 mod 16:
 *   +0 rcx, +8 r11, +16 rip, +24 cs | mask << 32, +32 rflags, +40 rsp, +48 ss
 * We save every register C may clobber and the x87/SSE state (guest code is
 * built with SSE, and the upcall interrupts arbitrary code), make a frame
 * record so backtraces run through the interrupted code, call
 * evtchn_do_upcall() on a 16-byte aligned stack, restore, and return with
 * the hypercall page's iret stub. The frame's rflags.IF (= !mask when the
 * upcall came) clears the mask again; the hypervisor then re-checks for
 * pending events before it resumes us.
 */
#define HYPERCALL_STUB(nr) (hypercall_page + (nr) * 32)
#define NR_iret 23
#define FXSAVE_SIZE 512

    .text
    .global guest_upcall_entry
guest_upcall_entry:
    pop %rcx
    pop %r11
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    pushq 10*8(%rsp)                    /* interrupted rip: a fake return address */
    push %rbp
    mov %rsp, %rbp                      /* frame record: [rbp] = rbp, [rbp+8] = rip */
    mov %rsp, %rbx                      /* callee-saved: where to come back */
    sub $FXSAVE_SIZE, %rsp
    and $-16, %rsp
    fxsave64 (%rsp)
    cld                                 /* the C ABI wants DF clear */
    call evtchn_do_upcall
    fxrstor64 (%rsp)
    mov %rbx, %rsp
    pop %rbp
    add $8, %rsp                        /* the fake return address */
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    push $0                             /* iret_context.flags */
    jmp HYPERCALL_STUB(NR_iret)
