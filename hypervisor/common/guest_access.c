/*
 * common/guest_access.c - checked copies between the hypervisor and guest
 * memory named by a guest (see skiff/guest_access.h).
 *
 * Guest virtual = guest physical for auto-translated guests, so a guest
 * address is looked up in the domain's physmap, page by page. The whole range
 * is validated before the first byte moves.
 */
#include <string.h>

#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/guest_access.h>

/* The physmap entry of the page holding va (RAM or grant window), or 0. */
static uint64_t p2m_entry_for(const struct domain *d, uint64_t va)
{
    uint64_t g = va >> PAGE_SHIFT;

    if (g < d->physmap.nr_pages)
        return d->physmap.p2m[g];
    return window_entry(d, g);
}

int guest_range_check(const struct domain *d, gva_t va, size_t len, uint64_t perms)
{
    uint64_t start = va.va, end;

    if (len == 0)
        return 0;
    if (__builtin_add_overflow(start, (uint64_t)len, &end))
        return -EFAULT;
    for (uint64_t page = start & PAGE_MASK; page < end; page += PAGE_SIZE) {
        uint64_t e = p2m_entry_for(d, page);
        if ((e & perms) != perms || (e & P2M_PERMS) == 0)
            return -EFAULT;
    }
    return 0;
}

/* Hypervisor pointer to guest address va (already validated). */
static void *guest_va_to_hv(const struct domain *d, uint64_t va)
{
    uint64_t e = p2m_entry_for(d, va);

    return (char *)arch_maddr_to_virt(maddr(e & PAGE_MASK)) + (va & ~PAGE_MASK);
}

/* Copies len bytes, page by page, in the direction given by to_guest. */
static void copy_pages(struct domain *d, uint64_t va, char *buf, size_t len, bool to_guest)
{
    while (len > 0) {
        size_t chunk = MIN(len, PAGE_SIZE - (va & ~PAGE_MASK));
        void *hv = guest_va_to_hv(d, va);
        if (to_guest)
            memcpy(hv, buf, chunk);
        else
            memcpy(buf, hv, chunk);
        va += chunk;
        buf += chunk;
        len -= chunk;
    }
}

/*
 * The common case: a small copy within one page. The hypervisor pointer to
 * [va, va + len) if it lies in one page that has perms, else NULL (the
 * caller takes the general path, which also reports the error).
 */
static void *one_page_span(const struct domain *d, uint64_t va, size_t len, uint64_t perms)
{
    uint64_t off = va & ~PAGE_MASK;

    if (len == 0 || len > PAGE_SIZE - off)
        return NULL;
    uint64_t e = p2m_entry_for(d, va);
    if ((e & perms) != perms || (e & P2M_PERMS) == 0)
        return NULL;
    return (char *)arch_maddr_to_virt(maddr(e & PAGE_MASK)) + off;
}

int copy_from_guest(struct domain *d, void *dst, gva_t src, size_t len)
{
    void *hv = one_page_span(d, src.va, len, P2M_R);

    if (hv) {
        memcpy(dst, hv, len);
        return 0;
    }
    int rc = guest_range_check(d, src, len, P2M_R);

    if (rc)
        return rc;
    copy_pages(d, src.va, dst, len, false);
    return 0;
}

int copy_to_guest(struct domain *d, gva_t dst, const void *src, size_t len)
{
    void *hv = one_page_span(d, dst.va, len, P2M_W);

    if (hv) {
        memcpy(hv, src, len);
        return 0;
    }
    int rc = guest_range_check(d, dst, len, P2M_W);

    if (rc)
        return rc;
    copy_pages(d, dst.va, (char *)src, len, true);
    return 0;
}

int clear_guest(struct domain *d, gva_t dst, size_t len)
{
    int rc = guest_range_check(d, dst, len, P2M_W);
    uint64_t va = dst.va;

    if (rc)
        return rc;
    while (len > 0) {
        size_t chunk = MIN(len, PAGE_SIZE - (va & ~PAGE_MASK));
        memset(guest_va_to_hv(d, va), 0, chunk);
        va += chunk;
        len -= chunk;
    }
    return 0;
}
