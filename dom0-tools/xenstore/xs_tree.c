/*
 * xs_tree.c - the store's memory: hash maps of nodes keyed by path (the
 * tree, and each transaction's private copies), node contents, and
 * transactions: copy on first access, then commit by generation check and
 * a move of the copies into the tree that cannot fail halfway.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

/* ---- maps ---- */

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

int xs_map_init(struct xs_map *m, uint32_t nb)
{
    m->b = calloc(nb, sizeof(*m->b));
    if (!m->b)
        return -ENOMEM;
    m->nb = nb;
    m->count = 0;
    return 0;
}

void xs_map_free(struct xs_map *m)
{
    for (uint32_t i = 0; m->b && i < m->nb; i++) {
        while (m->b[i]) {
            struct xs_entry *e = m->b[i];
            m->b[i] = e->next;
            xs_entry_free(e);
        }
    }
    free(m->b);
    m->b = NULL;
    m->count = 0;
}

struct xs_entry *xs_map_find(const struct xs_map *m, const char *path)
{
    struct xs_entry *e = m->b[hash(path) % m->nb];

    while (e && strcmp(e->path, path) != 0)
        e = e->next;
    return e;
}

/* Doubles the buckets when chains grow long; if memory is short, chains just stay longer. */
static void map_grow(struct xs_map *m)
{
    uint32_t nb = m->nb * 2;
    struct xs_entry **b;

    if (m->count < 2 * m->nb || nb > (1u << 24))
        return;
    b = calloc(nb, sizeof(*b));
    if (!b)
        return;
    for (uint32_t i = 0; i < m->nb; i++) {
        while (m->b[i]) {
            struct xs_entry *e = m->b[i];
            m->b[i] = e->next;
            e->next = b[hash(e->path) % nb];
            b[hash(e->path) % nb] = e;
        }
    }
    free(m->b);
    m->b = b;
    m->nb = nb;
}

/* Cannot fail (commit relies on it). */
void xs_map_insert(struct xs_map *m, struct xs_entry *e)
{
    uint32_t i;

    map_grow(m);
    i = hash(e->path) % m->nb;
    e->next = m->b[i];
    m->b[i] = e;
    m->count++;
}

void xs_map_remove(struct xs_map *m, struct xs_entry *e)
{
    struct xs_entry **pp = &m->b[hash(e->path) % m->nb];

    while (*pp && *pp != e)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = e->next;
        m->count--;
    }
}

/* ---- entries and node contents ---- */

struct xs_entry *xs_entry_new(const char *path)
{
    struct xs_entry *e = calloc(1, sizeof(*e));
    size_t n = strlen(path) + 1;

    if (!e)
        return NULL;
    e->path = malloc(n);
    if (!e->path) {
        free(e);
        return NULL;
    }
    memcpy(e->path, path, n);
    return e;
}

void xs_entry_free(struct xs_entry *e)
{
    xs_data_free(&e->d);
    free(e->path);
    free(e);
}

void xs_data_free(struct xs_data *d)
{
    free(d->value);
    free(d->children);
    free(d->perms);
    memset(d, 0, sizeof(*d));
}

static void *dup_bytes(const void *src, size_t n, int *rc)
{
    void *p;

    if (n == 0)
        return NULL;
    p = malloc(n);
    if (!p)
        *rc = -ENOMEM;
    else
        memcpy(p, src, n);
    return p;
}

int xs_data_dup(struct xs_data *dst, const struct xs_data *src)
{
    int rc = 0;

    memset(dst, 0, sizeof(*dst));
    dst->value = dup_bytes(src->value, src->vlen, &rc);
    dst->children = dup_bytes(src->children, src->clen, &rc);
    dst->perms = dup_bytes(src->perms, src->nperms * sizeof(*src->perms), &rc);
    if (rc < 0) {
        xs_data_free(dst);
        return rc;
    }
    dst->vlen = src->vlen;
    dst->clen = src->clen;
    dst->nperms = src->nperms;
    return 0;
}

/* What a node costs against the node_size quota (xenstored counts the same parts). */
uint32_t xs_data_size(const struct xs_data *d)
{
    return d->vlen + d->clen + d->nperms * (uint32_t)sizeof(struct xs_perm);
}

int xs_children_add(struct xs_data *d, const char *name)
{
    size_t n = strlen(name) + 1;
    char *c = realloc(d->children, d->clen + n);

    if (!c)
        return -ENOMEM;
    memcpy(c + d->clen, name, n);
    d->children = c;
    d->clen += (uint32_t)n;
    return 0;
}

