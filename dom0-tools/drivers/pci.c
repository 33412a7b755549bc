/*
 * pci.c - PCI configuration space (mechanism #1: ports 0xcf8/0xcfc),
 * enumeration and BAR assignment (see pci.h).
 *
 * BAR policy: a BAR the firmware assigned keeps its address; one left at 0
 * (qboot assigns none) gets the next aligned address from a pool that
 * starts above every address the firmware used: I/O ports from 0xc000,
 * memory from 0xe0000000 (inside the PCI hole of QEMU's pc machine, below
 * the IOAPIC at 0xfec00000). 64-bit memory BARs are placed below 4 GiB too.
 *
 * Interrupt lines: on a PIIX3/PIIX4 south bridge (QEMU's pc machine), bus 0
 * INTx pins reach ISA lines through the bridge's PIRQ route registers
 * (0x60-0x63); slot s pin p uses PIRQ (p - 1 + s - 1) mod 4, as QEMU wires
 * it. The line is computed from that and written back to the interrupt-line
 * register, because qboot writes lines one PIRQ off for slots 2 and up (it
 * says 11 where QEMU raises 10). Elsewhere the firmware's line is kept.
 */
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>

#include "pci.h"
#include "portio.h"

#define PCI_CONFIG_ADDR 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_VENDOR_NONE 0xffff
#define PCI_BAR0        0x10
#define PCI_HEADER      0x0e
#define PCI_SECONDARY   0x19
#define PCI_SUBSYS      0x2c
#define HEADER_BRIDGE   0x01
#define HEADER_MULTI    0x80
#define BAR_IO          0x1
#define BAR_MEM_64      0x4
#define BAR_MEM_TYPE    0x6

#define PIIX_PIRQRC      0x60
#define PIRQ_DISABLED    0x80
#define PCI_VENDOR_INTEL 0x8086
#define PIIX3_ISA        0x7000
#define PIIX4_ISA        0x7110

#define IO_POOL_START  0xc000u
#define IO_POOL_END    0x10000u
#define MEM_POOL_START 0xe0000000ull
#define MEM_POOL_END   0xfec00000ull

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned int nr_devices;
static bool enumerated;
static uint64_t io_next = IO_POOL_START, mem_next = MEM_POOL_START;

static uint32_t config_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)(dev & 31) << 11 |
           (uint32_t)(fn & 7) << 8 | (off & 0xfc);
}

uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    outl(PCI_CONFIG_ADDR, config_addr(bus, dev, fn, off));
    return inl(PCI_CONFIG_DATA);
}

uint16_t pci_read16(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    outl(PCI_CONFIG_ADDR, config_addr(bus, dev, fn, off));
    return inw((uint16_t)(PCI_CONFIG_DATA + (off & 2)));
}

uint8_t pci_read8(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    outl(PCI_CONFIG_ADDR, config_addr(bus, dev, fn, off));
    return inb((uint16_t)(PCI_CONFIG_DATA + (off & 3)));
}

void pci_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v)
{
    outl(PCI_CONFIG_ADDR, config_addr(bus, dev, fn, off));
    outl(PCI_CONFIG_DATA, v);
}

void pci_write16(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint16_t v)
{
    outl(PCI_CONFIG_ADDR, config_addr(bus, dev, fn, off));
    outw((uint16_t)(PCI_CONFIG_DATA + (off & 2)), v);
}

/* Sizes BAR i (decoding must be off); returns how many slots it takes (1 or 2). */
static unsigned int size_bar(struct pci_dev *d, unsigned int i)
{
    uint8_t off = (uint8_t)(PCI_BAR0 + 4 * i);
    uint32_t orig = pci_read32(d->bus, d->dev, d->fn, off);
    struct pci_bar *b = &d->bar[i];

    pci_write32(d->bus, d->dev, d->fn, off, 0xffffffffu);
    uint32_t mask = pci_read32(d->bus, d->dev, d->fn, off);
    pci_write32(d->bus, d->dev, d->fn, off, orig);
    if (mask == 0 || mask == 0xffffffffu)
        return 1; /* the device has no BAR in this slot */
    b->io = orig & BAR_IO;
    if (b->io) {
        b->base = orig & ~3u;
        b->size = (uint16_t) ~(mask & ~3u) + 1u;
        return 1;
    }
    b->base = orig & ~0xfu;
    b->size = (uint32_t)(~(mask & ~0xfu) + 1u);
    if ((orig & BAR_MEM_TYPE) != BAR_MEM_64 || i == PCI_NR_BARS - 1)
        return 1;
    b->is64 = true;
    uint8_t hi_off = (uint8_t)(off + 4);
    uint32_t hi = pci_read32(d->bus, d->dev, d->fn, hi_off);
    pci_write32(d->bus, d->dev, d->fn, hi_off, 0xffffffffu);
    uint32_t hi_mask = pci_read32(d->bus, d->dev, d->fn, hi_off);
    pci_write32(d->bus, d->dev, d->fn, hi_off, hi);
    b->base |= (uint64_t)hi << 32;
    b->size = ~(((uint64_t)hi_mask << 32) | (mask & ~0xfu)) + 1;
    return 2;
}

