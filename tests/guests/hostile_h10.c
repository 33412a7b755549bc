/*
 * hostile_h10.c - HOSTILE.md H10/H14: an exception while the guest stack
 * pointer is non-canonical, in hypervisor space, unmapped or read-only: the
 * hypervisor checks the whole bounce frame before writing it and, failing
 * that, kills the domain (one defined outcome, no double injection).
 *
 * Command line: case=noncanonical | hypervisor | unmapped | readonly
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/test.h>

static _Noreturn void fault_with_stack(uint64_t sp)
{
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "ud2"
                     :
                     : "r"(sp)
                     : "memory");
    __builtin_unreachable();
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";

    printf("h10: %s\n", c);
    console_flush();
    if (strcmp(c, "case=noncanonical") == 0)
        fault_with_stack(0x0000800000001000ull);
    if (strcmp(c, "case=hypervisor") == 0)
        fault_with_stack(0xffffffff80110000ull);
    if (strcmp(c, "case=unmapped") == 0)
        fault_with_stack(0x800);
    if (strcmp(c, "case=readonly") == 0)
        fault_with_stack((uint64_t)(uintptr_t)__etext);
    test_error("unknown case");
    return test_finish();
}
