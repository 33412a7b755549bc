/*
 * builder.c - dom0's domain builder (builder.h). First everything is
 * checked: the request, the ELF image (elf_parse), the layout
 * (guest_layout.c) and the start info (written once to a scratch buffer).
 * Only then is the domain created; it is loaded through foreign mappings in
 * dom0's grant window and finished with the domctl build steps. Any failure
 * after creation destroys the domain again.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/elf.h>
#include <skiff/guest.h>
#include <skiff/guest_layout.h>
#include <skiff/hypercall.h>
/* The hypervisor's start info writer (guest-lib's parser owns <skiff/start_info.h>). */
#include <hypervisor/include/skiff/start_info.h>
#include <public/memory.h>

#include "builder.h"
#include "domctl.h"

#define PAGE GUEST_LAYOUT_PAGE_SIZE

_Static_assert(ELF_SEG_R == SKIFF_PERM_R && ELF_SEG_W == SKIFF_PERM_W && ELF_SEG_X == SKIFF_PERM_X,
               "ELF segment permissions are domctl page permissions");
_Static_assert(GUEST_LAYOUT_START_INFO_SIZE == SKIFF_START_INFO_MAX_SIZE, "start info size");

struct build {
    const struct builder_request *req;
    struct guest_layout layout;
    struct elf_image img;
    struct start_info_desc si;
    void *si_buf; /* GUEST_LAYOUT_START_INFO_SIZE bytes */
    domid_t domid;
    evtchn_port_t console_port; /* the new domain's, offered to dom0 */
    evtchn_port_t store_port;   /* likewise */
};

static builder_console_fn *console_backend;

void builder_set_console_backend(builder_console_fn *fn)
{
    console_backend = fn;
}

static builder_store_fn *store_backend;

void builder_set_store_backend(builder_store_fn *fn)
{
    store_backend = fn;
}

static int fail(const char **why, const char *msg, int rc)
{
    *why = msg;
    return rc;
}

