/*
 * skiff/exit.h - how the hypervisor reports why the machine stopped.
 *
 * The value is written to QEMU's isa-debug-exit port; QEMU then exits with
 * status (value << 1) | 1. The test runner and ./skiff decode these; keep
 * docs/architecture.md and tests/integration/lib.sh in step.
 */
#ifndef SKIFF_EXIT_H
#define SKIFF_EXIT_H

enum skiff_exit {
    EXIT_DOM0_POWEROFF = 0x10, /* status 33: dom0 shut down with SHUTDOWN_poweroff */
    EXIT_DOM0_REBOOT = 0x11,   /* status 35: SHUTDOWN_reboot */
    EXIT_DOM0_CRASH = 0x12,    /* status 37: dom0 crashed or was killed */
    EXIT_HV_PANIC = 0x13,      /* status 39: hypervisor panic or ring-0 exception */
    EXIT_DOM0_WATCHDOG = 0x14, /* status 41: SHUTDOWN_watchdog */
    EXIT_LEAK = 0x15,          /* status 43: dom0 exited but its frames did not come back */
    EXIT_NO_DOM0 = 0x16,       /* status 45: dom0 could not be built (bad image, no memory) */
};

#endif /* SKIFF_EXIT_H */
