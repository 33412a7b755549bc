/*
 * skiff/guest_layout.h - where things go in a new domain's guest-physical
 * memory. One pure computation shared by the hypervisor's dom0 builder and
 * dom0's domain builder, so the two cannot drift apart.
 *
 *   0                   page 0, never mapped
 *   PAGE ...            free memory below the image (if any)
 *   image               ELF segments, each page with its segments' permissions
 *   ...                 free memory
 *   console             domUs: the console ring page (guest_layout_add_console)
 *   store               domUs: the xenstore ring page (guest_layout_add_store)
 *   modules             module copies (page aligned, first module lowest)
 *   stack_base          boot stack (GUEST_LAYOUT_STACK_SIZE), rsp = stack_top
 *   shared_info         one page
 *   start_info          the start info tree (GUEST_LAYOUT_START_INFO_SIZE), up to mem
 *
 * Use: guest_layout_plan() places the special pages and modules from the
 * RAM size; elf_parse() the image with guest_layout_image_limits(); then
 * guest_layout_place_image() records the free ranges around the image.
 * The header needs only <stdint.h> and skiff/elf.h, so guest code can use it.
 */
#ifndef SKIFF_GUEST_LAYOUT_H
#define SKIFF_GUEST_LAYOUT_H

#include <stdint.h>

#include <skiff/elf.h>

#define GUEST_LAYOUT_PAGE_SIZE       4096ull
#define GUEST_LAYOUT_STACK_SIZE      (16ull * 1024)
#define GUEST_LAYOUT_START_INFO_SIZE (64ull * 1024) /* SKIFF_START_INFO_MAX_SIZE */
#define GUEST_LAYOUT_SPECIAL_SIZE \
    (GUEST_LAYOUT_STACK_SIZE + GUEST_LAYOUT_PAGE_SIZE + GUEST_LAYOUT_START_INFO_SIZE)
#define GUEST_LAYOUT_MAX_MODULES 8
#define GUEST_LAYOUT_MAX_FREE    2 /* below and above the image */

struct guest_range {
    uint64_t base, size; /* guest-physical bytes */
};

struct guest_layout {
    uint64_t mem;         /* RAM is [0, mem) */
    uint64_t stack_base;  /* boot stack [stack_base, stack_top) */
    uint64_t stack_top;   /* initial rsp (16-byte aligned) */
    uint64_t shared_info; /* one page */
    uint64_t start_info;  /* [start_info, start_info + start_info_size) */
    uint64_t start_info_size;
    uint64_t console;      /* the console ring page, 0 if none */
    uint64_t store;        /* the xenstore ring page, 0 if none */
    uint64_t modules_base; /* lowest module copy, or stack_base without modules */
    unsigned int nr_modules;
    struct guest_range modules[GUEST_LAYOUT_MAX_MODULES]; /* size: the module's own bytes */
    unsigned int nr_free;                                 /* set by guest_layout_place_image */
    struct guest_range free[GUEST_LAYOUT_MAX_FREE];
};

/*
 * Places the special pages at the top of mem bytes of RAM and the modules
 * (module_sizes[0..nr_modules)) below them. 0; -EINVAL when mem is not page
 * aligned or too small for page 0, the special pages and one more page, or
 * for too many modules; -ENOMEM when the modules do not fit.
 */
int guest_layout_plan(uint64_t mem, const uint64_t *module_sizes, unsigned int nr_modules,
                      struct guest_layout *l);

/*
 * Takes the page below the modules (or the stack) for the console ring and
 * lowers modules_base past it; call after guest_layout_plan() and before
 * guest_layout_image_limits(). dom0's builder does it for every domU (dom0
 * itself writes to the hypervisor console and gets none). 0, or -ENOMEM
 * when no page is left above page 0.
 */
int guest_layout_add_console(struct guest_layout *l);
/* The same for the xenstore ring page (struct xenstore_domain_interface). */
int guest_layout_add_store(struct guest_layout *l);

/* Where the image's segments may lie: above page 0, below the modules. */
struct elf_limits guest_layout_image_limits(const struct guest_layout *l);

/*
 * Records the free ranges left around the parsed image. 0, or -EINVAL when
 * the image is outside guest_layout_image_limits() (elf_parse refuses such
 * an image, so this is only a second check).
 */
int guest_layout_place_image(struct guest_layout *l, const struct elf_image *img);

/*
 * Guest permissions (ELF_SEG_* bits, R always set) of page gfn of the
 * image: the union of the segments touching it (a segment without flags
 * still gives R). A page inside the image's span that no segment touches
 * stays read-write. W together with X cannot
 * happen: elf_parse refuses segments that would give it.
 */
uint32_t guest_layout_page_perms(const struct elf_image *img, uint64_t gfn);

/* First and one-past-last page frame of the image's span. */
uint64_t guest_layout_image_first_gfn(const struct elf_image *img);
uint64_t guest_layout_image_end_gfn(const struct elf_image *img);

#endif /* SKIFF_GUEST_LAYOUT_H */
