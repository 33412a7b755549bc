/*
 * shell.c - dom0's prompt on the hypervisor console: reads a line and runs
 * it (help, info, physinfo, uptime, store, create, list, destroy, shutdown,
 * reboot, pause, unpause, selftest, run, poweroff, crash; the xl-like verbs
 * live in cli.c). Input is polled with CONSOLEIO_read; while waiting the
 * domain yields, so the domains it started run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>

#include "consoled.h"
#include "dom0.h"
#include "domctl.h"
#include "drivers.h"

#define SHELL_LINE_MAX 256
#define POLL_INPUT_MS  10

static size_t read_line(char *line, size_t size)
{
    size_t len = 0;

    for (;;) {
        char c;
        if (HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) != 1) {
            lifecycle_sleep_ms(POLL_INPUT_MS); /* and carry out on_* actions meanwhile */
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
    printf("commands (<dom> is a domain name or id):\n"
           "  help               this list\n"
           "  info               the hypervisor, CPUs, memory, scheduler\n"
           "  physinfo           memory, CPUs and timers of the machine in detail\n"
           "  uptime             time since boot\n"
           "  dmesg              the hypervisor's recent console output\n"
           "  store | ls         the files in the boot store (images, configs, scripts)\n"
           "  create [-c] <file.cfg>  build and start a domain from an xl config in the\n"
           "                     store (-c: then attach to its console)\n"
           "  create <image> [name=N] [memory=MiB] [max_grant_frames=N] [-- guest command line]\n"
           "                     build and start a domain from a boot-store image\n"
           "  list               the domains: Name, ID, Mem, VCPUs, State, Time(s)\n"
           "  destroy <dom>      destroy a domain at once\n"
           "  shutdown <dom>     shut a domain down (poweroff)\n"
           "  reboot <dom>       shut a domain down with reason reboot\n"
           "  pause <dom>        stop running a domain; unpause <dom> goes on\n"
           "  xenstore-ls [path] the store as a tree; xenstore-read <path>,\n"
           "                     xenstore-write <path> <value>, xenstore-rm <path>\n"
           "  console <dom>      a domain's console output; typed lines go to it (Ctrl-] ends)\n"
           "  block-attach <dom> <backing>,raw,<vdev>[,ro|rw]\n"
           "                     give a domain a disk: backing is a dom0 device (vda),\n"
           "                     a range of one (vda:<first>+<sectors>) or ram:<size>\n"
           "  block-detach <dom> <vdev>   take it away; block-list <dom> shows them\n"
           "  block-devices      dom0's block devices (what disks can sit on)\n"
           "  selftest <name>    run a self-test (\"selftest\" alone lists them)\n"
           "  run <file>         run the commands in a boot-store file\n"
           "  sleep <ms>         wait (domains run; on_* actions are carried out)\n"
           "  poweroff           shut dom0 down (and with it the machine)\n"
           "  crash              crash dom0 on purpose (to see the report)\n");
}

/* Cuts the next space-separated word off *p; NULL when none is left. */
static char *next_word(char **p)
{
    char *w = *p;

    while (*w == ' ')
        w++;
    if (*w == '\0')
        return NULL;
    char *end = strchr(w, ' ');
    if (end) {
        *end = '\0';
        *p = end + 1;
    } else {
        *p = w + strlen(w);
    }
    return w;
}

