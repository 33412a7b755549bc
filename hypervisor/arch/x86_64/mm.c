/*
 * mm.c - machine memory at boot: the frame pool built from the loader's
 * memory map (minus the first MiB, the hypervisor image, the boot modules and
 * the pool's own bitmap), and the direct-map address translation.
 */
#include <asm/layout.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/frame.h>
#include <skiff/panic.h>

#include "x86.h"

extern char _load_start[], _bss_end_phys[];

#define LOW_MEMORY_END (1ull << 20)
#define EARLY_LIMIT    (4ull << 30) /* the boot page tables map this much */

void *early_phys(uint64_t pa)
{
    return (void *)(DIRECTMAP_BASE + pa);
}

void *arch_maddr_to_virt(maddr_t ma)
{
    return (void *)(DIRECTMAP_BASE + ma.ma);
}

maddr_t arch_virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)va;

    if (v >= KERNEL_VBASE)
        return maddr(v - KERNEL_VBASE);
    return maddr(v - DIRECTMAP_BASE);
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* Is [start, end) free of the image and the modules? */
static bool range_unclaimed(const struct boot_info *bi, uint64_t start, uint64_t end)
{
    if (overlaps(start, end, (uint64_t)_load_start, (uint64_t)_bss_end_phys))
        return false;
    for (unsigned int i = 0; i < bi->nr_modules; i++)
        if (overlaps(start, end, ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
                     ALIGN_UP(bi->modules[i].end, PAGE_SIZE)))
            return false;
    return true;
}

/* Finds room below 4 GiB for the pool bitmap in usable RAM nobody claims. */
static uint64_t place_bitmap(const struct boot_info *bi, uint64_t bytes)
{
    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];
        if (!r->usable)
            continue;
        uint64_t start = ALIGN_UP(MAX(r->start, LOW_MEMORY_END), PAGE_SIZE);
        uint64_t end = MIN(ALIGN_DOWN(r->end, PAGE_SIZE), EARLY_LIMIT);
        for (; start + bytes <= end; start += PAGE_SIZE)
            if (range_unclaimed(bi, start, start + bytes))
                return start;
    }
    panic("no room for the frame allocator's bitmap");
}

/* The loader's memory map, kept for arch_mmio_frame_ok. */
static struct boot_mem_range mem_map[BOOT_MAX_MEM_RANGES];
static unsigned int nr_mem_map;

/*
 * Device memory a privileged domain may map (XENMAPSPACE_dev_mmio): above
 * the first MiB, below what the CPU can address, in no range of the memory
 * map (RAM, the hypervisor and its modules, firmware tables, reserved
 * areas), and neither the local APIC nor the IOAPIC.
 */
bool arch_mmio_frame_ok(uint64_t mfn)
{
    uint32_t a, b, c, d;
    uint64_t pa = mfn << PAGE_SHIFT, apic = rdmsr(MSR_APIC_BASE) & ~0xfffull & ((1ull << 52) - 1);

    cpuid(0x80000008, 0, &a, &b, &c, &d);
    unsigned int bits = (a & 0xff) ? (a & 0xff) : 36;
    if (pa < LOW_MEMORY_END || mfn >= (1ull << (bits - PAGE_SHIFT)))
        return false;
    for (unsigned int i = 0; i < nr_mem_map; i++)
        if (pa + PAGE_SIZE > ALIGN_DOWN(mem_map[i].start, PAGE_SIZE) &&
            pa < ALIGN_UP(mem_map[i].end, PAGE_SIZE))
            return false;
    return pa != apic && pa != IOAPIC_BASE;
}

void mm_init(const struct boot_info *bi)
{
    uint64_t max_pa = 0;

    nr_mem_map = bi->nr_mem;
    for (unsigned int i = 0; i < bi->nr_mem; i++)
        mem_map[i] = bi->mem[i];

    for (unsigned int i = 0; i < bi->nr_mem; i++)
        if (bi->mem[i].usable)
            max_pa = MAX(max_pa, bi->mem[i].end);
    if (max_pa == 0)
        panic("the boot loader reported no usable memory");
    uint64_t nr_frames = max_pa >> PAGE_SHIFT;
    uint64_t bytes = ALIGN_UP(frame_pool_bitmap_bytes(nr_frames), PAGE_SIZE);
    uint64_t bitmap_pa = place_bitmap(bi, bytes);

    frame_pool_init(&hv_frames, 0, nr_frames, early_phys(bitmap_pa));
    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];
        uint64_t start = ALIGN_UP(MAX(r->start, LOW_MEMORY_END), PAGE_SIZE);
        uint64_t end = ALIGN_DOWN(r->end, PAGE_SIZE);
        if (r->usable && end > start)
            frame_pool_add(&hv_frames, maddr_to_mfn(maddr(start)), (end - start) >> PAGE_SHIFT);
    }
    /* Non-RAM ranges can overlap RAM ones in buggy maps: RAM wins only if unclaimed. */
    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];
        if (!r->usable)
            frame_pool_reserve(&hv_frames, maddr_to_mfn(maddr(ALIGN_DOWN(r->start, PAGE_SIZE))),
                               (ALIGN_UP(r->end, PAGE_SIZE) - ALIGN_DOWN(r->start, PAGE_SIZE)) >>
                                   PAGE_SHIFT);
    }
    frame_pool_reserve(&hv_frames, maddr_to_mfn(maddr((uint64_t)_load_start)),
                       (ALIGN_UP((uint64_t)_bss_end_phys, PAGE_SIZE) - (uint64_t)_load_start) >>
                           PAGE_SHIFT);
    for (unsigned int i = 0; i < bi->nr_modules; i++) {
        uint64_t s = ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE);
        uint64_t e = ALIGN_UP(bi->modules[i].end, PAGE_SIZE);
        frame_pool_reserve(&hv_frames, maddr_to_mfn(maddr(s)), (e - s) >> PAGE_SHIFT);
    }
    frame_pool_reserve(&hv_frames, maddr_to_mfn(maddr(bitmap_pa)), bytes >> PAGE_SHIFT);
    pr_info("memory: %llu MiB usable, %llu frames free after the image and %u modules",
            (unsigned long long)(hv_frames.total >> 8), (unsigned long long)hv_frames.free_count,
            bi->nr_modules);
}
