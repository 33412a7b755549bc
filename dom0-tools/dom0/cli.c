/*
 * cli.c - dom0's xl-like commands on domains: list (xl's columns), create
 * from a config file in the boot store, destroy, shutdown, reboot, pause,
 * unpause (domains by name or id), info and uptime; and running a script of
 * commands unattended (the "exec" boot module, or run=<file in the store>).
 * Bad input gets one line saying what is wrong and changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/time.h>

#include "config.h"
#include "dom0.h"
#include "domctl.h"

#define SCRIPT_LINE_MAX 256

/* ---- naming domains ---- */

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int cli_find_domain(const char *what, domid_t *id)
{
    struct skiff_domctl_getdomaininfo info;

    if (!what || !*what)
        return -EINVAL;
    if (all_digits(what)) {
        unsigned long n = strtoul(what, NULL, 10);
        if (n >= DOMID_FIRST_RESERVED || domctl_getinfo_of((domid_t)n, &info))
            return -ESRCH;
        *id = (domid_t)n;
        return 0;
    }
    for (domid_t d = 0; domctl_getinfo(d, &info) == 0; d = info.domid + 1) {
        if (strncmp(info.name, what, sizeof(info.name)) == 0) {
            *id = info.domid;
            return 0;
        }
    }
    return -ESRCH;
}

/* The domain a command names, or a printed error; false if there is none. */
static bool domain_arg(const char *cmd, const char *arg, domid_t *id)
{
    int rc = cli_find_domain(arg, id);

    if (rc == -EINVAL)
        printf("%s: missing domain (name or id)\n", cmd);
    else if (rc)
        printf("%s: no domain '%s'\n", cmd, arg);
    return rc == 0;
}

/* ---- list ---- */

static char state_letter(const struct skiff_domctl_getdomaininfo *i, uint32_t flag, char c)
{
    return (i->flags & flag) ? c : '-';
}

void cli_list(void)
{
    struct skiff_domctl_getdomaininfo info;

    printf("%-32s %5s %5s %5s %8s %10s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
    for (domid_t d = 0; domctl_getinfo(d, &info) == 0; d = info.domid + 1) {
        bool down = info.flags & SKIFF_DOMINF_shutdown;
        bool crashed = down && info.shutdown_reason == SHUTDOWN_crash;
        char state[7] = {state_letter(&info, SKIFF_DOMINF_running, 'r'),
                         state_letter(&info, SKIFF_DOMINF_blocked, 'b'),
                         state_letter(&info, SKIFF_DOMINF_paused, 'p'),
                         (down && !crashed) ? 's' : '-',
                         crashed ? 'c' : '-',
                         '-',
                         '\0'};
        uint64_t ds = info.cpu_time_ns / 100000000; /* tenths of a second */
        printf("%-32s %5u %5lu %5u %8s %8lu.%lu\n", info.name, info.domid,
               (unsigned long)(info.tot_pages >> 8), info.nr_vcpus, state, (unsigned long)(ds / 10),
               (unsigned long)(ds % 10));
    }
}

/* ---- create from a config file ---- */

static struct domain_config cfg; /* large: not on the stack */
static struct config_report report;

int cli_create_from_config(const char *file, domid_t *created)
{
    struct ustar_entry e;
    const char *why;
    domid_t id;
    int rc;

    rc = store_find(file, &e, &why);
    if (rc) {
        printf("create: %s: %s\n", file, why);
        return rc;
    }
    rc = config_parse(file, e.data, e.size, &cfg, &report);
    for (unsigned int i = 0; i < report.nr_warnings; i++)
        printf("%s\n", report.warnings[i]);
    if (rc) {
        printf("create: %s\n", report.error);
        return rc;
    }
    if (cfg.vcpus != 1) {
        printf("create: %s: vcpus = %u: Skiff domains have one vCPU so far\n", file, cfg.vcpus);
        return -EINVAL;
    }
    if (cfg.nr_vifs)
        printf("create: %s: note: vif entries are kept for the network driver (not yet "
               "connected)\n",
               file);
    struct domain_spec spec = {.image = cfg.kernel,
                               .name = cfg.name,
                               .mem_mib = cfg.memory_mib,
                               .cmdline = cfg.cmdline[0] ? cfg.cmdline : NULL,
                               .paused = cfg.nr_disks > 0}; /* disks attached before it runs */
    rc = domains_create(&spec, &id, &why);
    for (unsigned int i = 0; rc == 0 && i < cfg.nr_disks; i++) {
        rc = cli_attach_disk(id, &cfg.disks[i]);
        if (rc) {
            printf("create: %s: disk %u failed; domain %u destroyed\n", file, i + 1, id);
            domctl_destroy(id);
        }
    }
    if (rc == 0 && cfg.nr_disks)
        rc = domctl_unpause(id);
    if (rc == 0) {
        printf("create: domain %u (%s) started from %s (%lu MiB)\n", id, cfg.name, cfg.kernel,
               (unsigned long)cfg.memory_mib);
        lifecycle_manage(id, &cfg);
        if (created)
            *created = id;
    }
    return rc;
}

/* ---- verbs on one domain ---- */

static int remote_shutdown(domid_t id, unsigned int reason)
{
    struct sched_remote_shutdown r = {.domain_id = id, .reason = reason};

    return (int)HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r);
}