static bool parse_number(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return false;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

/* One create option (name=N, memory=MiB, max_grant_frames=N); false with a message if bad. */
static bool create_option(char *w, struct domain_spec *spec)
{
    unsigned long mib;

    if (strncmp(w, "name=", 5) == 0) {
        spec->name = w + 5;
        return true;
    }
    if (strncmp(w, "memory=", 7) == 0) {
        if (!parse_number(w + 7, DOMAINS_MAX_MEM_MIB, &mib) || mib == 0) {
            printf("create: bad memory '%s' (MiB, 1 to %u)\n", w + 7, DOMAINS_MAX_MEM_MIB);
            return false;
        }
        spec->mem_mib = mib;
        return true;
    }
    if (strncmp(w, "max_grant_frames=", 17) == 0) {
        if (!parse_number(w + 17, SKIFF_GNTTAB_MAX_FRAMES, &mib) || mib == 0) {
            printf("create: bad max_grant_frames '%s' (1 to %u)\n", w + 17,
                   SKIFF_GNTTAB_MAX_FRAMES);
            return false;
        }
        spec->max_grant_frames = (unsigned int)mib;
        return true;
    }
    printf("create: unknown option '%s' (name=N, memory=MiB, max_grant_frames=N, -- command "
           "line)\n",
           w);
    return false;
}

/* create <image> [name=N] [memory=MiB] [max_grant_frames=N] [-- guest command line] */
static void cmd_create(char *args)
{
    struct domain_spec spec = {.mem_mib = DOMAINS_DEFAULT_MEM_MIB};
    const char *why;
    domid_t id;
    char *w;

    spec.image = args ? next_word(&args) : NULL;
    if (!spec.image || strcmp(spec.image, "--") == 0) {
        printf("create: usage: create <image> [name=N] [memory=MiB] [max_grant_frames=N] [-- "
               "command line]\n");
        return;
    }
    while ((w = next_word(&args)) != NULL) {
        if (strcmp(w, "--") == 0) {
            spec.cmdline = args;
            break;
        }
        if (!create_option(w, &spec))
            return;
    }
    if (domains_create(&spec, &id, &why) == 0)
        printf("create: domain %u started from %s (%lu MiB)\n", id, spec.image,
               (unsigned long)spec.mem_mib);
}

/* "x.cfg", "-c x.cfg" or "x.cfg -c" (xl create's -c: attach to its console). */
static bool is_config_create(const char *arg)
{
    size_t n = strlen(arg);

    if (strncmp(arg, "-c ", 3) == 0)
        arg += 3, n -= 3;
    else if (n > 3 && strcmp(arg + n - 3, " -c") == 0)
        n -= 3;
    return n > 4 && strncmp(arg + n - 4, ".cfg", 4) == 0 && !memchr(arg, ' ', n);
}

static void attach(domid_t id)
{
    consoled_attach(id, cli_interactive());
}

/* create [-c] <file.cfg> [-c] */
static void create_from_config(char *arg)
{
    bool console = false;
    size_t n = strlen(arg);
    domid_t id;

    if (strncmp(arg, "-c ", 3) == 0) {
        console = true;
        arg += 3;
    } else if (n > 3 && strcmp(arg + n - 3, " -c") == 0) {
        console = true;
        arg[n - 3] = '\0';
    }
    if (cli_create_from_config(arg, &id) == 0 && console)
        attach(id);
}

/* console <dom>: by name or id. */
static void attach_console(const char *arg)
{
    domid_t id;

    if (!arg || !*arg) {
        printf("console: missing domain (name or id)\n");
        return;
    }
    if (cli_find_domain(arg, &id)) {
        printf("console: no domain '%s'\n", arg);
        return;
    }
    if (id == 0) {
        printf("console: dom0 has no console of its own (its output is this one)\n");
        return;
    }
    attach(id);
}

/* Returns false when the shell should end. */
bool dom0_run_command(char *line)
{
    char *arg = strchr(line, ' ');

    if (arg)
        *arg++ = '\0';
    if (line[0] == '\0')
        return true;
    if (strcmp(line, "help") == 0) {
        help();
    } else if (strcmp(line, "info") == 0) {
        cli_info();
    } else if (strcmp(line, "physinfo") == 0) {
        show_physinfo();
    } else if (strcmp(line, "store") == 0 || strcmp(line, "ls") == 0) {
        store_print();
    } else if (strcmp(line, "create") == 0 && arg && is_config_create(arg)) {
        create_from_config(arg);
    } else if (strcmp(line, "create") == 0) {
        cmd_create(arg);
    } else if (strcmp(line, "list") == 0) {
        cli_list();
    } else if (strcmp(line, "uptime") == 0) {
        cli_uptime();
    } else if (strcmp(line, "dmesg") == 0) {
        cli_dmesg();
    } else if (strcmp(line, "block-devices") == 0) {
        drivers_print_block_devices(); /* drivers/drivers.c */
    } else if (strcmp(line, "sleep") == 0) {
        unsigned long ms;
        if (arg && parse_number(arg, 600000, &ms))
            lifecycle_sleep_ms((unsigned int)ms);
        else
            printf("sleep: usage: sleep <milliseconds> (at most 600000)\n");
    } else if (strcmp(line, "run") == 0) {
        if (arg && *arg)
            cli_run_store_script(arg);
        else
            printf("run: missing file (a script in the boot store)\n");
    } else if (store_nodes_command(line, arg)) {
        /* done */
    } else if (cli_domain_verb(line, arg)) {
        /* done */
    } else if (cli_block_command(line, arg)) {
        /* done */
    } else if (strcmp(line, "console") == 0) {
        attach_console(arg);
    } else if (strcmp(line, "selftest") == 0) {
        if (arg && *arg)
            dom0_selftest(arg);
        else
            dom0_list_selftests();
    } else if (strcmp(line, "poweroff") == 0) {
        return false;
    } else if (strcmp(line, "crash") == 0) {
        *(volatile int *)0 = 1;
    } else {
        printf("unknown command '%s' (try help)\n", line);
    }
    return true;
}

void dom0_shell(void)
{
    char line[SHELL_LINE_MAX];

    printf("dom0: type 'help' for commands, 'poweroff' to stop\n");
    do {
        printf("skiff> ");
        console_flush();
        read_line(line, sizeof(line));
    } while (dom0_run_command(line));
}
