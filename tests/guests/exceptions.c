/*
 * exceptions.c - every exception a guest can raise reaches its handler with
 * the right vector, error code and (for #PF) cr2, including #PF at NULL, in
 * hypervisor memory, on read-only text and on non-executable data, #DB
 * through the IST path, and the SIMD and x87 errors.
 */
#include <stdio.h>

#include <skiff/guest.h>
#include <skiff/test.h>

#include "guest_test.h"

int main(int argc, char **argv);

#define PF_P 1
#define PF_W 2
#define PF_U 4
#define PF_I 16

static uint8_t data_page[4096] __attribute__((aligned(4096))) = {0xc3}; /* ret, but NX */

static void arithmetic_and_opcodes(void)
{
    TEST_EQ(TRY("xor %%edx, %%edx; mov $1, %%eax; xor %%ecx, %%ecx; div %%ecx"), 0);
    TEST_EQ(TRY("ud2"), 6);
    TEST_EQ(TRY("int3"), 3);
    TEST_EQ(TRY(".byte 0xce"), 6); /* into does not exist in 64-bit mode */
    TEST_EQ(TRY("movabs $0x0000800000000000, %%rax; mov (%%rax), %%rax"), 13);
}

static void page_faults(void)
{
    TEST_EQ(TRY("mov 0, %%rax"), 14);
    TEST_EQ(caught.cr2, 0);
    TEST_EQ(caught.error_code, PF_U);

    TEST_EQ(TRY("movq $1, 0x18"), 14);
    TEST_EQ(caught.cr2, 0x18);
    TEST_EQ(caught.error_code, PF_U | PF_W);

    /* Machine memory through the hypervisor's direct map: present, supervisor only. */
    TEST_EQ(TRY("movabs $0xffff800000200000, %%rax; mov (%%rax), %%rax"), 14);
    TEST_EQ(caught.cr2, 0xffff800000200000ull);
    TEST_EQ(caught.error_code, PF_U | PF_P);

    TEST_EQ(TRY("movabs $0xffff800000000000, %%rax; movb $1, (%%rax)"), 14);
    TEST_EQ(caught.cr2, 0xffff800000000000ull);
    TEST_EQ(caught.error_code, PF_U | PF_P | PF_W);

    TEST_EQ(TRY("lea main(%%rip), %%rax; movb $0x90, (%%rax)"), 14);
    TEST_EQ(caught.cr2, (uint64_t)main);
    TEST_EQ(caught.error_code, PF_U | PF_P | PF_W);

    TEST_EQ(TRY("lea data_page(%%rip), %%rax; call *%%rax"), 14);
    TEST_EQ(caught.cr2, (uint64_t)data_page);
    TEST_EQ(caught.error_code, PF_U | PF_P | PF_I);
}

static void page_fault_above_ram(void)
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)start_info.mem_bytes;

    recover_rip = 0;
    caught.vector = NO_EXCEPTION;
    __asm__ volatile("lea 1f(%%rip), %%rax\n\t"
                     "mov %%rax, recover_rip(%%rip)\n\t"
                     "mov (%0), %%rax\n"
                     "1:\n\t"
                     "movq $0, recover_rip(%%rip)"
                     :
                     : "r"(p)
                     : "rax", "memory");
    TEST_EQ(caught.vector, 14);
    TEST_EQ(caught.cr2, (uint64_t)(uintptr_t)p);
    TEST_EQ(caught.error_code, PF_U);
}

static void debug_and_simd(void)
{
    /* TF set: #DB after the next instruction, through the hypervisor's IST path. */
    TEST_EQ(TRY("pushfq; orq $0x100, (%%rsp); popfq; nop; nop"), 1);
    /* Unmasked SSE divide by zero: #XM. */
    uint32_t mxcsr = 0x1f80 & ~0x200u, mxcsr_default = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    unsigned int v = TRY("xorps %%xmm0, %%xmm0; mov $1, %%eax; cvtsi2ss %%eax, %%xmm1;"
                         "divss %%xmm0, %%xmm1");
    if (v == NO_EXCEPTION)
        printf("note: this CPU did not raise #XM (QEMU's TCG does not emulate SIMD exceptions)\n");
    else
        TEST_EQ(v, 19);
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr_default));
    /* Unmasked x87 divide by zero: #MF at the next x87 instruction. */
    uint16_t fcw = 0x37f & ~0x4u;
    __asm__ volatile("fninit; fldcw %0" : : "m"(fcw));
    TEST_EQ(TRY("fldz; fld1; fdivp; fwait"), 16);
    __asm__ volatile("fninit");
}

int main(int argc, char **argv)
{
    catch_exceptions();
    arithmetic_and_opcodes();
    page_faults();
    page_fault_above_ram();
    debug_and_simd();
    return test_finish();
}
