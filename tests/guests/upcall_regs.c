/*
 * upcall_regs.c - upcalls preserve the interrupted code's state: every
 * general-purpose register, the flags and the 128-byte red zone below
 * %rsp, across thousands of upcalls that land at arbitrary instructions (a
 * timer re-armed every few microseconds interrupts a loop that holds
 * known values everywhere). guest-lib returns from upcalls inside the
 * guest (upcall.S), so this is its test.
 */
#include <stdio.h>

#include <skiff/events.h>
#include <skiff/guest.h>
#include <skiff/test.h>
#include <skiff/time.h>

#define ROUNDS    40
#define SPINS     200000
#define TIMER_GAP 20000 /* ns */
#define MIN_HITS  500

static volatile unsigned long spins;
static volatile unsigned int corrupted;
static struct gtimer ticker;

static void tick(struct gtimer *t)
{
    gtimer_arm(t, monotonic_ns() + TIMER_GAP);
}

/* Fills registers, CF and the red zone, spins, checks them all. */
static void spin_with_known_state(void)
{
    spins = SPINS;
    __asm__ volatile("stc\n\t"
                     "mov $0x1010101, %%rax\n\t"
                     "mov $0x2020202, %%rbx\n\t"
                     "mov $0x3030303, %%rcx\n\t"
                     "mov $0x4040404, %%rdx\n\t"
                     "mov $0x5050505, %%rsi\n\t"
                     "mov $0x6060606, %%rdi\n\t"
                     "mov $0x7070707, %%r8\n\t"
                     "mov $0x8080808, %%r9\n\t"
                     "mov $0x9090909, %%r10\n\t"
                     "mov $0xa0a0a0a, %%r11\n\t"
                     "mov $0xb0b0b0b, %%r12\n\t"
                     "mov $0xc0c0c0c, %%r13\n\t"
                     "mov $0xd0d0d0d, %%r14\n\t"
                     "mov $0xe0e0e0e, %%r15\n\t"
                     "movq $0x5a000000, -8(%%rsp)\n\t"
                     "movq $0x5a000001, -16(%%rsp)\n\t"
                     "movq $0x5a000002, -24(%%rsp)\n\t"
                     "movq $0x5a000003, -32(%%rsp)\n\t"
                     "movq $0x5a000004, -40(%%rsp)\n\t"
                     "movq $0x5a000005, -48(%%rsp)\n\t"
                     "movq $0x5a000006, -56(%%rsp)\n\t"
                     "movq $0x5a000007, -64(%%rsp)\n\t"
                     "movq $0x5a000008, -72(%%rsp)\n\t"
                     "movq $0x5a000009, -80(%%rsp)\n\t"
                     "movq $0x5a00000a, -88(%%rsp)\n\t"
                     "movq $0x5a00000b, -96(%%rsp)\n\t"
                     "movq $0x5a00000c, -104(%%rsp)\n\t"
                     "movq $0x5a00000d, -112(%%rsp)\n\t"
                     "movq $0x5a00000e, -120(%%rsp)\n\t"
                     "movq $0x5a00000f, -128(%%rsp)\n\t"
                     "1: decq %[spins]\n\t" /* dec leaves CF alone */
                     "jnz 1b\n\t"
                     "jnc 9f\n\t"
                     "cmp $0x1010101, %%rax\n\t"
                     "jne 9f\n\t"
                     "cmp $0x2020202, %%rbx\n\t"
                     "jne 9f\n\t"
                     "cmp $0x3030303, %%rcx\n\t"
                     "jne 9f\n\t"
                     "cmp $0x4040404, %%rdx\n\t"
                     "jne 9f\n\t"
                     "cmp $0x5050505, %%rsi\n\t"
                     "jne 9f\n\t"
                     "cmp $0x6060606, %%rdi\n\t"
                     "jne 9f\n\t"
                     "cmp $0x7070707, %%r8\n\t"
                     "jne 9f\n\t"
                     "cmp $0x8080808, %%r9\n\t"
                     "jne 9f\n\t"
                     "cmp $0x9090909, %%r10\n\t"
                     "jne 9f\n\t"
                     "cmp $0xa0a0a0a, %%r11\n\t"
                     "jne 9f\n\t"
                     "cmp $0xb0b0b0b, %%r12\n\t"
                     "jne 9f\n\t"
                     "cmp $0xc0c0c0c, %%r13\n\t"
                     "jne 9f\n\t"
                     "cmp $0xd0d0d0d, %%r14\n\t"
                     "jne 9f\n\t"
                     "cmp $0xe0e0e0e, %%r15\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000000, -8(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000001, -16(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000002, -24(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000003, -32(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000004, -40(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000005, -48(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000006, -56(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000007, -64(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000008, -72(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a000009, -80(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a00000a, -88(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a00000b, -96(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a00000c, -104(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a00000d, -112(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a00000e, -120(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "cmpq $0x5a00000f, -128(%%rsp)\n\t"
                     "jne 9f\n\t"
                     "movl $0, %[bad]\n\t"
                     "jmp 8f\n"
                     "9: movl $1, %[bad]\n"
                     "8:\n"
                     : [spins] "+m"(spins), [bad] "=m"(corrupted)
                     :
                     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
                       "r13", "r14", "r15", "cc", "memory");
}

int main(void)
{
    unsigned int bad_rounds = 0;

    TEST_EQ(events_init(), 0);
    gtimer_init(&ticker, tick, NULL);
    TEST_EQ(gtimer_arm(&ticker, monotonic_ns() + TIMER_GAP), 0);
    uint64_t before = events_upcall_count();
    for (unsigned int i = 0; i < ROUNDS; i++) {
        spin_with_known_state();
        if (corrupted)
            bad_rounds++;
    }
    uint64_t hits = events_upcall_count() - before;
    gtimer_cancel(&ticker);
    printf("upcall-regs: %u rounds, %lu upcalls, %u rounds with corrupted state\n", ROUNDS,
           (unsigned long)hits, bad_rounds);
    TEST_EQ(bad_rounds, 0);
    TEST_CHECK(hits >= MIN_HITS);
    return test_finish();
}
