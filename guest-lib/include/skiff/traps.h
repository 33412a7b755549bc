/*
 * skiff/traps.h - exceptions in a guest-lib guest.
 *
 * guest-lib registers a handler for every exception vector at start-up. By
 * default an exception prints the registers and a backtrace and shuts the
 * domain down as crashed. A program can take over one vector with
 * trap_set_handler(); its handler gets the saved registers and may change
 * them (for example advance rip past a faulting instruction).
 */
#ifndef SKIFF_GUEST_TRAPS_H
#define SKIFF_GUEST_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

/* Saved by arch/x86_64/traps.S; offsets are ABI with it. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Return true if handled (execution resumes from the frame), false to crash. */
typedef bool trap_handler_fn(struct trap_frame *frame);

#define GUEST_NR_TRAPS 22

/* Registers guest-lib's stubs for vectors 0..21 with the hypervisor. */
int traps_init(void);

/* Installs (or with NULL removes) a program's handler for a vector. */
void trap_set_handler(unsigned int vector, trap_handler_fn *fn);

/* Faulting address of the last #PF (from vcpu_info.arch.cr2). */
uint64_t trap_read_cr2(void);

/* Name of an exception vector ("#PF page fault"). */
const char *trap_name(unsigned int vector);

/* Prints a frame-pointer backtrace starting at rbp. */
void backtrace_from(uint64_t rbp);

#endif
