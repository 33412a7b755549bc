/*
 * window.c - the grant window of a domain (skiff/window.h): a table of
 * slots for the guest frames [base_gfn, base_gfn + nr_pages), each either
 * free or mapping a frame of another domain, which it holds a reference on.
 */
#include <string.h>

#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/heap.h>
#include <skiff/window.h>

int window_init(struct domain *d, uint64_t nr_pages)
{
    struct grant_window *w = &d->window;

    w->base_gfn = WINDOW_BASE_GFN;
    w->nr_pages = nr_pages;
    w->used = 0;
    w->slots = NULL;
    if (nr_pages == 0)
        return 0;
    w->slots = kzalloc(nr_pages * sizeof(struct window_slot));
    return w->slots ? 0 : -ENOMEM;
}

bool window_contains(const struct domain *d, uint64_t gfn)
{
    const struct grant_window *w = &d->window;

    return gfn >= w->base_gfn && gfn - w->base_gfn < w->nr_pages;
}

static struct window_slot *slot_of(const struct domain *d, uint64_t gfn)
{
    return window_contains(d, gfn) ? &d->window.slots[gfn - d->window.base_gfn] : NULL;
}

uint64_t window_entry(const struct domain *d, uint64_t gfn)
{
    const struct window_slot *s = slot_of(d, gfn);

    return (s && s->mfn) ? (s->mfn << PAGE_SHIFT) | s->perms : 0;
}

enum window_kind window_kind_of(const struct domain *d, uint64_t gfn)
{
    const struct window_slot *s = slot_of(d, gfn);

    return s ? (enum window_kind)s->kind : WINDOW_FREE;
}

/* Fills free slot s with f; owner (if any) gets a reference. */
static int map_slot(struct domain *d, uint64_t gfn, mfn_t f, struct domain *owner, uint64_t perms,
                    enum window_kind kind)
{
    struct window_slot *s = slot_of(d, gfn);
    int rc;

    uint64_t allowed = kind == WINDOW_MMIO ? P2M_PERMS | P2M_UC : P2M_PERMS;

    if (!s || s->mfn || !mfn_valid(f) || (perms & ~allowed) || !(perms & P2M_R) || (perms & P2M_X))
        return -EINVAL;
    rc = arch_map_page(d, gfn, f, perms);
    if (rc)
        return rc;
    s->mfn = f.mfn;
    s->owner = owner ? owner->domid : d->domid;
    s->perms = (uint8_t)perms;
    s->kind = (uint8_t)kind;
    d->window.used++;
    if (owner)
        domain_get(owner);
    return 0;
}

int window_map_foreign(struct domain *d, uint64_t gfn, struct domain *owner, uint64_t owner_gfn,
                       uint64_t perms)
{
    if (owner_gfn == 0)
        return -EINVAL;
    return map_slot(d, gfn, domain_gfn_to_mfn(owner, owner_gfn), owner, perms, WINDOW_FOREIGN);
}

int window_map_grant(struct domain *d, uint64_t gfn, struct domain *owner, uint64_t owner_gfn,
                     uint64_t perms)
{
    if (owner_gfn == 0)
        return -EINVAL;
    return map_slot(d, gfn, domain_gfn_to_mfn(owner, owner_gfn), owner, perms, WINDOW_GRANT);
}

int window_map_hv(struct domain *d, uint64_t gfn, mfn_t f)
{
    return map_slot(d, gfn, f, NULL, P2M_R | P2M_W, WINDOW_HV);
}

int window_map_mmio(struct domain *d, uint64_t gfn, uint64_t mfn)
{
    return map_slot(d, gfn, (mfn_t){mfn}, NULL, P2M_R | P2M_W | P2M_UC, WINDOW_MMIO);
}

int window_unmap(struct domain *d, uint64_t gfn)
{
    struct window_slot *s = slot_of(d, gfn);
    struct domain *owner;

    if (!s || !s->mfn)
        return -EINVAL;
    arch_unmap_page(d, gfn);
    owner = (s->kind == WINDOW_HV || s->kind == WINDOW_MMIO) ? NULL : domain_by_id_any(s->owner);
    memset(s, 0, sizeof(*s));
    d->window.used--;
    if (owner)
        domain_put(owner);
    return 0;
}

void window_destroy(struct domain *d)
{
    struct grant_window *w = &d->window;

    for (uint64_t i = 0; w->slots && i < w->nr_pages && w->used; i++)
        if (w->slots[i].mfn)
            window_unmap(d, w->base_gfn + i);
    kfree(w->slots);
    w->slots = NULL;
    w->nr_pages = 0;
}
