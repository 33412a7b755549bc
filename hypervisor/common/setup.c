/*
 * common/setup.c - the portable end of boot: banner, dom0, and what happens
 * when dom0 stops (the machine stops too, after checking that every frame
 * dom0 used came back).
 */
#include <public/sched.h>
#include <skiff_version.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/exit.h>
#include <skiff/frame.h>
#include <skiff/grant_table.h>
#include <skiff/setup.h>

static uint64_t free_frames_before_dom0;

void hv_print_banner(void)
{
    pr_info("Skiff hypervisor %s (git %s)", SKIFF_VERSION_STRING, SKIFF_GIT_HASH);
}

noreturn void hv_start_dom0(const struct boot_info *bi)
{
    struct domain *d;

    free_frames_before_dom0 = frame_free_count();
    if (dom0_build(bi, &d)) {
        pr_err("no dom0: stopping the machine");
        arch_machine_exit(EXIT_NO_DOM0);
    }
    dom0 = d;
    pr_info("entering dom0 (%llu frames free)", (unsigned long long)frame_free_count());
    domain_unpause(d);
    schedule();
}

static unsigned int exit_code_for(unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return EXIT_DOM0_POWEROFF;
    case SHUTDOWN_reboot:
        return EXIT_DOM0_REBOOT;
    case SHUTDOWN_watchdog:
        return EXIT_DOM0_WATCHDOG;
    default:
        return EXIT_DOM0_CRASH;
    }
}

/* Destroys every domain but dom0 (they cannot outlive the machine). */
static void destroy_other_domains(void)
{
    for (struct domain *d = domain_next(1); d; d = domain_next(d->domid + 1))
        domain_destroy(d);
}

/* dom0 is gone: tear everything down, check nothing leaked, stop the machine. */
static noreturn void dom0_stopped(struct domain *d)
{
    unsigned int code = exit_code_for(d->shutdown_reason);

    destroy_other_domains();
    domain_destroy(d);
    uint64_t after = frame_free_count();
    if (domain_count() != 0) {
        pr_err("leak check: %u domains still exist after dom0: LEAK", domain_count());
        code = EXIT_LEAK;
    } else if (gnttab_total_maps() || gnttab_total_active()) {
        pr_err("leak check: %llu grant maps, %llu grants in use after dom0: LEAK",
               (unsigned long long)gnttab_total_maps(), (unsigned long long)gnttab_total_active());
        code = EXIT_LEAK;
    } else if (after != free_frames_before_dom0) {
        pr_err("leak check: %llu frames free before dom0, %llu after: LEAK",
               (unsigned long long)free_frames_before_dom0, (unsigned long long)after);
        code = EXIT_LEAK;
    } else {
        pr_info("leak check: %llu frames free before dom0 and after: OK",
                (unsigned long long)after);
    }
    pr_info("stopping the machine (exit code 0x%x)", code);
    arch_machine_exit(code);
}

void domain_shutdown_policy(struct domain *d)
{
    if (d == dom0)
        dom0_stopped(d);
}
