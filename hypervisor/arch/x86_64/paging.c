/*
 * paging.c - page tables: the hypervisor's own (a direct map of RAM, the
 * image with per-section permissions, MMIO mapped uncached on request) and
 * each domain's (guest RAM identity-mapped in the lower half with the
 * physmap's permissions, 2 MiB pages where possible; the upper half shared
 * with the hypervisor's tables, supervisor-only).
 *
 * Page-table frames come from the frame pool and are reached through the
 * direct map. Early in boot that map covers the low 4 GiB only, and the pool
 * hands out its lowest frames first, so building the first tables works.
 */
#include <string.h>

#include <asm/layout.h>
#include <asm/x86.h>
#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/panic.h>

#include "x86.h"

#define ENTRIES    512
#define SIZE_4K    (1ull << 12)
#define SIZE_2M    (1ull << 21)
#define SIZE_1G    (1ull << 30)
#define LOWER_HALF 256 /* PML4 entries of the guest half */

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _end[];

uint64_t hv_pml4_pa;

static uint64_t *table(uint64_t pa)
{
    return (uint64_t *)(DIRECTMAP_BASE + (pa & PTE_ADDR));
}

static unsigned int index_at(uint64_t va, unsigned int level)
{
    return (va >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

/*
 * Returns the entry for va at `level` (1 = 4K PTE, 2 = PDE, 3 = PDPTE),
 * creating intermediate tables with `dir_flags`. NULL when out of frames.
 */
static uint64_t *entry_for(uint64_t root, uint64_t va, unsigned int level, uint64_t dir_flags)
{
    uint64_t *t = table(root);

    for (unsigned int l = 4; l > level; l--) {
        uint64_t *e = &t[index_at(va, l)];
        if (!(*e & PTE_P)) {
            mfn_t f = frame_alloc_zeroed();
            if (!mfn_valid(f))
                return NULL;
            *e = mfn_to_maddr(f).ma | dir_flags;
        }
        BUG_ON(*e & PTE_PS); /* never split a large page */
        t = table(*e);
    }
    return &t[index_at(va, level)];
}

static int map_one(uint64_t root, uint64_t va, uint64_t pa, unsigned int level, uint64_t flags,
                   uint64_t dir_flags)
{
    uint64_t *e = entry_for(root, va, level, dir_flags);

    if (!e)
        return -ENOMEM;
    *e = pa | flags | PTE_P | (level > 1 ? PTE_PS : 0);
    return 0;
}

/* Maps [va, va+size) -> pa with the largest pages alignment allows. */
static int map_range(uint64_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
                     uint64_t dir_flags)
{
    int rc = 0;

    while (size > 0 && rc == 0) {
        bool aligned_1g = IS_ALIGNED(va | pa, SIZE_1G) && size >= SIZE_1G;
        bool aligned_2m = IS_ALIGNED(va | pa, SIZE_2M) && size >= SIZE_2M;
        uint64_t step;
        if (aligned_1g && cpu_features.page1gb) {
            rc = map_one(root, va, pa, 3, flags, dir_flags);
            step = SIZE_1G;
        } else if (aligned_2m) {
            rc = map_one(root, va, pa, 2, flags, dir_flags);
            step = SIZE_2M;
        } else {
            rc = map_one(root, va, pa, 1, flags, dir_flags);
            step = SIZE_4K;
        }
        va += step;
        pa += step;
        size -= step;
    }
    return rc;
}

static void map_hv(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    if (map_range(hv_pml4_pa, va, pa, size, flags | PTE_G | PTE_A | PTE_D, PTE_P | PTE_W))
        panic("out of memory building the hypervisor page tables");
}

static void map_image_section(const char *start, const char *end, uint64_t flags)
{
    uint64_t s = (uint64_t)start, e = ALIGN_UP((uint64_t)end, SIZE_4K);

    map_hv(s, s - KERNEL_VBASE, e - s, flags);
}

void paging_init(const struct boot_info *bi)
{
    mfn_t root = frame_alloc_zeroed();

    if (!mfn_valid(root))
        panic("out of memory for the hypervisor page tables");
    hv_pml4_pa = mfn_to_maddr(root).ma;
    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];
        uint64_t s = ALIGN_DOWN(r->start, SIZE_4K), e = ALIGN_UP(r->end, SIZE_4K);
        if (r->usable && e > s)
            map_hv(DIRECTMAP_BASE + s, s, e - s, PTE_W | PTE_NX);
    }
    map_image_section(_text, _etext, 0);
    map_image_section(_rodata, _erodata, PTE_NX);
    map_image_section(_data, _end, PTE_W | PTE_NX);
    /*
     * Domains copy the upper-half PML4 slots when they are created, so every
     * slot the hypervisor will ever use must exist now: the direct map (which
     * also holds MMIO mappings) and the image. Both were created above.
     */
    write_cr3(hv_pml4_pa);
    pr_info("paging: direct map at 0x%llx, image at 0x%llx, low identity map dropped",
            (unsigned long long)DIRECTMAP_BASE, (unsigned long long)KERNEL_VBASE);
}

