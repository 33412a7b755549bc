/*
 * arch/fake.h - controls of the fake architecture for unit tests and fuzzers:
 * a host buffer stands in for machine memory, the console is captured, and
 * stopping the machine returns to the test through a jump buffer.
 */
#ifndef ARCH_FAKE_H
#define ARCH_FAKE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Creates `bytes` of fake machine memory and a frame pool over all of it but frame 0. */
void fake_machine_init(size_t bytes);
void fake_machine_fini(void);

/* Everything the console printed since the last clear (NUL-terminated). */
const char *fake_console_output(void);
void fake_console_clear(void);
/* Queues bytes for arch_console_getc. */
void fake_console_input(const char *s);

/*
 * If set, arch_machine_exit() and arch_vcpu_run() longjmp here with value
 * (code + 1) or FAKE_RUN_VCPU; otherwise they abort().
 */
extern jmp_buf *fake_exit_jmp;
extern unsigned int fake_exit_code;
#define FAKE_RUN_VCPU 0x1000
#define FAKE_IDLE     0x1001

/*
 * The fake cycle counter (system time runs at 1 GHz on it once
 * time_init(1000000, ...) ran) and the last deadline the timer code asked for.
 */
extern uint64_t fake_cycles;
extern uint64_t fake_timer_deadline;

/*
 * Window pages arch_map_page mapped and not yet unmapped, TLB flushes done by
 * arch_unmap_page, and an error arch_map_page returns instead (0: none).
 */
extern uint64_t fake_pages_mapped;
extern uint64_t fake_tlb_flushes;
extern int fake_map_page_error;

/*
 * A fake IOAPIC: fake_gsi_count pins (24 by default; 0 = no IOAPIC), the
 * hypervisor owns pins 0, 2, 4 and 8 as on the real machine. Each pin's
 * state as the core last set it.
 */
struct fake_gsi {
    bool routed, level, active_low, masked;
    unsigned int unmasks; /* times arch_gsi_unmask was called */
};
extern unsigned int fake_gsi_count;
extern struct fake_gsi fake_gsis[32];

#endif /* ARCH_FAKE_H */