static void probe_function(uint8_t bus, uint8_t dev, uint8_t fn);

static void scan_bus(uint8_t bus, unsigned int depth)
{
    for (uint8_t dev = 0; dev < 32; dev++) {
        if (pci_read16(bus, dev, 0, 0) == PCI_VENDOR_NONE)
            continue;
        bool multi = pci_read8(bus, dev, 0, PCI_HEADER) & HEADER_MULTI;
        for (uint8_t fn = 0; fn < (multi ? 8 : 1); fn++) {
            if (pci_read16(bus, dev, fn, 0) == PCI_VENDOR_NONE)
                continue;
            probe_function(bus, dev, fn);
            uint8_t hdr = pci_read8(bus, dev, fn, PCI_HEADER) & 0x7f;
            uint8_t sec = pci_read8(bus, dev, fn, PCI_SECONDARY);
            if (hdr == HEADER_BRIDGE && sec > bus && depth < 8)
                scan_bus(sec, depth + 1);
        }
    }
}

static void probe_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
    if (nr_devices == PCI_MAX_DEVICES)
        return;
    struct pci_dev *d = &devices[nr_devices++];
    uint32_t id = pci_read32(bus, dev, fn, 0), cls = pci_read32(bus, dev, fn, 0x08);
    uint32_t sub = pci_read32(bus, dev, fn, PCI_SUBSYS);

    memset(d, 0, sizeof(*d));
    d->bus = bus;
    d->dev = dev;
    d->fn = fn;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->class_code = (uint8_t)(cls >> 24);
    d->subclass = (uint8_t)(cls >> 16);
    d->prog_if = (uint8_t)(cls >> 8);
    d->header_type = pci_read8(bus, dev, fn, PCI_HEADER) & 0x7f;
    d->irq_line = pci_read8(bus, dev, fn, PCI_INT_LINE);
    d->irq_pin = pci_read8(bus, dev, fn, PCI_INT_PIN);
    if (d->header_type != 0)
        return; /* bridges: their windows are the firmware's business */
    d->subsys_vendor = (uint16_t)sub;
    d->subsys_id = (uint16_t)(sub >> 16);
    uint16_t cmd = pci_read16(bus, dev, fn, PCI_COMMAND);
    pci_write16(bus, dev, fn, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
    for (unsigned int i = 0; i < PCI_NR_BARS;)
        i += size_bar(d, i);
    pci_write16(bus, dev, fn, PCI_COMMAND, cmd);
}

/* Moves the pools above whatever the firmware assigned. */
static void reserve_firmware_bars(void)
{
    for (unsigned int n = 0; n < nr_devices; n++) {
        for (unsigned int i = 0; i < PCI_NR_BARS; i++) {
            const struct pci_bar *b = &devices[n].bar[i];
            if (!b->size || !b->base)
                continue;
            uint64_t end = b->base + b->size;
            if (b->io && b->base >= IO_POOL_START && end > io_next)
                io_next = end;
            if (!b->io && b->base >= MEM_POOL_START && b->base < MEM_POOL_END && end > mem_next)
                mem_next = end;
        }
    }
}

static void assign_bar(struct pci_dev *d, unsigned int i)
{
    struct pci_bar *b = &d->bar[i];
    uint64_t *next = b->io ? &io_next : &mem_next;
    uint64_t end = b->io ? IO_POOL_END : MEM_POOL_END;
    uint64_t base = (*next + b->size - 1) & ~(b->size - 1);
    uint8_t off = (uint8_t)(PCI_BAR0 + 4 * i);

    if (base + b->size > end || base + b->size < base)
        return; /* the pool is full: the BAR stays off */
    *next = base + b->size;
    b->base = base;
    b->assigned = true;
    uint32_t low = pci_read32(d->bus, d->dev, d->fn, off);
    pci_write32(d->bus, d->dev, d->fn, off, (uint32_t)base | (low & (b->io ? 3u : 0xfu)));
    if (b->is64)
        pci_write32(d->bus, d->dev, d->fn, (uint8_t)(off + 4), 0);
}

