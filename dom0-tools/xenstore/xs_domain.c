/*
 * xs_domain.c - the store and its domains: creation of the store with its
 * top nodes, per-domain accounting and quotas, the bounded output queues
 * the transport drains, and INTRODUCE / RELEASE (a released domain's
 * watches, transactions and output go; its rights on nodes are revoked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

void xs_quota_defaults(struct xs_quota *q)
{
    q->nodes = 1000;
    q->watches = 128;
    q->transactions = 10;
    q->node_size = 2048;
    q->perms = 5;
    q->txn_nodes = 1024;
    q->outstanding = 20;
    q->events = 256;
    q->memory = 1 << 20;
}

/* ---- domains ---- */

struct xs_domain *xs_domain_find(const struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = s->domains;

    while (d && d->domid != domid)
        d = d->next;
    return d;
}

struct xs_domain *xs_domain_get(struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);

    if (d)
        return d;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    d->next = s->domains;
    s->domains = d;
    return d;
}

struct xs_domain *xs_domain_active(const struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);

    return d && d->introduced ? d : NULL;
}

void xs_account(struct xs_store *s, uint16_t owner, int nodes, long bytes)
{
    struct xs_domain *d = xs_domain_find(s, owner); /* made by txn_prepare */

    if (d) {
        d->nodes += (uint32_t)nodes;
        d->mem_nodes += (size_t)bytes;
    }
}

size_t xs_domain_mem(const struct xs_domain *d)
{
    return d->mem_nodes + d->mem_txns + d->mem_watches;
}

/* Is an unprivileged domain over its memory quota? */
bool xs_mem_over(const struct xs_store *s, const struct xs_domain *d)
{
    return !xs_privileged(d->domid) && xs_domain_mem(d) > s->q.memory;
}

uint64_t xs_generation(const struct xs_store *s)
{
    return s->gen;
}

bool xs_is_introduced(const struct xs_store *s, uint16_t domid)
{
    return xs_domain_active(s, domid) != NULL;
}

int xs_domain_path(uint16_t domid, char *buf, size_t size)
{
    int n = snprintf(buf, size, "/local/domain/%u", domid);

    return n < 0 || (size_t)n >= size ? -E2BIG : 0;
}

int xs_domain_usage(const struct xs_store *s, uint16_t domid, struct xs_usage *u)
{
    const struct xs_domain *d = xs_domain_find(s, domid);

    memset(u, 0, sizeof(*u));
    if (!d)
        return -ENOENT;
    u->nodes = d->nodes;
    u->watches = d->nwatches;
    u->transactions = d->ntxns;
    u->replies = d->replies;
    u->events = d->events;
    u->memory = xs_domain_mem(d);
    u->dropped_events = d->dropped_events;
    return 0;
}

/* ---- output queues ---- */

static bool event_room(const struct xs_store *s, const struct xs_domain *d)
{
    uint32_t max = xs_privileged(d->domid) ? XS_PRIV_EVENTS_MAX : s->q.events;

    return d->events < max;
}

/* Queues header h (its len set here) + a + b for d; watch events beyond the quota are dropped. */
int xs_queue(struct xs_store *s, struct xs_domain *d, bool reply, const struct xsd_sockmsg *h,
             const void *a, size_t alen, const void *b, size_t blen)
{
    struct xsd_sockmsg hdr = *h;
    struct xs_msg *m;

    if (alen + blen > XENSTORE_PAYLOAD_MAX) {
        d->dropped_events += !reply; /* a long path and a long token: no event fits */
        return -E2BIG;
    }
    if (!reply && !event_room(s, d)) {
        d->dropped_events++;
        return -ENOSPC;
    }
    m = malloc(sizeof(*m) + sizeof(hdr) + alen + blen);
    if (!m)
        return -ENOMEM;
    hdr.len = (uint32_t)(alen + blen);
    m->next = NULL;
    m->reply = reply;
    m->len = (uint32_t)(sizeof(hdr) + alen + blen);
    memcpy(m->bytes, &hdr, sizeof(hdr));
    if (alen)
        memcpy(m->bytes + sizeof(hdr), a, alen);
    if (blen)
        memcpy(m->bytes + sizeof(hdr) + alen, b, blen);
    if (d->out_tail)
        d->out_tail->next = m;
    else
        d->out_head = m;
    d->out_tail = m;
    *(reply ? &d->replies : &d->events) += 1;
    if (m == d->out_head && s->ops.output_ready)
        s->ops.output_ready(s->ops.ctx, d->domid);
    return 0;
}

