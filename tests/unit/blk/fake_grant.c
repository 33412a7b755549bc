/*
 * fake_grant.c - a grant table for host tests of the block split driver:
 * the frontend grants pages, blkback maps (the "mapping" is the page itself)
 * or copies, with failure injection and counts that must return to zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blk_fakes.h"

#define PAGE 4096u

void fake_gnt_init(struct fake_gnt *g)
{
    memset(g, 0, sizeof(*g));
}

void fake_gnt_fini(struct fake_gnt *g)
{
    for (unsigned int i = 0; i < FAKE_GNT_PAGES; i++)
        free(g->pages[i]);
    memset(g->pages, 0, sizeof(g->pages));
}

/* Counts down an injection counter: true when this call must fail. */
static bool inject(unsigned int *in)
{
    if (*in == 0)
        return false;
    return --*in == 0;
}

int fake_gnt_grant(struct fake_gnt *g, const void *va, bool readonly, grant_ref_t *ref)
{
    if ((uintptr_t)va % PAGE || inject(&g->fail_grant_in))
        return -ENOSPC;
    for (grant_ref_t r = 8; r < FAKE_GNT_REFS; r++) {
        if (g->e[r].used)
            continue;
        g->e[r] = (struct fake_gnt_entry){.used = true, .readonly = readonly, .page = (void *)va};
        g->grants++;
        *ref = r;
        return 0;
    }
    return -ENOSPC;
}

int fake_gnt_end(struct fake_gnt *g, grant_ref_t ref)
{
    if (ref >= FAKE_GNT_REFS || !g->e[ref].used) {
        g->misuse++;
        return -EINVAL;
    }
    if (g->e[ref].maps)
        return -EBUSY;
    g->e[ref].used = false;
    g->grants--;
    return 0;
}

void *fake_gnt_page_alloc(struct fake_gnt *g)
{
    for (unsigned int i = 0; i < FAKE_GNT_PAGES; i++) {
        if (g->pages[i])
            continue;
        g->pages[i] = aligned_alloc(PAGE, PAGE);
        if (!g->pages[i])
            return NULL;
        memset(g->pages[i], 0, PAGE);
        g->pages_live++;
        return g->pages[i];
    }
    return NULL;
}

void fake_gnt_page_free(struct fake_gnt *g, void *va)
{
    for (unsigned int i = 0; i < FAKE_GNT_PAGES; i++) {
        if (g->pages[i] != va)
            continue;
        free(va);
        g->pages[i] = NULL;
        g->pages_live--;
        return;
    }
    g->misuse++;
}

/* The entry ref as the backend may use it (write access if !readonly), or NULL. */
static struct fake_gnt_entry *lookup(struct fake_gnt *g, domid_t dom, grant_ref_t ref,
                                     bool readonly)
{
    if (dom != FAKE_FRONTEND || ref >= FAKE_GNT_REFS || !g->e[ref].used)
        return NULL;
    if (!readonly && g->e[ref].readonly)
        return NULL;
    return &g->e[ref];
}

static int back_map(void *ctx, domid_t dom, struct blkback_gmap *maps, unsigned int n)
{
    struct fake_gnt *g = ctx;
    int rc = 0;

    g->map_calls++;
    for (unsigned int i = 0; i < n; i++) {
        struct fake_gnt_entry *e = lookup(g, dom, maps[i].ref, maps[i].readonly);

        maps[i].status = !e || inject(&g->fail_map_in) ? -EPERM : 0;
        if (maps[i].status) {
            rc = rc ? rc : maps[i].status;
            continue;
        }
        e->maps++;
        g->maps++;
        maps[i].va = e->page;
        maps[i].maddr = (uint64_t)(uintptr_t)e->page;
        maps[i].handle = maps[i].ref;
    }
    return rc;
}

static void back_unmap(void *ctx, struct blkback_gmap *maps, unsigned int n)
{
    struct fake_gnt *g = ctx;

    for (unsigned int i = 0; i < n; i++) {
        grant_handle_t h = maps[i].handle;

        if (h >= FAKE_GNT_REFS || !g->e[h].maps || maps[i].status != 0) {
            g->misuse++;
            continue;
        }
        g->e[h].maps--;
        g->maps--;
    }
}

/* One side of a copy: a byte pointer, or NULL if the side is not allowed. */
static uint8_t *copy_side(struct fake_gnt *g, const struct gnttab_copy_ptr *p, bool gref,
                          bool write)
{
    if (gref) {
        struct fake_gnt_entry *e = lookup(g, p->domid, p->u.ref, !write);
        return e ? (uint8_t *)e->page + p->offset : NULL;
    }
    if (p->domid != DOMID_SELF || p->u.gmfn >= FAKE_GNT_PAGES || !g->pages[p->u.gmfn])
        return NULL;
    return (uint8_t *)g->pages[p->u.gmfn] + p->offset;
}

static int back_copy(void *ctx, struct gnttab_copy *ops, unsigned int n)
{
    struct fake_gnt *g = ctx;
    int rc = 0;

    for (unsigned int i = 0; i < n; i++) {
        struct gnttab_copy *op = &ops[i];
        uint8_t *src = copy_side(g, &op->source, op->flags & GNTCOPY_source_gref, false);
        uint8_t *dst = copy_side(g, &op->dest, op->flags & GNTCOPY_dest_gref, true);

        g->copy_ops++;
        if (!src || !dst || op->source.offset + op->len > PAGE ||
            op->dest.offset + op->len > PAGE || inject(&g->fail_copy_in)) {
            op->status = GNTST_general_error;
            rc = -EIO;
            continue;
        }
        memcpy(dst, src, op->len);
        op->status = GNTST_okay;
    }
    return rc;
}

static int back_page_alloc(void *ctx, struct blkback_page *pg)
{
    struct fake_gnt *g = ctx;
    void *va = fake_gnt_page_alloc(g);

    if (!va)
        return -ENOMEM;
    for (unsigned int i = 0; i < FAKE_GNT_PAGES; i++)
        if (g->pages[i] == va)
            pg->gfn = i;
    pg->va = va;
    pg->maddr = (uint64_t)(uintptr_t)va;
    return 0;
}

static void back_page_free(void *ctx, struct blkback_page *pg)
{
    fake_gnt_page_free(ctx, pg->va);
    pg->va = NULL;
}

const struct blkback_grant_ops fake_gnt_back_ops = {
    .map = back_map,
    .unmap = back_unmap,
    .copy = back_copy,
    .page_alloc = back_page_alloc,
    .page_free = back_page_free,
};
