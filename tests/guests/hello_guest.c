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
 *   mode=marker              print a marker saying whether output goes through the console ring
 *   mode=flood               print FLOOD_LINES lines of 80 bytes (> 64 KiB), then a done line
 *   mode=echo                wait (up to 20 s) for a line of console input, print it back
 *   mode=bad-ring            publish an impossible out_prod in its console ring, then print
 */
#include <stdio.h>
#include <string.h>

#include <public/io/console.h>
#include <skiff/console.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/time.h>

#define FLOOD_LINES  1600
#define ECHO_WAIT_NS (20ull * 1000000000ull)

static int say_hello(void)
{
    printf("hello from domain %u (%s), %lu MiB\n", start_info.domid, start_info.name,
           (unsigned long)(start_info.mem_bytes >> 20));
    return 0;
}

static const char *ring_or_not(void)
{
    return console_uses_ring() ? "through the ring" : "through console_io";
}

static int marker(void)
{
    printf("console marker %u: %s\n", start_info.domid, ring_or_not());
    return 0;
}

/* Each line is exactly 80 bytes: "flood NNNN " + 68 letters + newline. */
static int flood(void)
{
    char fill[69];

    for (unsigned int i = 0; i < FLOOD_LINES; i++) {
        for (unsigned int j = 0; j < 68; j++)
            fill[j] = (char)('a' + (i + j) % 26);
        fill[68] = '\0';
        printf("flood %04u %s\n", i, fill);
    }
    printf("flood done: %u lines %s\n", FLOOD_LINES, ring_or_not());
    return 0;
}

/* Reads one line of console input and prints it back. */
static int echo(void)
{
    char line[128];
    size_t len = 0;
    uint64_t deadline = monotonic_ns() + ECHO_WAIT_NS;

    printf("echo: waiting for a line\n");
    console_flush();
    while (monotonic_ns() < deadline) {
        char c;
        if (console_read(&c, 1) == 0) {
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        if (c == '\n') {
            line[len] = '\0';
            printf("echo: %s\n", line);
            return 0;
        }
        if (len + 1 < sizeof(line))
            line[len++] = c;
    }
    printf("echo: no input\n");
    return 1;
}

/* HOSTILE R2 against dom0: out_prod a ring and more ahead of out_cons. */
static int bad_ring(void)
{
    struct xencons_interface *r = (void *)(uintptr_t)start_info.console_page;
    struct evtchn_send send = {.port = start_info.console_port};

    if (!start_info.has_console) {
        printf("bad-ring: no console page\n");
        return 1;
    }
    __atomic_store_n(&r->out_prod, r->out_cons + 3 * XENCONS_OUT_SIZE, __ATOMIC_RELEASE);
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    printf("bad-ring: this line finds the ring full and goes through console_io\n");
    printf("bad-ring: output now goes %s\n", ring_or_not());
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
    if (strcmp(mode, "mode=marker") == 0)
        return marker();
    if (strcmp(mode, "mode=flood") == 0)
        return flood();
    if (strcmp(mode, "mode=echo") == 0)
        return echo();
    if (strcmp(mode, "mode=bad-ring") == 0)
        return bad_ring();
    if (strcmp(mode, "mode=spin") == 0)
        spin_forever();
    if (strcmp(mode, "mode=block") == 0)
        block_forever();
    if (strcmp(mode, "mode=crash") == 0)
        fault_unhandled();
    if (strcmp(mode, "mode=exec-data") == 0 || strcmp(mode, "mode=write-text") == 0 ||
        strcmp(mode, "mode=write-rodata") == 0)
        return forbidden_access(mode);
    printf("hello: unknown '%s' (mode=hello|spin|block|crash|exec-data|write-text|write-rodata|"
           "marker|flood|echo|bad-ring)\n",
           mode);
    return 1;
}
