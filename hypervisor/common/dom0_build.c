/*
 * common/dom0_build.c - builds the control domain from the first boot module.
 *
 * dom0's RAM is one machine-contiguous range. Its guest-physical layout:
 *
 *   0                 page 0, never mapped
 *   PAGE_SIZE ...     free memory below the image (if any)
 *   image             ELF segments with their own permissions
 *   ...               free memory
 *   modules           copies of boot modules 1..n (page aligned)
 *   special           boot stack (16 KiB), shared_info (4 KiB),
 *                     start info (64 KiB) at the very top
 *
 * Everything is validated before the domain is created; any later failure
 * destroys the half-built domain, so nothing is left behind.
 */
#include <string.h>

#include <public/skiff.h>
#include <skiff_version.h>
#include <skiff/arch.h>
#include <skiff/cmdline.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/elf.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/setup.h>
#include <skiff/start_info.h>

#define START_INFO_SIZE SKIFF_START_INFO_MAX_SIZE
#define DOM0_WEIGHT     512 /* the control domain answers first when busy */
#define BOOT_STACK_SIZE (16 * 1024)
#define SPECIAL_SIZE    (START_INFO_SIZE + PAGE_SIZE + BOOT_STACK_SIZE)
#define DOM0_MIN_MEM    (4ull << 20)

struct dom0_layout {
    uint64_t mem;          /* bytes of RAM */
    uint64_t special_base; /* boot stack, then shared_info, then start info */
    uint64_t shared_info;
    uint64_t start_info;
    uint64_t modules_base; /* lowest module copy */
    uint64_t module_addr[BOOT_MAX_MODULES];
};

static uint64_t module_size(const struct boot_module *m)
{
    return m->end - m->start;
}

static int plan_layout(const struct boot_info *bi, uint64_t mem, struct dom0_layout *l)
{
    uint64_t top;

    memset(l, 0, sizeof(*l));
    l->mem = mem;
    l->start_info = mem - START_INFO_SIZE;
    l->shared_info = l->start_info - PAGE_SIZE;
    l->special_base = l->shared_info - BOOT_STACK_SIZE;
    top = l->special_base;
    for (unsigned int i = bi->nr_modules; i-- > 1;) {
        uint64_t size = ALIGN_UP(module_size(&bi->modules[i]), PAGE_SIZE);
        if (size > top - PAGE_SIZE)
            return -ENOMEM;
        top -= size;
        l->module_addr[i] = top;
    }
    l->modules_base = top;
    return 0;
}

/* Copies bytes into the domain's RAM at guest-physical gpa (builder only). */
static void build_copy(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
    const char *s = src;

    while (len > 0) {
        uint64_t chunk = MIN(len, PAGE_SIZE - (gpa & ~PAGE_MASK));
        mfn_t f = domain_gfn_to_mfn(d, gpa >> PAGE_SHIFT);
        memcpy((char *)arch_maddr_to_virt(mfn_to_maddr(f)) + (gpa & ~PAGE_MASK), s, chunk);
        gpa += chunk;
        s += chunk;
        len -= chunk;
    }
}

/* Page permissions: the union of the segments touching each page. */
static int apply_segment_perms(struct domain *d, const struct elf_image *img)
{
    uint64_t lo = img->lowest >> PAGE_SHIFT;
    uint64_t hi = ALIGN_UP(img->highest, PAGE_SIZE) >> PAGE_SHIFT;

    for (uint64_t g = lo; g < hi; g++) {
        uint64_t perms = 0;
        for (unsigned int i = 0; i < img->nr_segments; i++) {
            const struct elf_segment *s = &img->segments[i];
            if (g >= (s->vaddr >> PAGE_SHIFT) &&
                g < (ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE) >> PAGE_SHIFT))
                perms |= s->perms;
        }
        /* A page inside the image span but in no segment stays read-write. */
        int rc = domain_set_perms(d, g, 1, perms ? (perms | P2M_R) : (P2M_R | P2M_W));
        if (rc)
            return rc;
    }
    return 0;
}

static void load_segments(struct domain *d, const struct elf_image *img, const uint8_t *image)
{
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];
        build_copy(d, s->vaddr, image + s->offset, s->filesz);
        /* The rest (bss) is already zero: domain RAM starts zeroed. */
    }
}

static void fill_hypercall_page(struct domain *d, uint64_t va)
{
    mfn_t f = domain_gfn_to_mfn(d, va >> PAGE_SHIFT);

    arch_fill_hypercall_page(arch_maddr_to_virt(mfn_to_maddr(f)));
}

