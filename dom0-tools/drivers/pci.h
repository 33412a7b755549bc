/*
 * pci.h - dom0's PCI layer: configuration space through ports 0xcf8/0xcfc,
 * enumeration of bus 0 and the buses behind PCI-PCI bridges, and BAR
 * assignment for firmware that leaves BARs unassigned (qboot does: it sets
 * only the interrupt line). Devices are not enabled until a driver claims
 * them (pci_enable).
 */
#ifndef DOM0_PCI_H
#define DOM0_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVICES 64
#define PCI_NR_BARS     6

#define PCI_COMMAND      0x04
#define PCI_CMD_IO       0x1
#define PCI_CMD_MEMORY   0x2
#define PCI_CMD_MASTER   0x4
#define PCI_CMD_INTX_OFF 0x400
#define PCI_INT_LINE     0x3c
#define PCI_INT_PIN      0x3d

struct pci_bar {
    uint64_t base; /* port or physical address; 0 = none */
    uint64_t size;
    bool io;               /* I/O space (else memory) */
    bool is64;             /* takes two BAR slots */
    bool assigned;         /* by pci.c (else the firmware had done it) */
    volatile void *mapped; /* where pci_map_bar put it, or NULL */
};

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint16_t subsys_vendor, subsys_id;
    uint8_t class_code, subclass, prog_if, header_type;
    uint8_t irq_line; /* interrupt line register: the GSI on a PC (0xff: none) */
    uint8_t irq_pin;  /* 1-4 = INTA-INTD, 0 = none */
    struct pci_bar bar[PCI_NR_BARS];
    bool claimed; /* a driver owns it */
};

uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off);
uint16_t pci_read16(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off);
uint8_t pci_read8(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off);
void pci_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v);
void pci_write16(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint16_t v);

/*
 * Scans the buses (once; later calls return the same list), sizes every
 * BAR and assigns those the firmware left at 0. Returns the number of
 * functions found.
 */
unsigned int pci_enumerate(void);
/* The i-th function found (i < pci_enumerate()), or NULL. */
struct pci_dev *pci_device(unsigned int i);
/* The n-th function with this vendor and device id, or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, unsigned int n);
/* Turns on decoding of the device's BARs and bus mastering; marks it claimed. */
void pci_enable(struct pci_dev *d);
/*
 * Maps memory BAR i of d (assigned, at most PCI_MMIO_WINDOW_PAGES pages in
 * all BARs mapped) uncached into dom0's grant window
 * (XENMAPSPACE_dev_mmio) and returns its address; NULL on failure (an I/O
 * BAR, no such BAR, the window part for devices is full, or the hypervisor
 * refused). Mapping the same BAR again returns the same address.
 */
#define PCI_MMIO_WINDOW_FIRST 256u /* window pages: above the domain builder's 256 */
#define PCI_MMIO_WINDOW_PAGES 768u /* 3 MiB of BARs, up to consoled.h's rings at 1024 */
volatile void *pci_map_bar(struct pci_dev *d, unsigned int i);

/* "bb:dd.f" for logs (a static buffer per call site is the caller's). */
void pci_name(const struct pci_dev *d, char out[8]);

#endif /* DOM0_PCI_H */
