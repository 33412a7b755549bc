/*
 * iobitmap.c - which I/O ports ring 3 may use: the privileged domain gets
 * every port except those the hypervisor owns (the table below); other
 * domains get none, so an in/out from them raises #GP, which goes to the
 * guest like any other exception (HOSTILE H12). Never IOPL: IOPL 3 would
 * also let a guest run cli/sti.
 *
 * The CPU reads the bitmap from the TSS, whose I/O map base is a 16-bit
 * offset from the TSS itself, so a bitmap cannot simply be pointed at per
 * domain. There are only two policies today, so there is one bitmap (the
 * privileged one) right after the TSS, and switching domains switches the
 * TSS's I/O map base between it and "beyond the limit" (every port
 * refused): one store per switch. A per-domain port list would copy the
 * domain's bitmap there on a switch instead.
 */
#include <string.h>

#include <skiff/types.h>
#include <skiff/console.h>
#include <skiff/domain.h>

#include "x86.h"

struct port_range {
    uint16_t first, last;
    const char *what;
};

/* Ports the hypervisor owns: refused to every guest. */
static const struct port_range hv_ports[] = {
    {0x0020, 0x0021, "master PIC"},
    {0x0040, 0x0043, "PIT"},
    {0x0060, 0x0064, "keyboard controller (reset line) and PIT gate (0x61)"},
    {0x0070, 0x0071, "RTC/CMOS"},
    {0x0092, 0x0092, "fast A20 and reset"},
    {0x00a0, 0x00a1, "slave PIC"},
    {0x00f4, 0x00f7, "isa-debug-exit (the hypervisor reports its exit)"},
    {0x03f8, 0x03ff, "COM1 (the hypervisor console)"},
    {0x04d0, 0x04d1, "PIC edge/level control"},
};

static bool io_enabled;

/* Marks [first, last] refused (bit set). */
static void refuse(uint8_t *map, unsigned int first, unsigned int last)
{
    for (unsigned int p = first; p <= last; p++)
        map[p / 8] |= (uint8_t)(1u << (p % 8));
}

void iobitmap_init(void)
{
    uint8_t *map = x86_tss_iomap();

    memset(map, 0, 8192);
    for (unsigned int i = 0; i < sizeof(hv_ports) / sizeof(hv_ports[0]); i++)
        refuse(map, hv_ports[i].first, hv_ports[i].last);
    x86_tss_io_enable(false);
    io_enabled = false;
    pr_info("io ports: the privileged domain may use all but %u ranges the hypervisor owns",
            (unsigned int)(sizeof(hv_ports) / sizeof(hv_ports[0])));
}

void iobitmap_switch(const struct domain *d)
{
    bool on = d && d->privileged;

    if (on != io_enabled) {
        x86_tss_io_enable(on);
        io_enabled = on;
    }
}