#define SHUTDOWN_ACK_MS 3000

/*
 * xl's way: a guest that advertises control/feature-<request> = "1" is asked
 * through control/shutdown and shuts itself down; one without the PV
 * control interface, or that does not acknowledge in SHUTDOWN_ACK_MS, is
 * shut down by the hypervisor (one line says so).
 */
static int graceful_shutdown(const char *cmd, domid_t id, const char *request, unsigned int reason)
{
    int rc = store_nodes_request_shutdown(id, request);
    bool asked = rc == 0;

    if (asked && store_nodes_shutdown_acked(id, SHUTDOWN_ACK_MS)) {
        printf("%s: domain %u acknowledged control/shutdown\n", cmd, id);
        return 0;
    }
    rc = remote_shutdown(id, reason);
    if (rc == 0 && asked)
        printf("%s: domain %u did not acknowledge control/shutdown in %u ms; the hypervisor "
               "shut it down\n",
               cmd, id, SHUTDOWN_ACK_MS);
    else if (rc == 0)
        printf("%s: domain %u has no PV control interface; the hypervisor shut it down\n", cmd, id);
    return rc;
}

static void report_rc(const char *cmd, const char *arg, int rc)
{
    if (rc == -EINVAL)
        printf("%s: not for domain '%s' (dom0 itself, or in the wrong state)\n", cmd, arg);
    else if (rc == -ESRCH)
        printf("%s: no domain '%s'\n", cmd, arg);
    else if (rc)
        printf("%s: domain '%s': error %d\n", cmd, arg, rc);
}

/* destroy, shutdown, reboot, pause, unpause <dom>. true if cmd was one of them. */
bool cli_domain_verb(const char *cmd, const char *arg)
{
    domid_t id;
    int rc;

    if (strcmp(cmd, "destroy") && strcmp(cmd, "shutdown") && strcmp(cmd, "reboot") &&
        strcmp(cmd, "pause") && strcmp(cmd, "unpause"))
        return false;
    if (!domain_arg(cmd, arg, &id))
        return true;
    if (id == 0) {
        printf("%s: not for dom0 itself (use poweroff)\n", cmd);
        return true;
    }
    if (strcmp(cmd, "destroy") == 0) {
        rc = domctl_destroy(id);
        if (rc == 0)
            lifecycle_forget(id);
    } else if (strcmp(cmd, "shutdown") == 0)
        rc = graceful_shutdown(cmd, id, "poweroff", SHUTDOWN_poweroff);
    else if (strcmp(cmd, "reboot") == 0)
        rc = graceful_shutdown(cmd, id, "reboot", SHUTDOWN_reboot);
    else if (strcmp(cmd, "pause") == 0)
        rc = domctl_pause(id);
    else
        rc = domctl_unpause(id);
    report_rc(cmd, arg, rc);
    return true;
}

/* ---- info, uptime ---- */

