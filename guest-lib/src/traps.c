/*
 * traps.c - exception handling of a guest: registers the stubs of
 * arch/x86_64/traps.S for every vector, runs a program's handler when it
 * installed one, and otherwise reports the exception (name, registers, cr2,
 * backtrace) and crashes the domain.
 */
#include <stdio.h>

#include <public/arch-x86_64.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/traps.h>

extern const uint64_t guest_trap_stubs[GUEST_NR_TRAPS];

static trap_handler_fn *handlers[GUEST_NR_TRAPS];

static const char *const names[GUEST_NR_TRAPS] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
};

const char *trap_name(unsigned int vector)
{
    return vector < GUEST_NR_TRAPS ? names[vector] : "unknown vector";
}

int traps_init(void)
{
    struct trap_info table[GUEST_NR_TRAPS + 1];

    for (unsigned int v = 0; v < GUEST_NR_TRAPS; v++) {
        table[v].vector = (uint8_t)v;
        table[v].flags = 4; /* mask event upcalls while handling, like an interrupt gate */
        table[v].cs = 0;
        table[v].pad = 0;
        table[v].address = guest_trap_stubs[v];
    }
    table[GUEST_NR_TRAPS] = (struct trap_info){0};
    return (int)HYPERVISOR_set_trap_table(table);
}

void trap_set_handler(unsigned int vector, trap_handler_fn *fn)
{
    if (vector < GUEST_NR_TRAPS)
        handlers[vector] = fn;
}

uint64_t trap_read_cr2(void)
{
    return shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0;
}

void backtrace_from(uint64_t rbp)
{
    uint64_t lo = (uint64_t)__image_start, hi = (uint64_t)__image_end;

    printf("  backtrace:\n");
    for (int depth = 0; depth < 24 && rbp >= 4096 && (rbp & 7) == 0; depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        if (frame[1] < lo || frame[1] >= hi)
            break;
        printf("    [%2d] %016lx\n", depth, (unsigned long)frame[1]);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

static void dump_frame(const struct trap_frame *f)
{
    printf("  rip %016lx  rsp %016lx  rflags %08lx  error %lx\n", (unsigned long)f->rip,
           (unsigned long)f->rsp, (unsigned long)f->rflags, (unsigned long)f->error_code);
    printf("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", (unsigned long)f->rax,
           (unsigned long)f->rbx, (unsigned long)f->rcx, (unsigned long)f->rdx);
    printf("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", (unsigned long)f->rsi,
           (unsigned long)f->rdi, (unsigned long)f->rbp, (unsigned long)f->r8);
    printf("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", (unsigned long)f->r9,
           (unsigned long)f->r10, (unsigned long)f->r11, (unsigned long)f->r12);
    printf("  r13 %016lx  r14 %016lx  r15 %016lx\n", (unsigned long)f->r13, (unsigned long)f->r14,
           (unsigned long)f->r15);
}

void guest_trap_dispatch(struct trap_frame *f);
void guest_trap_dispatch(struct trap_frame *f)
{
    unsigned int v = (unsigned int)f->vector;

    if (v < GUEST_NR_TRAPS && handlers[v] && handlers[v](f))
        return;
    printf("guest: unhandled %s at rip %016lx", trap_name(v), (unsigned long)f->rip);
    if (v == 14)
        printf(", cr2 %016lx", (unsigned long)trap_read_cr2());
    printf("\n");
    dump_frame(f);
    backtrace_from(f->rbp);
    console_flush();
    guest_shutdown(SHUTDOWN_crash);
}
