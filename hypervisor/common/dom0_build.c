/*
 * common/dom0_build.c - builds the control domain from the first boot module.
 *
 * dom0's RAM is one machine-contiguous range. Its guest-physical layout is
 * the one every domain gets (skiff/guest_layout.h, shared with dom0's own
 * domain builder): page 0 unmapped, the image where its ELF says, copies of
 * boot modules 1..n below the boot stack, shared_info and the start info at
 * the very top, free memory around the image.
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
#include <skiff/guest_layout.h>
#include <skiff/setup.h>
#include <skiff/start_info.h>

_Static_assert(GUEST_LAYOUT_START_INFO_SIZE == SKIFF_START_INFO_MAX_SIZE, "start info size");
_Static_assert(GUEST_LAYOUT_PAGE_SIZE == PAGE_SIZE, "page size");
_Static_assert(BOOT_MAX_MODULES - 1 <= GUEST_LAYOUT_MAX_MODULES, "modules");

#define DOM0_WEIGHT  512 /* the control domain answers first when busy */
#define DOM0_MIN_MEM (4ull << 20)

static uint64_t module_size(const struct boot_module *m)
{
    return m->end - m->start;
}

/* Boot modules 1..n (module 0 is dom0's image) go into dom0's RAM. */
static int plan_layout(const struct boot_info *bi, uint64_t mem, struct guest_layout *l)
{
    uint64_t sizes[GUEST_LAYOUT_MAX_MODULES];
    unsigned int n = 0;

    for (unsigned int i = 1; i < bi->nr_modules; i++)
        sizes[n++] = module_size(&bi->modules[i]);
    return guest_layout_plan(mem, sizes, n, l);
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

/* Page permissions of the image: the union of the segments touching each page. */
static int apply_segment_perms(struct domain *d, const struct elf_image *img)
{
    uint64_t end = guest_layout_image_end_gfn(img);

    for (uint64_t g = guest_layout_image_first_gfn(img); g < end; g++) {
        int rc = domain_set_perms(d, g, 1, guest_layout_page_perms(img, g));
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

static void describe_dom0(const struct boot_info *bi, const struct domain *d,
                          const struct elf_image *img, const struct guest_layout *l,
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
    si->start_info_size = l->start_info_size;
    si->grant_window_base = d->window.base_gfn << PAGE_SHIFT;
    si->grant_window_size = d->window.nr_pages << PAGE_SHIFT;
    for (unsigned int i = 0; i < l->nr_free; i++) {
        si->free[i].base = l->free[i].base;
        si->free[i].size = l->free[i].size;
    }
    si->nr_free = l->nr_free;
    for (unsigned int i = 0; i < l->nr_modules; i++) {
        si->modules[i].base = l->modules[i].base;
        si->modules[i].size = l->modules[i].size;
        si->modules[i].cmdline = bi->modules[i + 1].cmdline;
    }
    si->nr_modules = l->nr_modules;
    si->has_machine_base = true;
    si->machine_base = mfn_to_maddr(d->ram_base).ma;
    si->hv_version = SKIFF_VERSION_STRING;
}

static int write_start_info(struct domain *d, const struct start_info_desc *si)
{
    mfn_t f = domain_gfn_to_mfn(d, si->start_info_base >> PAGE_SHIFT);

    /* dom0's RAM is contiguous, so the start info pages are too. */
    return start_info_build(arch_maddr_to_virt(mfn_to_maddr(f)), si->start_info_size, si);
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
                    const struct guest_layout *l)
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
    for (unsigned int i = 0; i < l->nr_modules; i++)
        build_copy(d, l->modules[i].base, arch_maddr_to_virt(maddr(bi->modules[i + 1].start)),
                   l->modules[i].size);
    rc = domain_set_shared_info(d, l->shared_info >> PAGE_SHIFT);
    if (rc)
        return rc;
    describe_dom0(bi, d, img, l, &si);
    rc = write_start_info(d, &si);
    if (rc)
        return rc;
    arch_vcpu_init(d->vcpu[0], img->entry, l->stack_top, l->start_info);
    return domain_start(d);
}

/* Validates dom0's image against the space the layout leaves it. */
static int parse_image(const struct boot_module *m, struct guest_layout *l, struct elf_image *img)
{
    const struct elf_limits lim = guest_layout_image_limits(l);
    const char *why = "";
    int rc;

    rc = elf_parse(arch_maddr_to_virt(maddr(m->start)), module_size(m), &lim, img, &why);
    if (rc == 0 && guest_layout_place_image(l, img)) {
        rc = -ENOEXEC;
        why = "image outside the space left for it";
    }
    if (rc)
        pr_err("dom0: bad kernel image: %s", why);
    return rc;
}

int dom0_build(const struct boot_info *bi, struct domain **out)
{
    struct guest_layout layout;
    struct elf_image img;
    struct domain *d;
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
    rc = parse_image(&bi->modules[0], &layout, &img);
    if (rc)
        return rc;
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
