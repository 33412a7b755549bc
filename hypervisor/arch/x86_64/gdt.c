/*
 * gdt.c - descriptor tables of the boot CPU: the GDT (with the selector
 * layout sysret needs), the TSS with RSP0, the IST stacks for NMI, #DF,
 * #MC and #DB and the I/O permission bitmap (iobitmap.c fills it), and the
 * IDT.
 */
#include <string.h>

#include <asm/layout.h>
#include <asm/x86.h>
#include <skiff/types.h>

#include "x86.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "tss size");

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

struct descriptor_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

enum ist_index {
    IST_NMI = 1,
    IST_DF = 2,
    IST_MC = 3,
    IST_DB = 4,
};

#define IOMAP_BYTES 8192 /* one bit per port, 65536 ports */

/*
 * The TSS and, right after it, the I/O permission bitmap and the all-ones
 * byte the CPU may read past its end. The descriptor's limit covers them;
 * iomap_base either points at the bitmap or past the limit (every port
 * refused to ring 3).
 */
static struct {
    struct tss tss;
    uint8_t iomap[IOMAP_BYTES];
    uint8_t iomap_end;
} __attribute__((packed, aligned(16))) tss_block;
#define IOMAP_OFFSET  ((uint16_t)sizeof(struct tss))
#define IOMAP_REFUSED ((uint16_t)0xffff) /* beyond the limit */

static uint64_t gdt[8] __attribute__((aligned(16)));
static struct idt_entry idt[256] __attribute__((aligned(16)));
static uint8_t ist_stacks[4][IST_STACK_SIZE] __attribute__((aligned(16)));

extern const uint64_t x86_exception_stubs[32];
extern const uint64_t x86_gsi_stubs[VEC_GSI_COUNT];
extern char x86_trap_240[], x86_trap_255[];

static void set_tss_descriptor(void)
{
    uint64_t base = (uint64_t)&tss_block, limit = sizeof(tss_block) - 1;

    gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                       (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[GDT_TSS / 8 + 1] = base >> 32;
}

static void load_gdt(void)
{
    struct descriptor_ptr p = {sizeof(gdt) - 1, (uint64_t)gdt};

    gdt[0] = 0;
    gdt[GDT_KERNEL_CS / 8] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
    gdt[GDT_KERNEL_DS / 8] = 0x00cf92000000ffffull; /* data, DPL 0 */
    /* Only a sysret base: left null so that guests cannot enter 32-bit mode. */
    gdt[GDT_USER_CS32 / 8] = 0;
    gdt[GDT_USER_DS / 8] = 0x00cff2000000ffffull; /* data, DPL 3 */
    gdt[GDT_USER_CS / 8] = 0x00affa000000ffffull; /* 64-bit code, DPL 3 */
    set_tss_descriptor();
    __asm__ volatile("lgdt %0" : : "m"(p));
    /* Reload CS through a far return, and the data segments. */
    __asm__ volatile("pushq %0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %1, %%ds\n\t"
                     "mov %1, %%es\n\t"
                     "mov %1, %%ss\n\t"
                     :
                     : "i"(GDT_KERNEL_CS), "r"((uint64_t)GDT_KERNEL_DS)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

static void set_gate(unsigned int vec, const void *stub, unsigned int ist, unsigned int dpl)
{
    uint64_t a = (uint64_t)stub;
    struct idt_entry *e = &idt[vec];

    e->offset_lo = a & 0xffff;
    e->selector = GDT_KERNEL_CS;
    e->ist = (uint8_t)ist;
    e->type_attr = (uint8_t)(0x8e | (dpl << 5)); /* present, interrupt gate */
    e->offset_mid = (a >> 16) & 0xffff;
    e->offset_hi = (uint32_t)(a >> 32);
    e->reserved = 0;
}

static void load_idt(void)
{
    struct descriptor_ptr p = {sizeof(idt) - 1, (uint64_t)idt};

    memset(idt, 0, sizeof(idt));
    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, (const void *)x86_exception_stubs[v], 0, 0);
    set_gate(X86_EXC_NMI, (const void *)x86_exception_stubs[X86_EXC_NMI], IST_NMI, 0);
    set_gate(X86_EXC_DF, (const void *)x86_exception_stubs[X86_EXC_DF], IST_DF, 0);
    set_gate(X86_EXC_MC, (const void *)x86_exception_stubs[X86_EXC_MC], IST_MC, 0);
    set_gate(X86_EXC_DB, (const void *)x86_exception_stubs[X86_EXC_DB], IST_DB, 0);
    /* int3 and into may be used by ring 3 directly (like the hardware intends). */
    set_gate(X86_EXC_BP, (const void *)x86_exception_stubs[X86_EXC_BP], 0, 3);
    set_gate(X86_EXC_OF, (const void *)x86_exception_stubs[X86_EXC_OF], 0, 3);
    for (unsigned int i = 0; i < VEC_GSI_COUNT; i++)
        set_gate(VEC_GSI_BASE + i, (const void *)x86_gsi_stubs[i], 0, 0);
    set_gate(VEC_TIMER, x86_trap_240, 0, 0);
    set_gate(VEC_SPURIOUS, x86_trap_255, 0, 0);
    __asm__ volatile("lidt %0" : : "m"(p));
}

void x86_descriptors_init(uint64_t stack_top)
{
    memset(&tss_block, 0xff, sizeof(tss_block));
    memset(&tss_block.tss, 0, sizeof(tss_block.tss));
    tss_block.tss.rsp[0] = stack_top;
    for (unsigned int i = 0; i < 4; i++)
        tss_block.tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
    tss_block.tss.iomap_base = IOMAP_REFUSED; /* until a domain with ports runs */
    load_gdt();
    load_idt();
}

void x86_set_rsp0(uint64_t rsp0)
{
    tss_block.tss.rsp[0] = rsp0;
}

uint8_t *x86_tss_iomap(void)
{
    return tss_block.iomap;
}

void x86_tss_io_enable(bool on)
{
    tss_block.tss.iomap_base = on ? IOMAP_OFFSET : IOMAP_REFUSED;
}

bool x86_on_ist_stack(uint64_t sp)
{
    uint64_t lo = (uint64_t)ist_stacks, hi = lo + sizeof(ist_stacks);

    return sp >= lo && sp < hi;
}
