/*
 * machine.c - stopping the machine and reporting why (QEMU's isa-debug-exit
 * device at port 0xf4 turns the value into QEMU's exit status), and machine
 * figures for sysctl physinfo.
 */
#include <public/sysctl.h>
#include <asm/x86.h>
#include <skiff/arch.h>

#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

noreturn void arch_machine_exit(unsigned int code)
{
    __asm__ volatile("outl %0, %1" : : "a"(code), "Nd"((uint16_t)DEBUG_EXIT_PORT));
    /* Not under QEMU (or no exit device): stop here. */
    halt_forever();
}

void arch_fill_physinfo(struct skiff_sysctl_physinfo *pi)
{
    pi->nr_cpus = 1;
    pi->cpu_khz = tsc_khz;
    pi->lapic_khz = lapic_khz;
    pi->cpu_features = cpu_feature_bits();
    pi->timer_ticks = timer_ticks;
}