void xs_children_remove(struct xs_data *d, const char *name)
{
    size_t n = strlen(name) + 1;

    for (uint32_t off = 0; off < d->clen; off += (uint32_t)strlen(d->children + off) + 1) {
        if (strcmp(d->children + off, name) == 0) {
            memmove(d->children + off, d->children + off + n, d->clen - off - n);
            d->clen -= (uint32_t)n;
            return;
        }
    }
}

/* ---- transactions ---- */

int xs_txn_init(struct xs_txn *t, uint32_t id, uint16_t domid)
{
    t->next = NULL;
    t->id = id;
    t->domid = domid;
    t->error = 0;
    t->mem = 0;
    return xs_map_init(&t->map, XS_TXN_BUCKETS);
}

/* Frees t's copies and takes their bytes off its domain (s NULL: the domain goes too). */
void xs_txn_free(struct xs_store *s, struct xs_txn *t)
{
    struct xs_domain *d = s ? xs_domain_find(s, t->domid) : NULL;

    if (d)
        d->mem_txns -= t->mem;
    t->mem = 0;
    xs_map_free(&t->map);
}

/* What an entry costs against the memory quota: the entry, its path and contents. */
size_t xs_entry_cost(const struct xs_entry *e)
{
    return sizeof(*e) + strlen(e->path) + 1 + xs_data_size(&e->d);
}

/*
 * Only an open transaction's copies are charged: those of a single
 * operation live only while it runs (one at a time, at most txn_nodes),
 * so a domain at its quota can still remove nodes.
 */
static void charge(struct xs_store *s, struct xs_txn *t, long bytes)
{
    struct xs_domain *d = xs_domain_find(s, t->domid);

    if (t->id == 0)
        return;
    t->mem += (size_t)bytes;
    if (d)
        d->mem_txns += (size_t)bytes;
}

/*
 * Charges t's domain for what its copies now hold (they grow as an
 * operation changes them): -ENOMEM if that puts a guest over its quota.
 */
int xs_txn_recharge(struct xs_store *s, struct xs_txn *t)
{
    struct xs_domain *d = xs_domain_find(s, t->domid);
    size_t mem = 0;

    for (uint32_t i = 0; i < t->map.nb; i++) {
        for (struct xs_entry *e = t->map.b[i]; e; e = e->next)
            mem += xs_entry_cost(e);
    }
    charge(s, t, (long)mem - (long)t->mem);
    return t->id && d && xs_mem_over(s, d) ? -ENOMEM : 0;
}

/* The transaction's copy of path, made on first access (absent nodes recorded too). */
int xs_txn_get(struct xs_store *s, struct xs_txn *t, const char *path, struct xs_entry **out)
{
    struct xs_entry *e = xs_map_find(&t->map, path);
    struct xs_domain *d = xs_domain_find(s, t->domid);
    struct xs_entry *tree;

    if (e)
        goto out;
    if (!xs_privileged(t->domid) && t->map.count >= s->q.txn_nodes)
        return -ENOSPC;
    e = xs_entry_new(path);
    if (!e)
        return -ENOMEM;
    tree = xs_map_find(&s->tree, path);
    if (tree) {
        if (xs_data_dup(&e->d, &tree->d) < 0) {
            xs_entry_free(e);
            return -ENOMEM;
        }
        e->gen = tree->gen;
        e->exists = true;
    }
    charge(s, t, (long)xs_entry_cost(e));
    if (t->id && d && xs_mem_over(s, d)) {
        charge(s, t, -(long)xs_entry_cost(e));
        xs_entry_free(e);
        return -ENOMEM;
    }
    xs_map_insert(&t->map, e);
out:
    *out = e;
    return 0;
}

#define FOR_EACH_ENTRY(m, i, e)            \
    for (uint32_t i = 0; i < (m)->nb; i++) \
        for (struct xs_entry *e = (m)->b[i]; e; e = e->next)

/* Every node the transaction saw is as it was: none changed, appeared or went. */
static bool txn_valid(struct xs_store *s, struct xs_txn *t)
{
    FOR_EACH_ENTRY(&t->map, i, e)
    {
        struct xs_entry *tree = xs_map_find(&s->tree, e->path);
        if ((tree ? tree->gen : 0) != e->gen)
            return false;
    }
    return true;
}

