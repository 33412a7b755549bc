/*
 * start.c - guest_start(), the C entry of every guest-lib program (called by
 * arch/x86_64/entry.S): read the start info, register exception handlers,
 * give free memory to the page allocator, split the command line into argv,
 * run main() and shut down with its result.
 */
#include <stdio.h>
#include <string.h>

#include <skiff/console.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/traps.h>
#include <skiff/xenbus.h>

#define MAX_ARGS 32

struct skiff_start_info start_info;
struct shared_info *shared_info;

static char cmdline[SKIFF_CMDLINE_MAX];
static char *argv[MAX_ARGS + 2];

static void early_fail(const char *msg, const char *why)
{
    HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)strlen(msg), (char *)msg);
    HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)strlen(why), (char *)why);
    HYPERVISOR_console_io(CONSOLEIO_write, 1, "\n");
    guest_shutdown(SHUTDOWN_crash);
}

static void memory_init(void)
{
    for (unsigned int i = 0; i < start_info.nr_free; i++) {
        int rc = page_alloc_add_range(start_info.free[i].base, start_info.free[i].size);
        if (rc)
            printf("guest: ignoring free range %lx+%lx (%d)\n",
                   (unsigned long)start_info.free[i].base, (unsigned long)start_info.free[i].size,
                   rc);
    }
}

static int split_cmdline(void)
{
    int argc = 0;
    char *p = cmdline;

    strlcpy(cmdline, start_info.cmdline, sizeof(cmdline));
    argv[argc++] = start_info.name;
    while (*p && argc <= MAX_ARGS) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    argv[argc] = NULL;
    return argc;
}

int main(int argc, char **argv); /* provided by the program */
_Noreturn void guest_start(const void *start_info_fdt);
_Noreturn void guest_start(const void *start_info_fdt)
{
    const char *why = "";

    if (start_info_parse(start_info_fdt, SKIFF_START_INFO_MAX_SIZE, &start_info, &why))
        early_fail("guest-lib: bad start info: ", why);
    shared_info = (struct shared_info *)(uintptr_t)start_info.shared_info;
    console_init();
    if (traps_init())
        early_fail("guest-lib: ", "cannot register exception handlers");
    memory_init();
    xenbus_start(); /* domUs: the store ring, control/shutdown */
    int argc = split_cmdline();
    int rc = main(argc, argv);
    console_flush();
    console_wait_drained(CONSOLE_EXIT_DRAIN_MS);
    guest_shutdown(rc == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
