/*
 * cpu.c - what the CPU can do (CPUID), and switching on what the hypervisor
 * relies on: NX, SMEP, SMAP, UMIP, global pages, SSE/XSAVE for guests, and
 * the syscall MSRs.
 */
#include <string.h>

#include <asm/layout.h>
#include <asm/x86.h>
#include <public/sysctl.h>
#include <skiff/cmdline.h>
#include <skiff/console.h>
#include <skiff/panic.h>

#include "x86.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)

struct cpu_features cpu_features;

static void read_brand(void)
{
    uint32_t r[12], a, b, c, d;

    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000004) {
        strlcpy(cpu_features.brand, "unknown", sizeof(cpu_features.brand));
        return;
    }
    for (uint32_t i = 0; i < 3; i++)
        cpuid(0x80000002 + i, 0, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
    memcpy(cpu_features.brand, r, 48);
    cpu_features.brand[48] = '\0';
}

void cpu_detect(void)
{
    uint32_t a, b, c, d, max_leaf, max_ext;
    struct cpu_features *f = &cpu_features;

    cpuid(0, 0, &max_leaf, &b, &c, &d);
    memcpy(f->vendor, &b, 4);
    memcpy(f->vendor + 4, &d, 4);
    memcpy(f->vendor + 8, &c, 4);
    f->vendor[12] = '\0';
    read_brand();

    cpuid(1, 0, &a, &b, &c, &d);
    f->pcid = c & (1u << 17);
    f->x2apic = c & (1u << 21);
    f->tsc_deadline = c & (1u << 24);
    f->xsave = c & (1u << 26);
    f->avx = c & (1u << 28);
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        f->fsgsbase = b & (1u << 0);
        f->smep = b & (1u << 7);
        f->smap = b & (1u << 20);
        f->umip = c & (1u << 2);
        if (d & (1u << 29))
            f->rdcl_no = rdmsr(MSR_ARCH_CAPABILITIES) & 1;
    }
    cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        f->nx = d & (1u << 20);
        f->page1gb = d & (1u << 26);
    }
    if (max_ext >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        f->invariant_tsc = d & (1u << 8);
    }
}

uint32_t cpu_feature_bits(void)
{
    const struct cpu_features *f = &cpu_features;

    return (f->nx ? SKIFF_CPUFEAT_NX : 0) | (f->smep ? SKIFF_CPUFEAT_SMEP : 0) |
           (f->smap ? SKIFF_CPUFEAT_SMAP : 0) | (f->pcid ? SKIFF_CPUFEAT_PCID : 0) |
           (f->xsave ? SKIFF_CPUFEAT_XSAVE : 0) | (f->page1gb ? SKIFF_CPUFEAT_PAGE1GB : 0) |
           (f->umip ? SKIFF_CPUFEAT_UMIP : 0) | (f->fsgsbase ? SKIFF_CPUFEAT_FSGSBASE : 0) |
           (f->tsc_deadline ? SKIFF_CPUFEAT_TSCDL : 0) |
           (f->invariant_tsc ? SKIFF_CPUFEAT_INVTSC : 0);
}

void cpu_print_features(void)
{
    const struct cpu_features *f = &cpu_features;

    pr_info("CPU: %s, %s", f->vendor, f->brand);
    pr_info("CPU features: nx=%d smep=%d smap=%d umip=%d pcid=%d xsave=%d avx=%d 1g-pages=%d "
            "fsgsbase=%d x2apic=%d tsc-deadline=%d invariant-tsc=%d rdcl_no=%d",
            f->nx, f->smep, f->smap, f->umip, f->pcid, f->xsave, f->avx, f->page1gb, f->fsgsbase,
            f->x2apic, f->tsc_deadline, f->invariant_tsc, f->rdcl_no);
}

static void enable_xsave(void)
{
    uint32_t a, b, c, d;

    cpuid(0xd, 0, &a, &b, &c, &d);
    cpu_features.xcr0 = XCR0_X87 | XCR0_SSE | ((a & XCR0_AVX) ? XCR0_AVX : 0);
    write_cr4(read_cr4() | X86_CR4_OSXSAVE);
    xsetbv(0, cpu_features.xcr0);
    cpuid(0xd, 0, &a, &b, &c, &d);
    cpu_features.xsave_size = b;
    BUG_ON(cpu_features.xsave_size > XSAVE_AREA_SIZE);
}

void cpu_init_control(void)
{
    const struct cpu_features *f = &cpu_features;
    uint64_t cr4 = read_cr4() | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

    if (!f->nx)
        panic("this CPU has no NX bit; Skiff needs it to keep guests from running data");
    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE | X86_CR0_WP) & ~(X86_CR0_EM | X86_CR0_TS));
    if (f->smep && hv_opts.smep)
        cr4 |= X86_CR4_SMEP;
    if (f->smap && hv_opts.smap)
        cr4 |= X86_CR4_SMAP;
    if (f->umip && hv_opts.umip)
        cr4 |= X86_CR4_UMIP;
    write_cr4(cr4);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE | EFER_SCE);
    if (f->xsave)
        enable_xsave();
    else
        cpu_features.xsave_size = 512; /* FXSAVE */
    pr_info("protections: NX on, SMEP %s, SMAP %s, UMIP %s, XSAVE %s (%u bytes of guest state)",
            (cr4 & X86_CR4_SMEP) ? "on" : "off", (cr4 & X86_CR4_SMAP) ? "on" : "off",
            (cr4 & X86_CR4_UMIP) ? "on" : "off", f->xsave ? "on" : "off", cpu_features.xsave_size);
}

void cpu_init_syscall(void)
{
    /* sysret loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8 (RPL 3). */
    wrmsr(MSR_STAR, ((uint64_t)GDT_USER_CS32 << 48) | ((uint64_t)GDT_KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)x86_syscall_entry);
    wrmsr(MSR_FMASK, X86_RFLAGS_TF | X86_RFLAGS_DF | X86_RFLAGS_IF | X86_RFLAGS_IOPL |
                         X86_RFLAGS_AC | X86_RFLAGS_NT);
}
