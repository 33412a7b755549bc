/*
 * hello_guest.c - the small domU that dom0's builder self-tests start from
 * the boot store (hello.elf). Its command line picks what it does:
 *   (nothing) or mode=hello  print a hello line with its domid, power off
 *   mode=spin                run forever (a domain destroyed while running)
 *   mode=block               SCHEDOP_block with no event ever coming
 *   mode=crash               fault with no exception handler: the hypervisor kills it
 *   mode=exec-data           jump into its data: must fault (NX), so it crashes
 *   mode=write-text          write to its own code: must fault (read-only), so it crashes
 *   mode=write-rodata        write to its read-only data: must fault, so it crashes
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>

static int say_hello(void)
{
    printf("hello from domain %u (%s), %lu MiB\n", start_info.domid, start_info.name,
           (unsigned long)(start_info.mem_bytes >> 20));
    return 0;
}

static _Noreturn void spin_forever(void)
{
    for (volatile unsigned long n = 0;; n++)
        ;
}

static _Noreturn void block_forever(void)
{
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

static _Noreturn void fault_unhandled(void)
{
    HYPERVISOR_set_trap_table(NULL); /* no handlers: the next fault kills us */
    __asm__ volatile("ud2");
    for (;;)
        ;
}

/* A `ret` instruction in writable data. */
static unsigned char data_code[16] = {0xc3};
static const char rodata[16] = "read only";

/* Each of these must fault; if the access succeeds the guest says so and powers off. */
static int forbidden_access(const char *mode)
{
    if (strcmp(mode, "mode=exec-data") == 0)
        ((void (*)(void))(uintptr_t)data_code)();
    else if (strcmp(mode, "mode=write-text") == 0)
        *(volatile unsigned char *)__image_start = 0xc3;
    else
        *(volatile char *)(uintptr_t)rodata = 'R';
    printf("hello: %s was allowed\n", mode);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "mode=hello";

    if (strcmp(mode, "mode=hello") == 0)
        return say_hello();
    if (strcmp(mode, "mode=spin") == 0)
        spin_forever();
    if (strcmp(mode, "mode=block") == 0)
        block_forever();
    if (strcmp(mode, "mode=crash") == 0)
        fault_unhandled();
    if (strcmp(mode, "mode=exec-data") == 0 || strcmp(mode, "mode=write-text") == 0 ||
        strcmp(mode, "mode=write-rodata") == 0)
        return forbidden_access(mode);
    printf("hello: unknown '%s' (mode=hello|spin|block|crash|exec-data|write-text|write-rodata)\n",
           mode);
    return 1;
}