static bool valid_name(const char *name)
{
    size_t len = strnlen(name, BUILDER_NAME_MAX + 1);

    if (len == 0 || len > BUILDER_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (name[i] <= ' ' || name[i] > '~')
            return false;
    return true;
}

static int check_request(const struct builder_request *req, const char **why)
{
    if (!req->name || !valid_name(req->name))
        return fail(why, "bad name (1 to 31 printable characters, no spaces)", -EINVAL);
    if (req->mem_bytes < BUILDER_MIN_MEM || req->mem_bytes % PAGE ||
        req->mem_bytes >= SKIFF_GRANT_WINDOW_BASE)
        return fail(why, "bad memory size (at least 1 MiB, whole pages)", -EINVAL);
    if (req->cmdline && strnlen(req->cmdline, SKIFF_CMDLINE_MAX) == SKIFF_CMDLINE_MAX)
        return fail(why, "command line too long", -EINVAL);
    if (req->max_grant_frames > SKIFF_GNTTAB_MAX_FRAMES)
        return fail(why, "bad max_grant_frames (1 to 64, 0 for the default)", -EINVAL);
    if (!req->image || req->image_size == 0)
        return fail(why, "empty image", -ENOEXEC);
    if (start_info.grant_window_size < BUILDER_WINDOW_SIZE)
        return fail(why, "dom0's grant window is too small for the builder", -ENOSPC);
    return 0;
}

static void describe(struct build *b)
{
    const struct guest_layout *l = &b->layout;
    struct start_info_desc *si = &b->si;

    memset(si, 0, sizeof(*si));
    si->domid = b->domid;
    si->vcpus = 1;
    si->name = b->req->name;
    si->cmdline = b->req->cmdline ? b->req->cmdline : "";
    si->mem_bytes = l->mem;
    si->shared_info = l->shared_info;
    si->hypercall_page = b->img.hypercall_page;
    si->start_info_base = l->start_info;
    si->start_info_size = l->start_info_size;
    si->grant_window_base = SKIFF_GRANT_WINDOW_BASE;
    si->grant_window_size = SKIFF_GRANT_WINDOW_DOMU_PAGES * PAGE;
    for (unsigned int i = 0; i < l->nr_free; i++) {
        si->free[i].base = l->free[i].base;
        si->free[i].size = l->free[i].size;
    }
    si->nr_free = l->nr_free;
    si->has_console = true;
    si->console_page = l->console;
    si->console_port = b->console_port;
    si->has_store = true;
    si->store_page = l->store;
    si->store_port = b->store_port;
    si->hv_version = start_info.hv_version;
}

static int write_start_info(struct build *b)
{
    describe(b);
    return start_info_build(b->si_buf, GUEST_LAYOUT_START_INFO_SIZE, &b->si);
}

/* Layout, image and start info: all checked before the domain exists. */
static int plan(struct build *b, const char **why)
{
    struct elf_limits lim;
    int rc;

    rc = guest_layout_plan(b->req->mem_bytes, NULL, 0, &b->layout);
    if (rc == 0)
        rc = guest_layout_add_console(&b->layout);
    if (rc == 0)
        rc = guest_layout_add_store(&b->layout);
    if (rc)
        return fail(why, "memory too small for the special pages", rc);
    lim = guest_layout_image_limits(&b->layout);
    rc = elf_parse(b->req->image, b->req->image_size, &lim, &b->img, why);
    if (rc)
        return rc;
    if (guest_layout_place_image(&b->layout, &b->img))
        return fail(why, "image outside the space left for it", -ENOEXEC);
    if (write_start_info(b))
        return fail(why, "start info does not fit in its pages", -ENOSPC);
    return 0;
}

static uint64_t window_gfn(void)
{
    return start_info.grant_window_base / PAGE;
}

static unsigned char *window_va(void)
{
    return (unsigned char *)(uintptr_t)start_info.grant_window_base;
}

/* Copies len bytes to guest-physical gpa of domain id, a window's worth at a time. */
static int copy_into_domain(domid_t id, uint64_t gpa, const void *src, uint64_t len)
{
    const unsigned char *s = src;

    while (len > 0) {
        uint64_t off = gpa % PAGE;
        uint64_t chunk = len < BUILDER_WINDOW_SIZE - off ? len : BUILDER_WINDOW_SIZE - off;
        unsigned int pages = (unsigned int)((off + chunk + PAGE - 1) / PAGE);
        int rc = domctl_map_foreign(id, gpa / PAGE, window_gfn(), pages);
        if (rc)
            return rc;
        memcpy(window_va() + off, s, chunk);
        rc = domctl_unmap_foreign(window_gfn(), pages);
        if (rc)
            return rc;
        gpa += chunk;
        s += chunk;
        len -= chunk;
    }
    return 0;
}

static int load_segments(struct build *b)
{
    for (unsigned int i = 0; i < b->img.nr_segments; i++) {
        const struct elf_segment *s = &b->img.segments[i];
        const unsigned char *bytes = (const unsigned char *)b->req->image + s->offset;
        /* The rest of the segment (bss) is already zero: RAM starts zeroed. */
        int rc = copy_into_domain(b->domid, s->vaddr, bytes, s->filesz);
        if (rc)
            return rc;
    }
    return 0;
}

/* W^X: each image page gets its segments' permissions, in runs of equal pages. */
static int set_image_perms(struct build *b)
{
    uint64_t end = guest_layout_image_end_gfn(&b->img);
    uint64_t g = guest_layout_image_first_gfn(&b->img);

    while (g < end) {
        uint32_t perms = guest_layout_page_perms(&b->img, g);
        uint64_t run = 1;
        while (g + run < end && guest_layout_page_perms(&b->img, g + run) == perms)
            run++;
        int rc = domctl_set_page_perms(b->domid, g, run, perms);
        if (rc)
            return rc;
        g += run;
    }
    return 0;
}

static int set_special_pages(struct build *b)
{
    int rc = 0;

    if (b->img.hypercall_page)
        rc = domctl_hypercall_init(b->domid, b->img.hypercall_page / PAGE);
    if (rc == 0)
        rc = domctl_set_shared_info(b->domid, b->layout.shared_info / PAGE);
    return rc;
}

/* A port of the new domain offered to dom0 (console, store). */
static int offer_port(struct build *b, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = {.dom = b->domid, .remote_dom = 0};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

static int connect_console(struct build *b)
{
    struct builder_ring c = {.gfn = b->layout.console / PAGE, .port = b->console_port};

    return console_backend ? console_backend(b->domid, &c) : 0;
}

static int connect_store(struct build *b)
{
    struct builder_ring r = {.gfn = b->layout.store / PAGE, .port = b->store_port};

    if (!store_backend)
        return 0;
    return store_backend(b->domid, b->req->name, b->req->mem_bytes, &r);
}

/* Loads and sets up the created domain b->domid; *why says which step failed. */
static int populate(struct build *b, const char **why)
{
    int rc;

    rc = offer_port(b, &b->console_port);
    if (rc)
        return fail(why, "cannot allocate the console's event channel", rc);
    rc = offer_port(b, &b->store_port);
    if (rc)
        return fail(why, "cannot allocate the store's event channel", rc);
    rc = load_segments(b);
    if (rc)
        return fail(why, "cannot load the image into the domain", rc);
    rc = set_image_perms(b);
    if (rc)
        return fail(why, "cannot set the image's page permissions", rc);
    rc = set_special_pages(b);
    if (rc)
        return fail(why, "cannot set up the hypercall page or shared_info", rc);
    if (write_start_info(b))
        return fail(why, "cannot write the start info", -ENOSPC);
    rc = copy_into_domain(b->domid, b->layout.start_info, b->si_buf, fdt_totalsize(b->si_buf));
    if (rc)
        return fail(why, "cannot copy the start info into the domain", rc);
    rc = domctl_set_vcpu_context(b->domid, b->img.entry, b->layout.stack_top, b->layout.start_info);
    if (rc)
        return fail(why, "cannot set the vCPU's entry state", rc);
    rc = connect_console(b);
    if (rc)
        return fail(why, "cannot connect the console backend", rc);
    rc = connect_store(b);
    if (rc)
        return fail(why, "cannot introduce the domain to xenstored", rc);
    if (b->req->leave_paused)
        return 0;
    rc = domctl_unpause(b->domid);
    if (rc)
        return fail(why, "cannot unpause the domain", rc);
    return 0;
}

static const char *create_refusal(int rc)
{
    switch (rc) {
    case -EEXIST:
        return "a domain with that name exists";
    case -ENOMEM:
        return "not enough free memory";
    case -ENOSPC:
        return "no free domain id";
    default:
        return "the hypervisor refused to create the domain";
    }
}

int builder_build(const struct builder_request *req, domid_t *domid, const char **why)
{
    struct build b = {.req = req};
    int rc;

    rc = check_request(req, why);
    if (rc)
        return rc;
    b.si_buf = malloc(GUEST_LAYOUT_START_INFO_SIZE);
    if (!b.si_buf)
        return fail(why, "out of memory in dom0", -ENOMEM);
    rc = plan(&b, why);
    if (rc)
        goto out;
    rc = domctl_create(req->name, req->mem_bytes / PAGE, req->max_grant_frames, &b.domid);
    if (rc) {
        *why = create_refusal(rc);
        goto out;
    }
    if (req->on_created) {
        rc = req->on_created(b.domid, req->on_created_arg);
        if (rc) {
            *why = "setting up the new domain failed";
            domctl_destroy(b.domid);
            goto out;
        }
    }
    rc = populate(&b, why);
    if (rc) {
        domctl_destroy(b.domid);
        goto out;
    }
    *domid = b.domid;
out:
    free(b.si_buf);
    return rc;
}
