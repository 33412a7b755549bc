/*
 * xs_ring.c - xenstored's side of a domain's shared page (xs_ring.h):
 * moves whole requests from the req ring into xs_handle_message() and the
 * store's replies and watch events into the rsp ring, a piece at a time as
 * there is room. Everything in the page is the guest's to scribble on, so
 * the indices are read once per step and checked: a guest whose producer
 * index runs more than a ring ahead, or whose request header announces more
 * than XENSTORE_PAYLOAD_MAX bytes, is marked broken and ignored from then on.
 */
#include <errno.h>
#include <string.h>

#include "xs_ring.h"

void xs_ring_init(struct xs_ring_conn *c, struct xenstore_domain_interface *intf, uint16_t domid)
{
    memset(c, 0, sizeof(*c));
    c->intf = intf;
    c->domid = domid;
}

static size_t wanted(const struct xs_ring_conn *c)
{
    const struct xsd_sockmsg *h = (const struct xsd_sockmsg *)c->staged;

    if (c->staged_len < sizeof(*h))
        return sizeof(*h);
    return sizeof(*h) + h->len;
}

/* Takes request bytes until one whole request is staged. true if any moved. */
static bool take_requests(struct xs_ring_conn *c)
{
    struct xenstore_domain_interface *r = c->intf;
    XENSTORE_RING_IDX prod = __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX cons = r->req_cons;
    bool moved = false;

    if (prod - cons > XENSTORE_RING_SIZE) {
        c->broken = true;
        return false;
    }
    while (cons != prod && c->staged_len < wanted(c)) {
        c->staged[c->staged_len++] = (unsigned char)r->req[MASK_XENSTORE_IDX(cons)];
        cons++;
        moved = true;
        if (c->staged_len == sizeof(struct xsd_sockmsg) &&
            ((const struct xsd_sockmsg *)c->staged)->len > XENSTORE_PAYLOAD_MAX) {
            c->broken = true;
            break;
        }
    }
    __atomic_store_n(&r->req_cons, cons, __ATOMIC_RELEASE);
    return moved;
}

/* Puts as much of the oldest queued message into rsp as fits. true if any moved. */
static bool give_output(struct xs_store *s, struct xs_ring_conn *c)
{
    struct xenstore_domain_interface *r = c->intf;
    XENSTORE_RING_IDX cons = __atomic_load_n(&r->rsp_cons, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX prod = r->rsp_prod;
    const void *m;
    size_t len = xs_output_peek(s, c->domid, &m);
    bool moved = false;

    if (prod - cons > XENSTORE_RING_SIZE) {
        c->broken = true;
        return false;
    }
    while (len && c->sent < len && prod - cons < XENSTORE_RING_SIZE) {
        r->rsp[MASK_XENSTORE_IDX(prod)] = ((const char *)m)[c->sent++];
        prod++;
        moved = true;
    }
    __atomic_store_n(&r->rsp_prod, prod, __ATOMIC_RELEASE);
    if (len && c->sent == len) {
        xs_output_pop(s, c->domid);
        c->sent = 0;
    }
    return moved;
}

bool xs_ring_pump(struct xs_store *s, struct xs_ring_conn *c)
{
    bool notify = false;

    for (bool moved = true; moved && !c->broken;) {
        moved = take_requests(c);
        if (c->broken)
            break;
        if (c->staged_len == wanted(c) && xs_may_request(s, c->domid)) {
            xs_handle_message(s, c->domid, c->staged, c->staged_len);
            c->staged_len = 0;
            moved = true;
        }
        if (give_output(s, c))
            moved = notify = true;
        notify |= moved;
    }
    return notify;
}