static void drop_output(struct xs_domain *d)
{
    while (d->out_head) {
        struct xs_msg *m = d->out_head;
        d->out_head = m->next;
        free(m);
    }
    d->out_tail = NULL;
    d->replies = d->events = 0;
}

bool xs_may_request(const struct xs_store *s, uint16_t domid)
{
    const struct xs_domain *d = xs_domain_active(s, domid);

    return d && d->replies < s->q.outstanding;
}

size_t xs_output_peek(const struct xs_store *s, uint16_t domid, const void **msg)
{
    const struct xs_domain *d = xs_domain_find(s, domid);

    if (!d || !d->out_head)
        return 0;
    *msg = d->out_head->bytes;
    return d->out_head->len;
}

void xs_output_pop(struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);
    struct xs_msg *m = d ? d->out_head : NULL;

    if (!m)
        return;
    d->out_head = m->next;
    if (!d->out_head)
        d->out_tail = NULL;
    *(m->reply ? &d->replies : &d->events) -= 1;
    free(m);
}

/* ---- introduce and release ---- */

int xs_introduce(struct xs_store *s, uint16_t caller, uint16_t domid, uint64_t gfn, uint32_t port)
{
    struct xs_domain *d;
    int rc;

    if (!xs_privileged(caller))
        return -EACCES;
    if (xs_privileged(domid) || domid > XS_DOMID_MAX)
        return -EINVAL;
    d = xs_domain_find(s, domid);
    if (d && d->introduced) /* xenstored: again with the same ring is fine */
        return d->gfn == gfn && d->port == port ? 0 : -EINVAL;
    d = xs_domain_get(s, domid);
    if (!d)
        return -ENOMEM;
    rc = s->ops.introduce ? s->ops.introduce(s->ops.ctx, domid, gfn, port) : 0;
    if (rc < 0)
        return rc;
    d->introduced = true;
    d->gfn = gfn;
    d->port = port;
    xs_watch_fire_special(s, "@introduceDomain");
    return 0;
}

/* Drops every permission entry naming domid; its nodes pass to dom0 (XSA-322). */
static void revoke(struct xs_store *s, uint16_t domid)
{
    for (uint32_t i = 0; i < s->tree.nb; i++) {
        for (struct xs_entry *e = s->tree.b[i]; e; e = e->next) {
            struct xs_data *d = &e->d;
            uint16_t owner = d->perms[0].id;
            size_t cost = xs_entry_cost(e);
            bool changed = owner == domid;
            if (changed)
                d->perms[0].id = 0;
            for (uint32_t j = 1; j < d->nperms;) {
                if (d->perms[j].id != domid) {
                    j++;
                    continue;
                }
                memmove(&d->perms[j], &d->perms[j + 1], (d->nperms - j - 1) * sizeof(*d->perms));
                d->nperms--;
                changed = true;
            }
            if (!changed)
                continue;
            e->gen = ++s->gen; /* transactions that saw it must retry */
            xs_account(s, owner, -1, -(long)cost);
            xs_account(s, d->perms[0].id, 1, (long)xs_entry_cost(e));
        }
    }
}

static void free_txns(struct xs_domain *d)
{
    while (d->txns) {
        struct xs_txn *t = d->txns;
        d->txns = t->next;
        xs_txn_free(NULL, t);
        free(t);
    }
    d->ntxns = 0;
}

int xs_reset_watches(struct xs_store *s, uint16_t domid)
{
    struct xs_domain *d = xs_domain_active(s, domid);

    if (!d)
        return -ESRCH;
    xs_watch_free_all(d);
    while (d->txns) {
        struct xs_txn *t = d->txns;
        d->txns = t->next;
        d->ntxns--;
        xs_txn_free(s, t);
        free(t);
    }
    return 0;
}

static void unlink_domain(struct xs_store *s, struct xs_domain *d)
{
    struct xs_domain **pp = &s->domains;

    while (*pp != d)
        pp = &(*pp)->next;
    *pp = d->next;
}

