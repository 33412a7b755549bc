/*
 * percpu.c - the boot CPU's per-CPU block (reached through GS in ring 0) and
 * the hypervisor's TLS block, which exists only so that libfdt (built by
 * Debian with the stack protector, reading its canary at %fs:0x28) can run
 * while the hypervisor builds dom0's start info at boot.
 */
#include <asm/percpu.h>
#include <asm/x86.h>

#include "x86.h"

static struct percpu boot_cpu;

static struct {
    uint64_t words[8]; /* canary at byte 0x28 */
} hv_tls __attribute__((aligned(64)));

void percpu_init(uint64_t stack_top)
{
    boot_cpu.self = &boot_cpu;
    boot_cpu.stack_top = stack_top;
    boot_cpu.cpu_id = 0;
    wrmsr(MSR_GS_BASE, (uint64_t)&boot_cpu);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void hv_tls_init(void)
{
    hv_tls.words[0] = (uint64_t)&hv_tls;
    hv_tls.words[5] = rdtsc() * 0x9e3779b97f4a7c15ull; /* %fs:0x28 */
    wrmsr(MSR_FS_BASE, (uint64_t)&hv_tls);
}
