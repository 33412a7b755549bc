/*
 * common/guest_layout.c - the guest-physical layout of a new domain
 * (skiff/guest_layout.h): special pages at the top, modules below them,
 * the image where its ELF says, free memory around it. Pure arithmetic,
 * compiled into the hypervisor (dom0_build.c) and into dom0's builder.
 */
#include <stdbool.h>
#include <string.h>

#include <skiff/errno.h>
#include <skiff/guest_layout.h>

#define PAGE GUEST_LAYOUT_PAGE_SIZE

static uint64_t page_up(uint64_t x)
{
    return (x + PAGE - 1) & ~(PAGE - 1);
}

static uint64_t page_down(uint64_t x)
{
    return x & ~(PAGE - 1);
}

static void place_special_pages(uint64_t mem, struct guest_layout *l)
{
    l->mem = mem;
    l->start_info_size = GUEST_LAYOUT_START_INFO_SIZE;
    l->start_info = mem - GUEST_LAYOUT_START_INFO_SIZE;
    l->shared_info = l->start_info - PAGE;
    l->stack_top = l->shared_info;
    l->stack_base = l->stack_top - GUEST_LAYOUT_STACK_SIZE;
}

/* Modules go top-down below the stack, the last one highest. */
static int place_modules(const uint64_t *sizes, unsigned int n, struct guest_layout *l)
{
    uint64_t top = l->stack_base;

    for (unsigned int i = n; i-- > 0;) {
        if (sizes[i] > top - PAGE || page_up(sizes[i]) > top - PAGE)
            return -ENOMEM;
        top -= page_up(sizes[i]);
        l->modules[i].base = top;
        l->modules[i].size = sizes[i];
    }
    l->nr_modules = n;
    l->modules_base = top;
    return 0;
}

int guest_layout_plan(uint64_t mem, const uint64_t *module_sizes, unsigned int nr_modules,
                      struct guest_layout *l)
{
    memset(l, 0, sizeof(*l));
    if (mem % PAGE || mem < GUEST_LAYOUT_SPECIAL_SIZE + 2 * PAGE ||
        nr_modules > GUEST_LAYOUT_MAX_MODULES)
        return -EINVAL;
    place_special_pages(mem, l);
    return place_modules(module_sizes, nr_modules, l);
}

int guest_layout_add_console(struct guest_layout *l)
{
    if (l->console || l->modules_base < 3 * PAGE)
        return -ENOMEM;
    l->modules_base -= PAGE;
    l->console = l->modules_base;
    return 0;
}

int guest_layout_add_store(struct guest_layout *l)
{
    if (l->store || l->modules_base < 3 * PAGE)
        return -ENOMEM;
    l->modules_base -= PAGE;
    l->store = l->modules_base;
    return 0;
}

struct elf_limits guest_layout_image_limits(const struct guest_layout *l)
{
    return (struct elf_limits){PAGE, l->modules_base};
}

static void add_free(struct guest_layout *l, uint64_t base, uint64_t end)
{
    base = page_up(base);
    end = page_down(end);
    if (end > base && l->nr_free < GUEST_LAYOUT_MAX_FREE) {
        l->free[l->nr_free].base = base;
        l->free[l->nr_free].size = end - base;
        l->nr_free++;
    }
}

int guest_layout_place_image(struct guest_layout *l, const struct elf_image *img)
{
    if (img->nr_segments == 0 || img->lowest < PAGE || img->highest > l->modules_base ||
        img->lowest >= img->highest)
        return -EINVAL;
    l->nr_free = 0;
    add_free(l, PAGE, img->lowest);
    add_free(l, img->highest, l->modules_base);
    return 0;
}

uint64_t guest_layout_image_first_gfn(const struct elf_image *img)
{
    return img->lowest / PAGE;
}

uint64_t guest_layout_image_end_gfn(const struct elf_image *img)
{
    return page_up(img->highest) / PAGE;
}

static int segment_touches(const struct elf_segment *s, uint64_t gfn)
{
    return gfn >= s->vaddr / PAGE && gfn < page_up(s->vaddr + s->memsz) / PAGE;
}

uint32_t guest_layout_page_perms(const struct elf_image *img, uint64_t gfn)
{
    uint32_t perms = 0;
    bool touched = false;

    for (unsigned int i = 0; i < img->nr_segments; i++) {
        if (segment_touches(&img->segments[i], gfn)) {
            perms |= img->segments[i].perms;
            touched = true;
        }
    }
    return touched ? (perms | ELF_SEG_R) : (ELF_SEG_R | ELF_SEG_W);
}
