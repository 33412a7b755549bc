/*
 * ioapic.c - the IOAPIC: device interrupt lines (GSIs) routed to this CPU,
 * one vector per pin (VEC_GSI_BASE + gsi), masked until the privileged
 * domain binds the line (common/physdev.c decides; this file only programs
 * the redirection table).
 *
 * Where: the PC's fixed address 0xfec00000 (what the ACPI MADT names on
 * QEMU's pc machine and on nearly every PC); the version register says how
 * many pins there are, and a read of all ones means there is none.
 */
#include <asm/layout.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/physdev.h>

#include "x86.h"

#define IOAPIC_REGSEL  0x00
#define IOAPIC_WIN     0x10
#define IOAPIC_VER     0x01
#define IOAPIC_REDIR   0x10 /* pin n: registers 0x10 + 2n (low), + 1 (high) */
#define REDIR_MASKED   (1u << 16)
#define REDIR_LEVEL    (1u << 15)
#define REDIR_LOW      (1u << 13)
#define LAPIC_ID_SHIFT 24

static volatile uint32_t *ioapic;
static unsigned int nr_pins;
static uint32_t redir_low[VEC_GSI_COUNT]; /* what each pin's low word holds */

static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[IOAPIC_REGSEL / 4] = reg;
    return ioapic[IOAPIC_WIN / 4];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    ioapic[IOAPIC_REGSEL / 4] = reg;
    ioapic[IOAPIC_WIN / 4] = v;
}

static void write_low(unsigned int pin, uint32_t low)
{
    redir_low[pin] = low;
    ioapic_write(IOAPIC_REDIR + 2 * pin, low);
}

void ioapic_init(void)
{
    ioapic = paging_map_mmio(IOAPIC_BASE, 4096);
    uint32_t ver = ioapic_read(IOAPIC_VER);
    if (ver == 0xffffffffu) {
        pr_info("ioapic: none at 0x%llx: no device interrupts", IOAPIC_BASE);
        return;
    }
    nr_pins = ((ver >> 16) & 0xff) + 1;
    if (nr_pins > VEC_GSI_COUNT)
        nr_pins = VEC_GSI_COUNT;
    for (unsigned int pin = 0; pin < nr_pins; pin++) {
        write_low(pin, REDIR_MASKED | (VEC_GSI_BASE + pin));
        ioapic_write(IOAPIC_REDIR + 2 * pin + 1, lapic_id() << LAPIC_ID_SHIFT);
    }
    pr_info("ioapic: %u pins at 0x%llx, vectors 0x%x-0x%x, all masked", nr_pins, IOAPIC_BASE,
            VEC_GSI_BASE, VEC_GSI_BASE + nr_pins - 1);
}

unsigned int arch_gsi_count(void)
{
    return nr_pins;
}

/* The PIT (ISA IRQ 0, GSI 2 through the usual override), COM1, the RTC. */
bool arch_gsi_hv_owned(unsigned int gsi)
{
    return gsi == 0 || gsi == 2 || gsi == 4 || gsi == 8;
}

void arch_gsi_setup(unsigned int gsi, bool level, bool active_low)
{
    if (gsi >= nr_pins)
        return;
    write_low(gsi, REDIR_MASKED | (level ? REDIR_LEVEL : 0) | (active_low ? REDIR_LOW : 0) |
                       (VEC_GSI_BASE + gsi));
}

void arch_gsi_mask(unsigned int gsi)
{
    if (gsi < nr_pins)
        write_low(gsi, redir_low[gsi] | REDIR_MASKED);
}

void arch_gsi_unmask(unsigned int gsi)
{
    if (gsi < nr_pins)
        write_low(gsi, redir_low[gsi] & ~REDIR_MASKED);
}

/* An interrupt on a GSI's vector: the core masks and raises; then the LAPIC is acknowledged. */
void ioapic_irq(unsigned int vec)
{
    physdev_irq(vec - VEC_GSI_BASE);
    lapic_eoi();
}