static void add_free_range(struct start_info_desc *si, uint64_t base, uint64_t end)
{
    base = ALIGN_UP(base, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    if (end > base && si->nr_free < SKIFF_START_INFO_MAX_RANGES) {
        si->free[si->nr_free].base = base;
        si->free[si->nr_free].size = end - base;
        si->nr_free++;
    }
}

static void describe_dom0(const struct boot_info *bi, const struct domain *d,
                          const struct elf_image *img, const struct dom0_layout *l,
                          struct start_info_desc *si)
{
    memset(si, 0, sizeof(*si));
    si->domid = 0;
    si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si->vcpus = 1;
    si->name = d->name;
    si->cmdline = bi->modules[0].cmdline;
    si->mem_bytes = l->mem;
    si->shared_info = l->shared_info;
    si->hypercall_page = img->hypercall_page;
    si->start_info_base = l->start_info;
    si->start_info_size = START_INFO_SIZE;
    si->grant_window_base = d->window.base_gfn << PAGE_SHIFT;
    si->grant_window_size = d->window.nr_pages << PAGE_SHIFT;
    add_free_range(si, PAGE_SIZE, img->lowest);
    add_free_range(si, img->highest, l->modules_base);
    for (unsigned int i = 1; i < bi->nr_modules && si->nr_modules < SKIFF_START_INFO_MAX_MODULES;
         i++) {
        struct si_module *m = &si->modules[si->nr_modules++];
        m->base = l->module_addr[i];
        m->size = module_size(&bi->modules[i]);
        m->cmdline = bi->modules[i].cmdline;
    }
    si->has_machine_base = true;
    si->machine_base = mfn_to_maddr(d->ram_base).ma;
    si->hv_version = SKIFF_VERSION_STRING;
}

static int write_start_info(struct domain *d, const struct start_info_desc *si)
{
    mfn_t f = domain_gfn_to_mfn(d, si->start_info_base >> PAGE_SHIFT);

    /* dom0's RAM is contiguous, so the start info pages are too. */
    return start_info_build(arch_maddr_to_virt(mfn_to_maddr(f)), START_INFO_SIZE, si);
}

/*
 * dom0's RAM: dom0_mem rounded down to 2 MiB and at least DOM0_MIN_MEM, but
 * never more than what is free minus a reserve for page tables and the
 * heap. 0 when not even DOM0_MIN_MEM fits.
 */
static uint64_t dom0_memory(void)
{
    uint64_t mem = ALIGN_DOWN(hv_opts.dom0_mem, 2ull << 20);
    uint64_t avail = frame_free_count() * PAGE_SIZE;
    uint64_t keep = 8ull << 20;
    uint64_t most = avail > keep ? ALIGN_DOWN(avail - keep, 2ull << 20) : 0;

    if (mem < DOM0_MIN_MEM)
        mem = DOM0_MIN_MEM;
    if (mem > most) {
        pr_warn("dom0_mem=%llu MiB is more than is free; using %llu MiB",
                (unsigned long long)(mem >> 20), (unsigned long long)(most >> 20));
        mem = most;
    }
    return mem < DOM0_MIN_MEM ? 0 : mem;
}

static int populate(struct domain *d, const struct boot_info *bi, const struct elf_image *img,
                    const struct dom0_layout *l)
{
    const uint8_t *image = arch_maddr_to_virt(maddr(bi->modules[0].start));
    struct start_info_desc si;
    int rc;

    rc = domain_alloc_ram(d, l->mem >> PAGE_SHIFT, true);
    if (rc)
        return rc;
    load_segments(d, img, image);
    rc = apply_segment_perms(d, img);
    if (rc)
        return rc;
    if (img->hypercall_page)
        fill_hypercall_page(d, img->hypercall_page);
    for (unsigned int i = 1; i < bi->nr_modules; i++)
        build_copy(d, l->module_addr[i], arch_maddr_to_virt(maddr(bi->modules[i].start)),
                   module_size(&bi->modules[i]));
    rc = domain_set_shared_info(d, l->shared_info >> PAGE_SHIFT);
    if (rc)
        return rc;
    describe_dom0(bi, d, img, l, &si);
    rc = write_start_info(d, &si);
    if (rc)
        return rc;
    arch_vcpu_init(d->vcpu[0], img->entry, l->special_base + BOOT_STACK_SIZE, l->start_info);
    return domain_start(d);
}

int dom0_build(const struct boot_info *bi, struct domain **out)
{
    struct dom0_layout layout;
    struct elf_image img;
    struct domain *d;
    const char *why = "";
    int rc;

    if (bi->nr_modules == 0) {
        pr_err("dom0: no boot module (the first module must be dom0's ELF image)");
        return -ENOENT;
    }
    uint64_t mem = dom0_memory();
    if (mem == 0) {
        pr_err("dom0: not enough free memory for its minimum of %llu MiB",
               (unsigned long long)(DOM0_MIN_MEM >> 20));
        return -ENOMEM;
    }
    rc = plan_layout(bi, mem, &layout);
    if (rc) {
        pr_err("dom0: boot modules do not fit in dom0_mem=%llu MiB",
               (unsigned long long)(mem >> 20));
        return rc;
    }
    const struct elf_limits lim = {PAGE_SIZE, layout.modules_base};
    rc = elf_parse(arch_maddr_to_virt(maddr(bi->modules[0].start)), module_size(&bi->modules[0]),
                   &lim, &img, &why);
    if (rc) {
        pr_err("dom0: bad kernel image: %s", why);
        return rc;
    }
    const struct domain_config cfg = {
        .domid = 0,
        .name = "Domain-0",
        .privileged = true,
        .weight = DOM0_WEIGHT,
        .window_pages = WINDOW_DOM0_PAGES,
    };
    d = domain_create(&cfg);
    if (!d) {
        pr_err("dom0: out of memory creating the domain");
        return -ENOMEM;
    }
    rc = populate(d, bi, &img, &layout);
    if (rc) {
        pr_err("dom0: cannot build the domain (error %d)", rc);
        domain_destroy(d);
        return rc;
    }
    pr_info("dom0: %llu MiB at machine 0x%llx, entry 0x%llx, %u segments, start info at 0x%llx",
            (unsigned long long)(mem >> 20), (unsigned long long)mfn_to_maddr(d->ram_base).ma,
            (unsigned long long)img.entry, img.nr_segments, (unsigned long long)layout.start_info);
    *out = d;
    return 0;
}
