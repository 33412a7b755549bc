/*
 * guest_test.h - helpers for Skiff's test guests: catching the exception an
 * instruction raises (TRY), and reading hypervisor figures (physinfo).
 * Test guests report with skiff/test.h's result protocol.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/sysctl.h>

#define NO_EXCEPTION 0xffu

/* What the last caught exception looked like. */
struct caught {
    uint64_t vector, error_code, rip, cr2, rsp;
    unsigned int count;
};
extern volatile struct caught caught;
extern volatile uint64_t recover_rip;

/* Routes every exception vector to the catcher used by TRY. */
void catch_exceptions(void);

/*
 * TRY("insn"): runs the instruction(s); if they raise an exception, the
 * catcher records it and execution continues after them. Evaluates to the
 * vector caught, or NO_EXCEPTION.
 */
#define TRY(insn)                                                      \
    ({                                                                 \
        caught.vector = NO_EXCEPTION;                                  \
        __asm__ volatile("lea 1f(%%rip), %%rax\n\t"                    \
                         "mov %%rax, recover_rip(%%rip)\n\t" insn "\n" \
                         "1:\n\t"                                      \
                         "movq $0, recover_rip(%%rip)"                 \
                         :                                             \
                         :                                             \
                         : "rax", "rcx", "rdx", "memory", "cc");       \
        caught.vector;                                                 \
    })

/* physinfo through sysctl; returns 0 or the hypercall's error. */
long read_physinfo(struct skiff_sysctl_physinfo *out);

/* Burns roughly n loop iterations (lets timer interrupts happen). */
void spin(unsigned long n);

/* The value of a "key=value" argument of the guest's command line, or NULL. */
const char *guest_arg(int argc, char **argv, const char *key);
/* Its number (strtoul, base 0), or dflt when the argument is absent. */
unsigned long guest_arg_num(int argc, char **argv, const char *key, unsigned long dflt);

/* Events counted by guest_count_event, an evtchn handler (upcall context). */
extern volatile unsigned long guest_events_seen;
void guest_count_event(evtchn_port_t port, void *data);
/* Blocks (SCHEDOP_block unmasks and blocks in one step) until guest_events_seen >= n. */
void guest_wait_events(unsigned long n);

#endif