int xs_release(struct xs_store *s, uint16_t caller, uint16_t domid)
{
    struct xs_domain *d;

    if (!xs_privileged(caller))
        return -EACCES;
    if (xs_privileged(domid))
        return -EINVAL;
    d = xs_domain_active(s, domid);
    if (!d)
        return -ENOENT;
    xs_watch_free_all(d);
    free_txns(d);
    drop_output(d);
    revoke(s, domid);
    unlink_domain(s, d);
    free(d);
    if (s->ops.release)
        s->ops.release(s->ops.ctx, domid);
    xs_watch_fire_special(s, "@releaseDomain");
    return 0;
}

/* ---- the store ---- */

static int add_top_node(struct xs_store *s, const char *path, const char *child)
{
    struct xs_entry *e = xs_entry_new(path);

    if (!e)
        return -ENOMEM;
    e->d.perms = calloc(1, sizeof(*e->d.perms)); /* "n0": dom0's, nobody else's */
    e->d.nperms = 1;
    if (!e->d.perms || (child && xs_children_add(&e->d, child) < 0)) {
        xs_entry_free(e);
        return -ENOMEM;
    }
    e->gen = ++s->gen;
    xs_map_insert(&s->tree, e);
    return 0;
}

static int add_top_nodes(struct xs_store *s)
{
    int rc = add_top_node(s, "/", "local");

    if (rc == 0)
        rc = xs_children_add(&xs_map_find(&s->tree, "/")->d, "tool");
    if (rc == 0)
        rc = add_top_node(s, "/tool", NULL);
    if (rc == 0)
        rc = add_top_node(s, "/local", "domain");
    if (rc == 0)
        rc = add_top_node(s, "/local/domain", NULL);
    for (uint32_t i = 0; rc == 0 && i < s->tree.nb; i++) {
        for (struct xs_entry *e = s->tree.b[i]; e; e = e->next)
            xs_account(s, 0, 1, (long)xs_entry_cost(e));
    }
    return rc;
}

/* The books of domain d against a recount of the tree. */
static bool books_agree(const struct xs_store *s, const struct xs_domain *d)
{
    uint32_t nodes = 0;
    size_t mem = 0;

    for (uint32_t i = 0; i < s->tree.nb; i++) {
        for (const struct xs_entry *e = s->tree.b[i]; e; e = e->next) {
            if (e->d.nperms == 0 || e->d.perms[0].id != d->domid)
                continue;
            nodes++;
            mem += xs_entry_cost(e);
        }
    }
    return nodes == d->nodes && mem == d->mem_nodes;
}

int xs_store_check(const struct xs_store *s)
{
    for (const struct xs_domain *d = s->domains; d; d = d->next) {
        if (!books_agree(s, d))
            return -EIO;
    }
    for (uint32_t i = 0; i < s->tree.nb; i++) {
        for (const struct xs_entry *e = s->tree.b[i]; e; e = e->next) {
            if (e->d.nperms == 0 || !xs_domain_find(s, e->d.perms[0].id))
                return -EIO; /* a node nobody is charged for */
        }
    }
    return 0;
}

void xs_domain_free_all(struct xs_store *s)
{
    while (s->domains) {
        struct xs_domain *d = s->domains;
        s->domains = d->next;
        xs_watch_free_all(d);
        free_txns(d);
        drop_output(d);
        free(d);
    }
}

int xs_store_create(const struct xs_quota *q, const struct xs_transport_ops *ops,
                    struct xs_store **out)
{
    struct xs_store *s = calloc(1, sizeof(*s));
    struct xs_domain *dom0;
    int rc = -ENOMEM;

    if (!s)
        return -ENOMEM;
    if (q)
        s->q = *q;
    else
        xs_quota_defaults(&s->q);
    if (ops)
        s->ops = *ops;
    if (xs_map_init(&s->tree, XS_TREE_BUCKETS) < 0)
        goto err;
    dom0 = xs_domain_get(s, 0);
    if (!dom0)
        goto err;
    dom0->introduced = true;
    rc = add_top_nodes(s);
    if (rc < 0)
        goto err;
    *out = s;
    return 0;
err:
    xs_store_destroy(s);
    return rc;
}

void xs_store_destroy(struct xs_store *s)
{
    if (!s)
        return;
    xs_domain_free_all(s);
    xs_map_free(&s->tree);
    free(s);
}
