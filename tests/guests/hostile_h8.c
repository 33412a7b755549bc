/*
 * hostile_h8.c - HOSTILE.md H8 (and the iret path of H14): returning to a
 * non-canonical or hypervisor address, or from a frame that cannot be read,
 * kills the domain cleanly; the hypervisor never faults on it.
 *
 * Command line: case=noncanonical | kernel | unreadable
 * Each case ends with the domain killed (the runner checks the report).
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/test.h>

/* Pushes the rip..ss part of an iret frame plus flags and jumps to the stub. */
static _Noreturn void iret_to(uint64_t rip, uint64_t rsp)
{
    __asm__ volatile(
        "push $%c[ss]\n\t"
        "push %[rsp]\n\t"
        "pushfq\n\t"
        "push $%c[cs]\n\t"
        "push %[rip]\n\t"
        "push $0\n\t"
        "jmp hypercall_page + 23 * 32"
        :
        : [ss] "i"(SKIFF_GUEST_SS), [cs] "i"(SKIFF_GUEST_CS), [rsp] "r"(rsp), [rip] "r"(rip)
        : "memory");
    __builtin_unreachable();
}

/* The stub pushes 24 bytes, then the hypervisor reads 72: past the end of RAM. */
static _Noreturn void iret_with_unreadable_frame(void)
{
    uint64_t top = start_info.mem_bytes;

    __asm__ volatile("mov %0, %%rsp\n\t"
                     "jmp hypercall_page + 23 * 32"
                     :
                     : "r"(top - 24)
                     : "memory");
    __builtin_unreachable();
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";
    uint64_t sp;

    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    printf("h8: %s\n", c);
    console_flush();
    if (strcmp(c, "case=noncanonical") == 0)
        iret_to(0x0000800000000000ull, sp);
    if (strcmp(c, "case=kernel") == 0)
        iret_to(0xffffffff80100000ull, sp);
    if (strcmp(c, "case=unreadable") == 0)
        iret_with_unreadable_frame();
    test_error("unknown case");
    return test_finish();
}