/* Recomputes bus 0's interrupt lines from a PIIX's PIRQ router (see the top). */
static void route_piix_irqs(void)
{
    const struct pci_dev *isa = NULL;

    for (unsigned int n = 0; n < nr_devices; n++)
        if (devices[n].bus == 0 && devices[n].vendor == PCI_VENDOR_INTEL &&
            (devices[n].device == PIIX3_ISA || devices[n].device == PIIX4_ISA))
            isa = &devices[n];
    if (!isa)
        return;
    uint32_t route = pci_read32(isa->bus, isa->dev, isa->fn, PIIX_PIRQRC);
    for (unsigned int n = 0; n < nr_devices; n++) {
        struct pci_dev *d = &devices[n];
        if (d->bus != 0 || d->irq_pin < 1 || d->irq_pin > 4 || d->dev == 0)
            continue;
        uint8_t line = (uint8_t)(route >> (8 * ((d->irq_pin - 1 + d->dev - 1) & 3)));
        if (line & PIRQ_DISABLED || line >= 16)
            continue;
        d->irq_line = line;
        outl(PCI_CONFIG_ADDR, config_addr(d->bus, d->dev, d->fn, PCI_INT_LINE));
        outb(PCI_CONFIG_DATA, line);
    }
}

unsigned int pci_enumerate(void)
{
    if (enumerated)
        return nr_devices;
    enumerated = true;
    scan_bus(0, 0);
    route_piix_irqs();
    reserve_firmware_bars();
    for (unsigned int n = 0; n < nr_devices; n++)
        for (unsigned int i = 0; i < PCI_NR_BARS; i++)
            if (devices[n].bar[i].size && !devices[n].bar[i].base)
                assign_bar(&devices[n], i);
    return nr_devices;
}

struct pci_dev *pci_device(unsigned int i)
{
    return i < nr_devices ? &devices[i] : NULL;
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, unsigned int n)
{
    for (unsigned int i = 0; i < nr_devices; i++)
        if (devices[i].vendor == vendor && devices[i].device == device && n-- == 0)
            return &devices[i];
    return NULL;
}

void pci_enable(struct pci_dev *d)
{
    uint16_t cmd = pci_read16(d->bus, d->dev, d->fn, PCI_COMMAND);

    for (unsigned int i = 0; i < PCI_NR_BARS; i++) {
        if (!d->bar[i].size || !d->bar[i].base)
            continue;
        cmd |= d->bar[i].io ? PCI_CMD_IO : PCI_CMD_MEMORY;
    }
    cmd = (uint16_t)((cmd | PCI_CMD_MASTER) & ~PCI_CMD_INTX_OFF);
    pci_write16(d->bus, d->dev, d->fn, PCI_COMMAND, cmd);
    d->claimed = true;
}

void pci_name(const struct pci_dev *d, char out[8])
{
    snprintf(out, 8, "%02x:%02x.%x", d->bus, d->dev, d->fn);
}

static unsigned int mmio_pages_used;

volatile void *pci_map_bar(struct pci_dev *d, unsigned int i)
{
    struct pci_bar *b = i < PCI_NR_BARS ? &d->bar[i] : NULL;

    if (!b || b->io || !b->size || !b->base)
        return NULL;
    if (b->mapped)
        return b->mapped;
    uint64_t first = b->base >> 12, pages = (b->size + 4095) >> 12;
    if (b->base & 4095 || pages > PCI_MMIO_WINDOW_PAGES - mmio_pages_used)
        return NULL; /* sub-page BARs share a page with others: not mapped alone */
    uint64_t gpfn = start_info.grant_window_base / 4096 + PCI_MMIO_WINDOW_FIRST + mmio_pages_used;
    for (uint64_t p = 0; p < pages; p++) {
        struct xen_add_to_physmap a = {
            .domid = DOMID_SELF, .space = XENMAPSPACE_dev_mmio, .idx = first + p, .gpfn = gpfn + p};
        if (HYPERVISOR_memory_op(XENMEM_add_to_physmap, &a)) {
            while (p-- > 0) {
                struct xen_remove_from_physmap r = {.domid = DOMID_SELF, .gpfn = gpfn + p};
                HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r);
            }
            return NULL;
        }
    }
    mmio_pages_used += (unsigned int)pages;
    b->mapped = (volatile void *)(uintptr_t)(gpfn * 4096);
    return b->mapped;
}
