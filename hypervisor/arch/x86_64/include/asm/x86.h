/*
 * asm/x86.h - x86_64 architectural definitions (control-register, RFLAGS,
 * MSR and page-table bits) and inline wrappers for the instructions the
 * hypervisor uses. Only hypervisor/arch/x86_64 includes this.
 */
#ifndef ASM_X86_H
#define ASM_X86_H

#include <stdint.h>

/* RFLAGS */
#define X86_RFLAGS_CF    (1ull << 0)
#define X86_RFLAGS_FIXED (1ull << 1)
#define X86_RFLAGS_PF    (1ull << 2)
#define X86_RFLAGS_AF    (1ull << 4)
#define X86_RFLAGS_ZF    (1ull << 6)
#define X86_RFLAGS_SF    (1ull << 7)
#define X86_RFLAGS_TF    (1ull << 8)
#define X86_RFLAGS_IF    (1ull << 9)
#define X86_RFLAGS_DF    (1ull << 10)
#define X86_RFLAGS_OF    (1ull << 11)
#define X86_RFLAGS_IOPL  (3ull << 12)
#define X86_RFLAGS_NT    (1ull << 14)
#define X86_RFLAGS_RF    (1ull << 16)
#define X86_RFLAGS_VM    (1ull << 17)
#define X86_RFLAGS_AC    (1ull << 18)
#define X86_RFLAGS_ID    (1ull << 21)
/* Flags a guest may set through iret. */
#define X86_RFLAGS_GUEST                                                             \
    (X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | X86_RFLAGS_ZF | X86_RFLAGS_SF | \
     X86_RFLAGS_TF | X86_RFLAGS_DF | X86_RFLAGS_OF | X86_RFLAGS_AC | X86_RFLAGS_ID)

/* CR0 / CR4 */
#define X86_CR0_PE         (1ull << 0)
#define X86_CR0_MP         (1ull << 1)
#define X86_CR0_EM         (1ull << 2)
#define X86_CR0_TS         (1ull << 3)
#define X86_CR0_NE         (1ull << 5)
#define X86_CR0_WP         (1ull << 16)
#define X86_CR0_PG         (1ull << 31)
#define X86_CR4_PAE        (1ull << 5)
#define X86_CR4_PGE        (1ull << 7)
#define X86_CR4_OSFXSR     (1ull << 9)
#define X86_CR4_OSXMMEXCPT (1ull << 10)
#define X86_CR4_UMIP       (1ull << 11)
#define X86_CR4_FSGSBASE   (1ull << 16)
#define X86_CR4_PCIDE      (1ull << 17)
#define X86_CR4_OSXSAVE    (1ull << 18)
#define X86_CR4_SMEP       (1ull << 20)
#define X86_CR4_SMAP       (1ull << 21)

/* MSRs */
#define MSR_EFER              0xc0000080
#define MSR_STAR              0xc0000081
#define MSR_LSTAR             0xc0000082
#define MSR_CSTAR             0xc0000083
#define MSR_FMASK             0xc0000084
#define MSR_FS_BASE           0xc0000100
#define MSR_GS_BASE           0xc0000101
#define MSR_KERNEL_GS_BASE    0xc0000102
#define MSR_APIC_BASE         0x1b
#define MSR_TSC_DEADLINE      0x6e0
#define MSR_ARCH_CAPABILITIES 0x10a
#define EFER_SCE              (1ull << 0)
#define EFER_LME              (1ull << 8)
#define EFER_NXE              (1ull << 11)

/* Page-table entry bits */
#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Exception vectors */
#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_NMI 2
#define X86_EXC_BP  3
#define X86_EXC_OF  4
#define X86_EXC_BR  5
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_DF  8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MF  16
#define X86_EXC_AC  17
#define X86_EXC_MC  18
#define X86_EXC_XM  19
#define X86_EXC_VE  20
#define X86_EXC_CP  21

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
                         uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
#define DEFINE_CR(n)                                               \
    static inline uint64_t read_cr##n(void)                        \
    {                                                              \
        uint64_t v;                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
        return v;                                                  \
    }                                                              \
    static inline void write_cr##n(uint64_t v)                     \
    {                                                              \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
static inline void xsetbv(uint32_t reg, uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
static inline void cpu_relax(void)
{
    __asm__ volatile("pause");
}
static inline void irq_enable_and_halt(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}
static inline _Noreturn void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif /* ASM_X86_H */
