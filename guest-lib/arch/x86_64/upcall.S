/*
 * upcall.S - the event upcall entry registered with CALLBACKOP_register.
 *
 * The hypervisor enters guest_upcall_entry with evtchn_upcall_mask set and
 * a bounce frame at %rsp (no error code), %rsp = 8 mod 16, at least 128
 * bytes (the red zone) below the interrupted %rsp:
 *   +0 rcx, +8 r11, +16 rip, +24 cs | mask << 32, +32 rflags, +40 rsp, +48 ss
 * We save every register C may clobber and the x87/SSE state (guest code is
 * built with SSE, and the upcall interrupts arbitrary code), make a frame
 * record so backtraces run through the interrupted code, and call
 * evtchn_do_upcall() on a 16-byte aligned stack until evtchn_upcall_end()
 * has unmasked events with none pending.
 *
 * The return needs no hypercall: the interrupted code ran in ring 3 in this
 * address space, with events enabled (the hypervisor delivers upcalls only
 * then). We move %rsp to RETURN_GAP + 24 bytes below the interrupted %rsp
 * (far below its red zone, in our dead FXSAVE area, and below what we still
 * read), put the saved %rax, rflags and rip there, and `pop %rax; popfq;
 * ret $RETURN_GAP` lands on the interrupted rip and %rsp. An upcall that
 * comes in between nests below the new %rsp and returns here unharmed.
 */
#define FXSAVE_SIZE 512
#define RETURN_GAP  512

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
1:  call evtchn_do_upcall
    call evtchn_upcall_end              /* unmasks; false if events came meanwhile */
    test %al, %al
    jz 1b
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
    /* Left: 0 rcx, 8 rax, 16 rip, 24 cs, 32 rflags, 40 rsp, 48 ss. */
    mov %rsp, %rax
    mov 40(%rax), %rsp
    sub $(RETURN_GAP + 24), %rsp
    mov 16(%rax), %rcx
    mov %rcx, 16(%rsp)                  /* rip */
    mov 32(%rax), %rcx
    mov %rcx, 8(%rsp)                   /* rflags */
    mov 8(%rax), %rcx
    mov %rcx, (%rsp)                    /* rax */
    mov (%rax), %rcx
    pop %rax
    popfq
    ret $RETURN_GAP
