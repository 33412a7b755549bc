/*
 * console_ring.c - the byte rings of the console page (skiff/console_ring.h,
 * protocol in public/io/console.h). Both directions use the same two
 * helpers: put() for a producer, take() for a consumer, over a ring of
 * `size` bytes (a power of two) with free-running 32-bit indices.
 */
#include <string.h>

#include <public/errno.h>
#include <skiff/console_ring.h>

static XENCONS_RING_IDX load_acquire(const XENCONS_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(XENCONS_RING_IDX *p, XENCONS_RING_IDX v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Copies n bytes into ring[idx...], wrapping at size. */
static void copy_to_ring(char *ring, size_t size, XENCONS_RING_IDX idx, const char *src, size_t n)
{
    size_t off = idx & (size - 1);
    size_t first = n < size - off ? n : size - off;

    memcpy(ring + off, src, first);
    memcpy(ring, src + first, n - first);
}

/* Copies n bytes out of ring[idx...], wrapping at size. */
static void copy_from_ring(const char *ring, size_t size, XENCONS_RING_IDX idx, char *dst, size_t n)
{
    size_t off = idx & (size - 1);
    size_t first = n < size - off ? n : size - off;

    memcpy(dst, ring + off, first);
    memcpy(dst + first, ring, n - first);
}

/* Producer: *prod is ours, *cons the peer's. */
static size_t put(char *ring, size_t size, XENCONS_RING_IDX *prod, const XENCONS_RING_IDX *cons,
                  const char *buf, size_t n)
{
    XENCONS_RING_IDX p = *prod;
    XENCONS_RING_IDX used = p - load_acquire(cons);

    if (used >= size)
        return 0; /* full, or an index the peer could not have left */
    if (n > size - used)
        n = size - used;
    copy_to_ring(ring, size, p, buf, n);
    store_release(prod, p + (XENCONS_RING_IDX)n);
    return n;
}

/* Consumer: *cons is ours, *prod the peer's. -EIO for an impossible producer index. */
static int take(const char *ring, size_t size, const XENCONS_RING_IDX *prod, XENCONS_RING_IDX *cons,
                char *buf, size_t n)
{
    XENCONS_RING_IDX c = *cons;
    XENCONS_RING_IDX avail = load_acquire(prod) - c;

    if (avail > size)
        return -SKIFF_EIO;
    if (n > avail)
        n = avail;
    copy_from_ring(ring, size, c, buf, n);
    store_release(cons, c + (XENCONS_RING_IDX)n);
    return (int)n;
}

size_t cons_ring_write_out(struct xencons_interface *c, const char *buf, size_t n)
{
    return put(c->out, sizeof(c->out), &c->out_prod, &c->out_cons, buf, n);
}

size_t cons_ring_read_in(struct xencons_interface *c, char *buf, size_t n)
{
    int got = take(c->in, sizeof(c->in), &c->in_prod, &c->in_cons, buf, n);

    if (got >= 0)
        return (size_t)got;
    store_release(&c->in_cons, load_acquire(&c->in_prod));
    return 0;
}

int cons_ring_read_out(struct xencons_interface *c, char *buf, size_t n)
{
    return take(c->out, sizeof(c->out), &c->out_prod, &c->out_cons, buf, n);
}

size_t cons_ring_write_in(struct xencons_interface *c, const char *buf, size_t n)
{
    return put(c->in, sizeof(c->in), &c->in_prod, &c->in_cons, buf, n);
}

size_t cons_ring_out_pending(const struct xencons_interface *c)
{
    XENCONS_RING_IDX avail = load_acquire(&c->out_prod) - c->out_cons;

    return avail > sizeof(c->out) ? sizeof(c->out) : avail;
}