void *paging_map_mmio(uint64_t pa, uint64_t size)
{
    uint64_t s = ALIGN_DOWN(pa, SIZE_4K), e = ALIGN_UP(pa + size, SIZE_4K);

    for (uint64_t p = s; p < e; p += SIZE_4K) {
        uint64_t *pte = entry_for(hv_pml4_pa, DIRECTMAP_BASE + p, 1, PTE_P | PTE_W);
        if (!pte)
            panic("out of memory mapping MMIO at 0x%llx", (unsigned long long)p);
        *pte = p | PTE_P | PTE_W | PTE_NX | PTE_PCD | PTE_PWT | PTE_G;
        invlpg(DIRECTMAP_BASE + p);
    }
    return (void *)(DIRECTMAP_BASE + pa);
}

/* ---- guest page tables ---- */

static uint64_t guest_pte_flags(uint64_t p2m)
{
    uint64_t f = PTE_U | PTE_A | PTE_D;

    if (p2m & P2M_W)
        f |= PTE_W;
    if (!(p2m & P2M_X))
        f |= PTE_NX;
    if (p2m & P2M_UC)
        f |= PTE_PCD | PTE_PWT;
    return f;
}

/* Can gfns [g, g+512) be one 2 MiB page (same permissions, contiguous, aligned)? */
static bool fits_2m(const struct physmap *pm, uint64_t g)
{
    uint64_t first = pm->p2m[g];

    if (g % 512 || g + 512 > pm->nr_pages || !first || !IS_ALIGNED(first & PAGE_MASK, SIZE_2M))
        return false;
    for (uint64_t i = 1; i < 512; i++)
        if (pm->p2m[g + i] != first + (i << PAGE_SHIFT))
            return false;
    return true;
}

int arch_domain_init(struct domain *d)
{
    mfn_t root = frame_alloc_zeroed();

    if (!mfn_valid(root))
        return -ENOMEM;
    d->arch.pml4_mfn = root.mfn;
    memcpy(&table(mfn_to_maddr(root).ma)[LOWER_HALF], &table(hv_pml4_pa)[LOWER_HALF],
           LOWER_HALF * sizeof(uint64_t));
    return 0;
}

int arch_domain_map_ram(struct domain *d)
{
    const struct physmap *pm = &d->physmap;
    uint64_t root = d->arch.pml4_mfn << PAGE_SHIFT;
    uint64_t dir = PTE_P | PTE_W | PTE_U;

    for (uint64_t g = 1; g < pm->nr_pages;) {
        uint64_t e = pm->p2m[g];
        int rc = 0;
        if (fits_2m(pm, g)) {
            rc = map_one(root, g << PAGE_SHIFT, e & PAGE_MASK, 2, guest_pte_flags(e), dir);
            g += 512;
        } else {
            if (e & P2M_PERMS)
                rc = map_one(root, g << PAGE_SHIFT, e & PAGE_MASK, 1, guest_pte_flags(e), dir);
            g++;
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Is d's address space the one loaded on this CPU (so its TLB entries may be live)? */
static bool loaded_here(const struct domain *d)
{
    return (read_cr3() & PTE_ADDR) == (d->arch.pml4_mfn << PAGE_SHIFT);
}

int arch_map_page(struct domain *d, uint64_t gfn, mfn_t mfn, uint64_t perms)
{
    uint64_t root = d->arch.pml4_mfn << PAGE_SHIFT;
    int rc = map_one(root, gfn << PAGE_SHIFT, mfn_to_maddr(mfn).ma, 1, guest_pte_flags(perms),
                     PTE_P | PTE_W | PTE_U);

    if (rc == 0 && loaded_here(d))
        invlpg(gfn << PAGE_SHIFT);
    return rc;
}

/* The 4 KiB entry for va if the tables down to it exist, else NULL. */
static uint64_t *existing_pte(uint64_t root, uint64_t va)
{
    uint64_t *t = table(root);

    for (unsigned int l = 4; l > 1; l--) {
        uint64_t e = t[index_at(va, l)];
        if (!(e & PTE_P) || (e & PTE_PS))
            return NULL;
        t = table(e);
    }
    return &t[index_at(va, 1)];
}

void arch_unmap_page(struct domain *d, uint64_t gfn)
{
    uint64_t *pte = existing_pte(d->arch.pml4_mfn << PAGE_SHIFT, gfn << PAGE_SHIFT);

    if (!pte)
        return;
    *pte = 0;
    if (loaded_here(d))
        invlpg(gfn << PAGE_SHIFT);
}

static void free_table(uint64_t pa, unsigned int level)
{
    uint64_t *t = table(pa);

    for (unsigned int i = 0; level > 1 && i < ENTRIES; i++)
        if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
            free_table(t[i] & PTE_ADDR, level - 1);
    frame_free(maddr_to_mfn(maddr(pa)));
}

void arch_domain_destroy(struct domain *d)
{
    if (!d->arch.pml4_mfn)
        return;
    uint64_t *root = table(d->arch.pml4_mfn << PAGE_SHIFT);
    for (unsigned int i = 0; i < LOWER_HALF; i++)
        if (root[i] & PTE_P)
            free_table(root[i] & PTE_ADDR, 3);
    frame_free(mfn(d->arch.pml4_mfn));
    d->arch.pml4_mfn = 0;
}

uint64_t arch_guest_va_limit(void)
{
    return GUEST_VA_TOP;
}
