/*
 * hostile_h11.c - HOSTILE.md H11: exception handlers are validated when they
 * are registered (nothing changes unless every entry is good), software
 * interrupts reach a handler only when its DPL allows ring 3, and an
 * exception with no handler kills the domain.
 *
 * Command line: case=registration (result line) | case=no-handler (killed)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/test.h>
#include <skiff/traps.h>

#include "guest_test.h"

int main(int argc, char **argv);

volatile uint64_t int80_hits;
void int80_stub(void);
__asm__(".text\n"
        "int80_stub:\n\t"
        "pop %rcx\n\t"
        "pop %r11\n\t"
        "incq int80_hits(%rip)\n\t"
        "push $0\n\t"
        "jmp hypercall_page + 23 * 32\n");

static long register_one(unsigned int vector, unsigned int flags, uint64_t address)
{
    struct trap_info t[2];

    memset(t, 0, sizeof(t));
    t[0].vector = (uint8_t)vector;
    t[0].flags = (uint8_t)flags;
    t[0].address = address;
    return HYPERVISOR_set_trap_table(t);
}

static void bad_addresses_refused(void)
{
    static uint64_t data_word;

    TEST_EQ(register_one(6, 0, 0x0000800000000000ull), -EINVAL);
    TEST_EQ(register_one(6, 0, 0xffffffff80100000ull), -EINVAL);
    TEST_EQ(register_one(6, 0, 0x10), -EINVAL);
    TEST_EQ(register_one(6, 0, (uint64_t)&data_word), -EINVAL); /* not executable */
    TEST_EQ(register_one(6, 0, start_info.mem_bytes + 4096), -EINVAL);
    /* The handlers guest-lib registered are still in place. */
    TEST_EQ(TRY("ud2"), 6);
}

static void table_without_terminator(void)
{
    struct trap_info *t = calloc(258, sizeof(*t));

    if (!t) {
        test_error("out of memory");
        return;
    }
    for (unsigned int i = 0; i < 258; i++) {
        t[i].vector = (uint8_t)(i < 22 ? i : 200);
        t[i].address = (uint64_t)int80_stub;
    }
    TEST_EQ(HYPERVISOR_set_trap_table(t), -EINVAL); /* no terminator in 256 */
    TEST_EQ(TRY("ud2"), 6);                         /* and nothing changed */
    t[256].address = 0;
    TEST_EQ(HYPERVISOR_set_trap_table(t + 1), 0); /* 255 entries + terminator */
    free(t);
    TEST_EQ(traps_init(), 0);
}

static void software_interrupts(void)
{
    TEST_EQ(register_one(0x80, 3, (uint64_t)int80_stub), 0);
    uint64_t before = int80_hits;
    TEST_EQ(TRY("int $0x80"), NO_EXCEPTION);
    TEST_EQ(int80_hits, before + 1);
    /* Not registered: #GP with the IDT error code (vector << 3 | 2). */
    TEST_EQ(TRY("int $0x81"), 13);
    /* IDT error code: vector * 8 + 2 on hardware, vector * 16 + 2 under QEMU's TCG. */
    TEST_CHECK(caught.error_code == ((0x81 << 3) | 2) || caught.error_code == ((0x81 << 4) | 2));
    /* Registered but DPL 0: ring 3 may not raise it. */
    TEST_EQ(register_one(0x82, 0, (uint64_t)int80_stub), 0);
    TEST_EQ(TRY("int $0x82"), 13);
    TEST_EQ(int80_hits, before + 1);
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";

    catch_exceptions();
    if (strcmp(c, "case=no-handler") == 0) {
        TEST_EQ(HYPERVISOR_set_trap_table(NULL), 0);
        __asm__ volatile("ud2");
        test_error("survived an exception without a handler");
        return test_finish();
    }
    bad_addresses_refused();
    table_without_terminator();
    software_interrupts();
    return test_finish();
}
