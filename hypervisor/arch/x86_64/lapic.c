/*
 * lapic.c - interrupt hardware of the boot CPU: the legacy 8259 PICs are
 * remapped and masked; the local APIC (xAPIC, MMIO) is enabled; its timer and
 * the TSC are calibrated against PIT channel 2; the timer then runs in
 * TSC-deadline mode when the CPU has it (an absolute TSC value, no rounding),
 * else in one-shot mode, for the software timers' next deadline.
 */
#include <asm/layout.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/cmdline.h>
#include <skiff/console.h>
#include <skiff/panic.h>
#include <skiff/time.h>

#include "x86.h"

#define LAPIC_ID         0x020
#define LAPIC_TPR        0x080
#define LAPIC_EOI        0x0b0
#define LAPIC_SVR        0x0f0
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360
#define LAPIC_LVT_ERROR  0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0
#define LVT_MASKED       (1u << 16)
#define LVT_PERIODIC     (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define TIMER_DIV_16     0x3
#define APIC_BASE_ENABLE (1ull << 11)

#define PIT_HZ        1193182u
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PIT_GATE_PORT 0x61
#define CALIBRATE_MS  10
#define MAX_TIMER_NS  (60ull * 1000000000ull)

uint32_t tsc_khz, lapic_khz;
static bool tsc_deadline_mode;
uint64_t timer_ticks;

static volatile uint32_t *lapic;

static uint32_t lapic_read(uint32_t reg)
{
    return lapic[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
    lapic[reg / 4] = v;
}

uint32_t lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

/* Moves the PICs' vectors away from the exceptions, then masks every line. */
static void pic_disable(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* Runs PIT channel 2 for CALIBRATE_MS and measures the TSC and the LAPIC timer. */
static void calibrate(void)
{
    uint16_t count = (uint16_t)(PIT_HZ / (1000 / CALIBRATE_MS));
    uint8_t gate = inb(PIT_GATE_PORT);

    outb(PIT_GATE_PORT, (gate & ~0x03) & 0xff); /* gate off, speaker off */
    outb(PIT_CMD, 0xb0);                        /* channel 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    uint64_t t0 = rdtsc();
    outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01); /* gate on: count down */
    while (!(inb(PIT_GATE_PORT) & 0x20))
        cpu_relax();
    uint64_t t1 = rdtsc();
    uint32_t elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    tsc_khz = (uint32_t)((t1 - t0) / CALIBRATE_MS);
    lapic_khz = elapsed / CALIBRATE_MS; /* timer ticks (after the divider) per ms */
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    pic_disable();
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    lapic = paging_map_mmio(base & 0xfffff000ull, 4096);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
    calibrate();
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    tsc_deadline_mode = cpu_features.tsc_deadline && hv_opts.tsc_deadline;
    if (tsc_deadline_mode) {
        lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LVT_TSC_DEADLINE);
        /* The SDM: order the LVT write before the first write of the deadline MSR. */
        __asm__ volatile("mfence" ::: "memory");
    } else {
        lapic_write(LAPIC_LVT_TIMER, VEC_TIMER); /* one-shot */
    }
    if (tsc_khz == 0 || lapic_khz == 0)
        panic("timer calibration failed (tsc %u kHz, lapic %u kHz)", tsc_khz, lapic_khz);
    pr_info("timers: TSC %u.%03u MHz, LAPIC timer %u kHz (calibrated against the PIT)",
            tsc_khz / 1000, tsc_khz % 1000, lapic_khz);
}

uint64_t arch_cycles(void)
{
    return rdtsc();
}

/*
 * One-shot mode: the software timers (common/timer.c) program the next
 * deadline. Rounding can make the interrupt a little early; the timer code
 * then simply programs the rest.
 */
void arch_timer_program(uint64_t deadline)
{
    if (tsc_deadline_mode) {
        /* 0 disarms; a value already past fires at once. */
        wrmsr(MSR_TSC_DEADLINE, deadline ? time_ns_to_cycles(deadline) : 0);
        return;
    }
    if (!deadline) {
        lapic_write(LAPIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = now_ns();
    uint64_t delta = deadline > now ? deadline - now : 0;
    if (delta > MAX_TIMER_NS)
        delta = MAX_TIMER_NS;
    uint64_t count = delta * lapic_khz / 1000000;
    lapic_write(LAPIC_TIMER_INIT, count ? (uint32_t)count : 1);
}

/* Arms a one-shot 1 ms ahead and waits for it: proves the interrupt path. */
void lapic_timer_selftest(void)
{
    uint64_t start = timer_ticks;

    arch_timer_program(now_ns() + 1000000);
    while (timer_ticks == start)
        irq_enable_and_halt();
    pr_info("timer: %s deadlines working", tsc_deadline_mode ? "TSC-deadline" : "one-shot LAPIC");
}
