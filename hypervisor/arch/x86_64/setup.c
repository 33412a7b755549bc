/*
 * setup.c - boot of the x86_64 hypervisor, from the 64-bit entry in boot.S
 * to entering dom0: console, boot information, command line, CPU features,
 * memory, page tables, descriptor tables, syscall, interrupts and timers.
 */
#include <asm/layout.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/cmdline.h>
#include <skiff/console.h>
#include <skiff/exit.h>
#include <skiff/panic.h>
#include <skiff/sched.h>
#include <skiff/setup.h>
#include <skiff/time.h>
#include <string.h>

#include "x86.h"

extern char boot_stack_top[];

static struct boot_info boot_info;

/*
 * hv_selftest=fault|bug: crash the hypervisor on purpose once it is up, so
 * tests can check what a hypervisor bug looks like (registers, backtrace,
 * the panic exit status).
 */
static void crash_on_request(void)
{
    if (strcmp(hv_opts.hv_selftest, "fault") == 0) {
        pr_info("hv_selftest=fault: reading an unmapped address in ring 0");
        (void)*(volatile uint64_t *)0x1000;
    } else if (strcmp(hv_opts.hv_selftest, "bug") == 0) {
        pr_info("hv_selftest=bug: failing an assertion");
        BUG_ON(hv_opts.hv_selftest[0] == 'b');
    } else if (hv_opts.hv_selftest[0]) {
        pr_warn("hv_selftest=%s: unknown (fault, bug); ignored", hv_opts.hv_selftest);
    }
}

noreturn void hv_start_x86(uint32_t magic, uint32_t info_pa)
{
    struct boot_info *bi = &boot_info;
    uint64_t stack_top = (uint64_t)boot_stack_top;

    serial_init();
    hv_tls_init();
    if (multiboot_parse(magic, info_pa, bi)) {
        pr_err("not started by a Multiboot loader (magic 0x%x): cannot boot", magic);
        arch_machine_exit(EXIT_HV_PANIC);
    }
    hv_parse_cmdline(bi->cmdline);
    hv_print_banner();
    pr_info("loader: %s, command line: \"%s\"", bi->loader, bi->cmdline);
    cpu_detect();
    cpu_print_features();
    mm_init(bi);
    paging_init(bi);
    percpu_init(stack_top);
    x86_descriptors_init(stack_top);
    cpu_init_control();
    cpu_init_syscall();
    lapic_init();
    ioapic_init();
    iobitmap_init();
    time_init(tsc_khz, rtc_read_epoch());
    lapic_timer_selftest();
    sched_init(hv_opts.timeslice_ms * 1000000ull);
    sched_set_ratelimit(hv_opts.ratelimit_us * 1000ull);
    sched_start_tick(hv_opts.tick_hz);
    crash_on_request();
    hv_start_dom0(bi);
}