void cli_info(void)
{
    struct skiff_sysctl_physinfo pi;
    char extra[XEN_EXTRAVERSION_LEN] = "";
    long ver = HYPERVISOR_xen_version(XENVER_version, NULL);

    HYPERVISOR_xen_version(XENVER_extraversion, extra);
    printf("%-16s: %s\n", "host", "Skiff (QEMU or bare metal), x86_64");
    printf("%-16s: %s (ABI %ld.%ld%s)\n", "hypervisor", start_info.hv_version, ver >> 16,
           ver & 0xffff, extra);
    if (domctl_physinfo(&pi) == 0) {
        printf("%-16s: %u\n", "nr_cpus", pi.nr_cpus);
        printf("%-16s: %u\n", "cpu_mhz", pi.cpu_khz / 1000);
        printf("%-16s: %lu\n", "total_memory", (unsigned long)(pi.total_pages >> 8));
        printf("%-16s: %lu\n", "free_memory", (unsigned long)(pi.free_pages >> 8));
    }
    printf("%-16s: %s\n", "xen_scheduler", "credit");
    printf("%-16s: %d\n", "domains", domains_count());
}

void cli_uptime(void)
{
    uint64_t s = monotonic_ns() / NSEC_PER_SEC;

    printf("up %lu:%02lu:%02lu, %d domains\n", (unsigned long)(s / 3600),
           (unsigned long)(s / 60 % 60), (unsigned long)(s % 60), domains_count());
}

/* ---- dmesg ---- */

static int read_console(uint64_t *index, char *buf, uint32_t size, uint32_t *got, uint64_t *head)
{
    struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_readconsole,
                              .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};
    int rc;

    op.u.readconsole.buffer = buf;
    op.u.readconsole.count = size;
    op.u.readconsole.index = *index;
    rc = (int)HYPERVISOR_sysctl(&op);
    if (rc == 0) {
        *got = op.u.readconsole.count;
        *index = op.u.readconsole.index;
        *head = op.u.readconsole.head;
    }
    return rc;
}

/* The hypervisor's recent console output, read once up to where it was when we started. */
void cli_dmesg(void)
{
    static char buf[1024];
    uint64_t index = 0, head, end = 0;
    uint32_t got;
    bool first = true;

    do {
        if (read_console(&index, buf, sizeof(buf), &got, &head)) {
            printf("dmesg: cannot read the hypervisor's console\n");
            return;
        }
        if (first) {
            end = head;
            printf("dmesg: the last %lu of %lu bytes the hypervisor console printed:\n",
                   (unsigned long)(head - (index - got)), (unsigned long)head);
            first = false;
        }
        if (index > end)
            got -= (uint32_t)(index - end);
        printf("%.*s", (int)got, buf);
    } while (got > 0 && index < end);
    printf("dmesg: end\n");
}

/* ---- scripts ---- */

/* Runs each line (or ';'-separated part) of text as a prompt command, echoed. */
static unsigned int script_depth;

bool cli_interactive(void)
{
    return script_depth == 0;
}

static void run_script_lines(const char *text, size_t len);

void cli_run_script(const char *text, size_t len)
{
    script_depth++;
    run_script_lines(text, len);
    script_depth--;
}

static void run_script_lines(const char *text, size_t len)
{
    char line[SCRIPT_LINE_MAX];
    size_t n = 0;

    for (size_t i = 0; i <= len; i++) {
        char c = i < len ? text[i] : '\n';
        if (c == '\n' || c == ';' || c == '\0') {
            line[n] = '\0';
            char *cmd = line;
            while (*cmd == ' ' || *cmd == '\t' || *cmd == '\r')
                cmd++;
            size_t l = strlen(cmd);
            while (l && (cmd[l - 1] == ' ' || cmd[l - 1] == '\r'))
                cmd[--l] = '\0';
            n = 0;
            if (!*cmd || *cmd == '#')
                continue;
            lifecycle_service();
            printf("skiff> %s\n", cmd);
            if (!dom0_run_command(cmd))
                return;
            continue;
        }
        if (n + 1 < sizeof(line))
            line[n++] = c;
    }
}

int cli_run_store_script(const char *file)
{
    struct ustar_entry e;
    const char *why;
    int rc = store_find(file, &e, &why);

    if (rc) {
        printf("run: %s: %s\n", file, why);
        return rc;
    }
    cli_run_script(e.data, e.size);
    return 0;
}
