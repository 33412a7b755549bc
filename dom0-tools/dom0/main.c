/*
 * main.c - the control domain's entry: print the banner, then run the
 * self-test its command line names (selftest=<name>) and power off; or run
 * a script of prompt commands (a boot module named "exec", as
 * `./skiff run --exec` passes it, or run=<file in the boot store>) and power
 * off; or offer the console prompt, after running boot=<file in the boot
 * store> if it is given (./skiff run starts its demo guests that way).
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>

#include "consoled.h"
#include "dom0.h"
#include "drivers.h"
#include "vbd.h"
#include "xenstored.h"

void dom0_banner(void)
{
    char extra[XEN_EXTRAVERSION_LEN] = "";
    long ver = HYPERVISOR_xen_version(XENVER_version, NULL);

    HYPERVISOR_xen_version(XENVER_extraversion, extra);
    printf("dom0: Skiff control domain up (domid %u, %lu MiB, hypervisor %s, ABI %ld.%ld%s)\n",
           start_info.domid, (unsigned long)(start_info.mem_bytes >> 20), start_info.hv_version,
           ver >> 16, ver & 0xffff, extra);
    for (unsigned int i = 0; i < start_info.nr_modules; i++)
        printf("dom0: module %u: %lu bytes at 0x%lx \"%s\"\n", i,
               (unsigned long)start_info.modules[i].size, (unsigned long)start_info.modules[i].base,
               start_info.modules[i].cmdline);
}

/* The boot module whose command line is "exec": commands to run unattended. */
static bool run_exec_module(void)
{
    for (unsigned int i = 0; i < start_info.nr_modules; i++) {
        if (strcmp(start_info.modules[i].cmdline, "exec") == 0) {
            cli_run_script((const char *)(uintptr_t)start_info.modules[i].base,
                           (size_t)start_info.modules[i].size);
            return true;
        }
    }
    return false;
}

int main(int argc, char **argv)
{
    dom0_banner();
    consoled_init();
    xenstored_init();
    drivers_init(); /* physical devices: one line each */
    vbd_init();
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "selftest=", 9) == 0)
            return dom0_selftest(argv[i] + 9) < 0 ? 1 : 0;
        if (strncmp(argv[i], "run=", 4) == 0) {
            cli_run_store_script(argv[i] + 4);
            return 0;
        }
    }
    if (run_exec_module())
        return 0;
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "boot=", 5) == 0)
            cli_run_store_script(argv[i] + 5);
    dom0_shell();
    return 0;
}
