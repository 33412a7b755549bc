/*
 * shell.c - dom0's first prompt on the hypervisor console: a handful of
 * commands (help, info, physinfo, selftest, poweroff, reboot, crash). The
 * toolstack's full CLI replaces it later. Input is polled with
 * CONSOLEIO_read; while waiting the domain yields.
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>

#include "dom0.h"

#define LINE_MAX 128

static size_t read_line(char *line, size_t size)
{
    size_t len = 0;

    for (;;) {
        char c;
        if (HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) != 1) {
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        if (c == '\r' || c == '\n') {
            printf("\n");
            line[len] = '\0';
            return len;
        }
        if ((c == 0x7f || c == '\b') && len > 0) {
            len--;
            printf("\b \b");
        } else if (c >= ' ' && c < 0x7f && len + 1 < size) {
            line[len++] = c;
            putchar(c);
        }
        console_flush();
    }
}

static void show_physinfo(void)
{
    struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_physinfo,
                              .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};
    long rc = HYPERVISOR_sysctl(&op);

    if (rc) {
        printf("physinfo: error %ld\n", rc);
        return;
    }
    printf("memory: %lu MiB total, %lu MiB free; heap %lu bytes\n",
           (unsigned long)(op.u.physinfo.total_pages >> 8),
           (unsigned long)(op.u.physinfo.free_pages >> 8), (unsigned long)op.u.physinfo.heap_used);
    printf("cpus: %u, TSC %u kHz, LAPIC timer %u kHz, %lu ticks\n", op.u.physinfo.nr_cpus,
           op.u.physinfo.cpu_khz, op.u.physinfo.lapic_khz,
           (unsigned long)op.u.physinfo.timer_ticks);
}

static void help(void)
{
    printf("commands:\n"
           "  help               this list\n"
           "  info               dom0's banner again\n"
           "  physinfo           memory, CPUs and timers of the machine\n"
           "  selftest <name>    run a self-test (\"selftest\" alone lists them)\n"
           "  poweroff | reboot  shut dom0 down (and with it the machine)\n"
           "  crash              crash dom0 on purpose (to see the report)\n");
}

/* Returns false when the shell should end. */
static bool run_command(char *line)
{
    char *arg = strchr(line, ' ');

    if (arg)
        *arg++ = '\0';
    if (line[0] == '\0')
        return true;
    if (strcmp(line, "help") == 0) {
        help();
    } else if (strcmp(line, "info") == 0) {
        dom0_banner();
    } else if (strcmp(line, "physinfo") == 0) {
        show_physinfo();
    } else if (strcmp(line, "selftest") == 0) {
        if (arg && *arg)
            dom0_selftest(arg);
        else
            dom0_list_selftests();
    } else if (strcmp(line, "poweroff") == 0) {
        return false;
    } else if (strcmp(line, "reboot") == 0) {
        guest_shutdown(SHUTDOWN_reboot);
    } else if (strcmp(line, "crash") == 0) {
        *(volatile int *)0 = 1;
    } else {
        printf("unknown command '%s' (try help)\n", line);
    }
    return true;
}

void dom0_shell(void)
{
    char line[LINE_MAX];

    printf("dom0: type 'help' for commands, 'poweroff' to stop\n");
    do {
        printf("skiff> ");
        console_flush();
        read_line(line, sizeof(line));
    } while (run_command(line));
}