/* The nodes and bytes the transaction's domain would own after commit, against its quotas. */
static int txn_quota(struct xs_store *s, struct xs_txn *t)
{
    struct xs_domain *d = xs_domain_find(s, t->domid);
    long nodes = 0, bytes = 0;

    if (xs_privileged(t->domid) || !d)
        return 0;
    FOR_EACH_ENTRY(&t->map, i, e)
    {
        struct xs_entry *tree = xs_map_find(&s->tree, e->path);
        if (!e->dirty)
            continue;
        if (tree && tree->d.perms[0].id == t->domid) {
            nodes--;
            bytes -= (long)xs_entry_cost(tree);
        }
        if (e->exists && e->d.perms[0].id == t->domid) {
            nodes++;
            bytes += (long)xs_entry_cost(e);
        }
    }
    if (nodes > 0 && d->nodes + (unsigned long)nodes > s->q.nodes)
        return -ENOSPC;
    /* after commit its copies are freed: what remains is its nodes, other copies, watches */
    if (bytes > 0 && xs_domain_mem(d) - t->mem + (size_t)bytes > s->q.memory)
        return -ENOMEM;
    return 0;
}

/* Tree entries for nodes the transaction creates, allocated before anything changes. */
static int txn_prepare(struct xs_store *s, struct xs_txn *t, struct xs_entry **fresh)
{
    *fresh = NULL;
    FOR_EACH_ENTRY(&t->map, i, e)
    {
        if (e->dirty && e->exists && !xs_domain_get(s, e->d.perms[0].id))
            goto err; /* the owner's accounting record */
        if (!e->dirty || !e->exists || xs_map_find(&s->tree, e->path))
            continue;
        struct xs_entry *n = xs_entry_new(e->path);
        if (!n)
            goto err;
        n->next = *fresh;
        *fresh = n;
    }
    return 0;
err:
    while (*fresh) {
        struct xs_entry *n = *fresh;
        *fresh = n->next;
        xs_entry_free(n);
    }
    return -ENOMEM;
}

static struct xs_entry *take_fresh(struct xs_entry **fresh, const char *path)
{
    struct xs_entry **pp = fresh;

    while (strcmp((*pp)->path, path) != 0)
        pp = &(*pp)->next;
    struct xs_entry *n = *pp;
    *pp = n->next;
    return n;
}

/* Moves one changed node into the tree, with ownership accounting; cannot fail. */
static void txn_apply_one(struct xs_store *s, struct xs_entry *e, struct xs_entry **fresh)
{
    struct xs_entry *tree = xs_map_find(&s->tree, e->path);

    if (tree) {
        xs_account(s, tree->d.perms[0].id, -1, -(long)xs_entry_cost(tree));
        xs_data_free(&tree->d);
    }
    if (!e->exists) {
        if (tree) {
            xs_map_remove(&s->tree, tree);
            xs_entry_free(tree);
        }
        return;
    }
    if (!tree) {
        tree = take_fresh(fresh, e->path);
        xs_map_insert(&s->tree, tree);
    }
    tree->d = e->d;
    memset(&e->d, 0, sizeof(e->d));
    tree->gen = ++s->gen;
    xs_account(s, tree->d.perms[0].id, 1, (long)xs_entry_cost(tree));
}

static void txn_fire(struct xs_store *s, struct xs_txn *t)
{
    FOR_EACH_ENTRY(&t->map, i, e)
    {
        if (!e->dirty || e->fire == XS_FIRE_NONE)
            continue;
        /* A node that stays is now in the tree; a removed one kept its perms. */
        struct xs_entry *tree = e->exists ? xs_map_find(&s->tree, e->path) : e;
        xs_watch_fire(s, e->path, &tree->d, (enum xs_fire)e->fire);
    }
}

/*
 * Commits t into the tree: -EAGAIN if a node it saw has changed since,
 * t->error if an operation failed halfway inside it, -ENOSPC / -ENOMEM
 * over the node or memory quota, -ENOMEM; nothing changes then. Watches of
 * the changed nodes fire after the tree is updated. t is left to be freed.
 */
int xs_txn_commit(struct xs_store *s, struct xs_txn *t)
{
    struct xs_entry *fresh;
    int rc;

    if (t->error)
        return t->error;
    if (!txn_valid(s, t))
        return -EAGAIN;
    rc = txn_quota(s, t);
    if (rc < 0)
        return rc;
    rc = txn_prepare(s, t, &fresh);
    if (rc < 0)
        return rc;
    FOR_EACH_ENTRY(&t->map, i, e)
    {
        if (e->dirty)
            txn_apply_one(s, e, &fresh);
    }
    txn_fire(s, t);
    return 0;
}
