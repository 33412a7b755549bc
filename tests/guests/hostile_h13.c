/*
 * hostile_h13.c - HOSTILE.md H13: segment bases must be canonical guest
 * addresses; the FPU/SSE/AVX state a guest sets survives hypercalls,
 * exceptions and interrupts, and a new domain starts with the default FPU
 * control state (nothing left over from the hypervisor's boot).
 */
#include <errno.h>
#include <string.h>

#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/traps.h>

#include "guest_test.h"

extern uint64_t guest_tls_block[];

static void segment_bases(void)
{
    static const uint64_t bad[] = {0x0000800000000000ull, 0xffff800000000000ull,
                                   0xffffffff80000000ull, ~0ull};
    static uint64_t other_tls[8] = {0, 0x1111, 0x2222, 0x3333, 0x4444, 0xabcdef};
    uint64_t v;

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, bad[i]), -EINVAL);
        TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, bad[i]), -EINVAL);
    }
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0x1000), -EINVAL);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0), -EINVAL);
    /* A good FS base takes effect; then put guest-lib's TLS block back. */
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, (uint64_t)other_tls), 0);
    __asm__ volatile("mov %%fs:0x28, %0" : "=r"(v));
    TEST_EQ(v, 0xabcdef);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, (uint64_t)guest_tls_block), 0);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)other_tls), 0);
    __asm__ volatile("mov %%gs:0x8, %0" : "=r"(v));
    TEST_EQ(v, 0x1111);
}

static void fpu_defaults(void)
{
    uint32_t mxcsr;
    uint16_t fcw;

    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    TEST_EQ(mxcsr, 0x1f80);
    TEST_EQ(fcw, 0x37f);
}

/* Fills xmm0-15 with a pattern, lets the hypervisor run, checks them. */
static void sse_state_survives(void)
{
    uint8_t in[16 * 16] __attribute__((aligned(16))), out[16 * 16] __attribute__((aligned(16)));

    for (unsigned int i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 7 + 3);
    memset(out, 0, sizeof(out));
    __asm__ volatile("movdqa 0(%0), %%xmm0\n\t movdqa 16(%0), %%xmm1\n\t"
                     "movdqa 32(%0), %%xmm2\n\t movdqa 48(%0), %%xmm3\n\t"
                     "movdqa 64(%0), %%xmm4\n\t movdqa 80(%0), %%xmm5\n\t"
                     "movdqa 96(%0), %%xmm6\n\t movdqa 112(%0), %%xmm7\n\t"
                     "movdqa 128(%0), %%xmm8\n\t movdqa 144(%0), %%xmm9\n\t"
                     "movdqa 160(%0), %%xmm10\n\t movdqa 176(%0), %%xmm11\n\t"
                     "movdqa 192(%0), %%xmm12\n\t movdqa 208(%0), %%xmm13\n\t"
                     "movdqa 224(%0), %%xmm14\n\t movdqa 240(%0), %%xmm15\n\t"
                     /* a hypercall, an exception and interrupts, registers untouched */
                     "mov $17, %%eax\n\t xor %%edi, %%edi\n\t syscall\n\t"
                     "int3\n\t"
                     "mov $20000000, %%ecx\n 2: dec %%ecx\n\t jnz 2b\n\t"
                     "movdqa %%xmm0, 0(%1)\n\t movdqa %%xmm1, 16(%1)\n\t"
                     "movdqa %%xmm2, 32(%1)\n\t movdqa %%xmm3, 48(%1)\n\t"
                     "movdqa %%xmm4, 64(%1)\n\t movdqa %%xmm5, 80(%1)\n\t"
                     "movdqa %%xmm6, 96(%1)\n\t movdqa %%xmm7, 112(%1)\n\t"
                     "movdqa %%xmm8, 128(%1)\n\t movdqa %%xmm9, 144(%1)\n\t"
                     "movdqa %%xmm10, 160(%1)\n\t movdqa %%xmm11, 176(%1)\n\t"
                     "movdqa %%xmm12, 192(%1)\n\t movdqa %%xmm13, 208(%1)\n\t"
                     "movdqa %%xmm14, 224(%1)\n\t movdqa %%xmm15, 240(%1)\n\t"
                     :
                     : "r"(in), "r"(out)
                     : "rax", "rcx", "rdi", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
                       "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
                       "xmm14", "xmm15");
    TEST_CHECK(memcmp(in, out, sizeof(in)) == 0);
}

/* An #BP handler in assembly, so no C code can touch the SSE registers. */
volatile uint64_t int3_hits;
void int3_stub(void);
__asm__(".text\n"
        "int3_stub:\n\t"
        "pop %rcx\n\t"
        "pop %r11\n\t"
        "incq int3_hits(%rip)\n\t"
        "push $0\n\t"
        "jmp hypercall_page + 23 * 32\n");

static void install_int3_stub(void)
{
    struct trap_info t[2];

    memset(t, 0, sizeof(t));
    t[0].vector = 3;
    t[0].address = (uint64_t)int3_stub;
    TEST_EQ(HYPERVISOR_set_trap_table(t), 0);
}

int main(void)
{
    fpu_defaults();
    segment_bases();
    install_int3_stub();
    sse_state_survives();
    TEST_EQ(int3_hits, 1);
    return test_finish();
}
