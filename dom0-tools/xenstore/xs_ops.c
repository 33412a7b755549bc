/*
 * xs_ops.c - the node operations (read, write, mkdir, rm, directory, get
 * and set permissions) on a transaction's view, with xenstored's rules:
 * permission checks, inherited permissions for new nodes, node and size
 * quotas; and the public calls that wrap each in a transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

#define PERM_SIZE ((uint32_t)sizeof(struct xs_perm))

/* ---- running one operation ---- */

static struct xs_txn *find_txn(struct xs_domain *d, uint32_t txid)
{
    struct xs_txn *t = d->txns;

    while (t && t->id != txid)
        t = t->next;
    return t;
}

/* Finds the caller's transaction txid, or sets up `implicit` for txid 0. */
int xs_op_begin(struct xs_store *s, uint16_t domid, uint32_t txid, struct xs_op *op,
                struct xs_txn *implicit)
{
    op->s = s;
    op->dom = xs_domain_active(s, domid);
    if (!op->dom)
        return -ESRCH;
    if (txid) {
        op->t = find_txn(op->dom, txid);
        return op->t ? 0 : -ENOENT;
    }
    op->t = implicit;
    return xs_txn_init(implicit, 0, domid);
}

/* Ends an operation with result rc: an implicit transaction commits (rc 0) or goes. */
int xs_op_end(struct xs_op *op, int rc)
{
    int mem = xs_txn_recharge(op->s, op->t);

    if (rc >= 0 && mem < 0) {
        rc = mem; /* the copies grew past the memory quota */
        if (op->t->id != 0)
            op->t->error = mem; /* they stay changed: the transaction can only fail */
    }
    if (op->t->id != 0)
        return rc;
    if (rc >= 0)
        rc = xs_txn_commit(op->s, op->t);
    xs_txn_free(op->s, op->t);
    return rc;
}

static bool priv(const struct xs_op *op)
{
    return xs_privileged(op->t->domid);
}

static int get_parent(struct xs_op *op, const char *path, struct xs_entry **out);

/*
 * The error for a missing node: as in xenstored, EACCES rather than ENOENT
 * when the caller may not read the nearest existing ancestor, whose
 * children it is not to know.
 */
static int absent(struct xs_op *op, const char *path)
{
    struct xs_entry *e;
    int rc;

    do {
        rc = get_parent(op, path, &e);
        if (rc < 0)
            return rc;
        path = e->path;
    } while (!e->exists);
    return (xs_perm_of(&e->d, op->t->domid) & XS_PERM_READ) ? -ENOENT : -EACCES;
}

/* The node at path, existing, with `perm` for the caller. */
static int get_node(struct xs_op *op, const char *path, uint8_t perm, struct xs_entry **out)
{
    int rc = xs_txn_get(op->s, op->t, path, out);

    if (rc < 0)
        return rc;
    if (!(*out)->exists)
        return absent(op, path);
    if ((xs_perm_of(&(*out)->d, op->t->domid) & perm) != perm)
        return -EACCES;
    return 0;
}

static int get_parent(struct xs_op *op, const char *path, struct xs_entry **out)
{
    char *parent;
    int rc = xs_path_parent(path, &parent);

    if (rc < 0)
        return rc;
    rc = xs_txn_get(op->s, op->t, parent, out);
    free(parent);
    return rc;
}

static bool too_big(const struct xs_op *op, uint32_t size)
{
    return !priv(op) && size > op->s->q.node_size;
}

int xs_op_read(struct xs_op *op, const char *path, struct xs_entry **out)
{
    return get_node(op, path, XS_PERM_READ, out);
}

/* ---- creating nodes ---- */

/*
 * The missing nodes on the way to path, deepest first (miss[0] is path's
 * copy), and the nearest existing ancestor.
 */
static int find_missing(struct xs_op *op, const char *path, struct xs_entry ***miss, uint32_t *n,
                        struct xs_entry **anc)
{
    struct xs_entry **m = malloc((strlen(path) / 2 + 1) * sizeof(*m));
    struct xs_entry *e;
    int rc;

    if (!m)
        return -ENOMEM;
    *n = 0;
    rc = xs_txn_get(op->s, op->t, path, &e);
    while (rc == 0 && !e->exists) {
        m[(*n)++] = e;
        rc = get_parent(op, e->path, &e);
    }
    if (rc < 0) {
        free(m);
        return rc;
    }
    *miss = m;
    *anc = e;
    return 0;
}

/* May the caller create n nodes below anc, the first named `name`? */
static int may_create(struct xs_op *op, struct xs_entry *anc, const char *name, uint32_t n,
                      size_t vlen)
{
    if (!(xs_perm_of(&anc->d, op->t->domid) & XS_PERM_WRITE))
        return -EACCES;
    if (priv(op))
        return 0;
    if (op->dom->nodes + n > op->s->q.nodes)
        return -ENOSPC;
    if (too_big(op, xs_data_size(&anc->d) + (uint32_t)strlen(name) + 1) ||
        too_big(op, (uint32_t)vlen + anc->d.nperms * PERM_SIZE))
        return -ENOSPC;
    return 0;
}

/* A new node below parent: parent's permissions, owned by an unprivileged creator. */
static int make_node(struct xs_op *op, struct xs_entry *parent, struct xs_entry *e)
{
    struct xs_data d = {.nperms = parent->d.nperms};
    int rc;

    d.perms = malloc(d.nperms * sizeof(*d.perms));
    if (!d.perms)
        return -ENOMEM;
    memcpy(d.perms, parent->d.perms, d.nperms * sizeof(*d.perms));
    if (!priv(op))
        d.perms[0].id = op->t->domid;
    rc = xs_children_add(&parent->d, xs_path_basename(e->path));
    if (rc < 0) {
        free(d.perms);
        return rc;
    }
    parent->dirty = true;
    e->d = d;
    e->exists = e->dirty = true;
    return 0;
}

static int set_value(struct xs_entry *e, const void *value, size_t len)
{
    char *v = NULL;

    if (len) {
        v = malloc(len);
        if (!v)
            return -ENOMEM;
        memcpy(v, value, len);
    }
    free(e->d.value);
    e->d.value = v;
    e->d.vlen = (uint32_t)len;
    e->dirty = true;
    e->fire = XS_FIRE_CHANGED;
    return 0;
}

/* Creates path and any missing ancestors; path gets the value. */
static int create(struct xs_op *op, const char *path, const void *value, size_t len)
{
    struct xs_entry **miss, *anc;
    uint32_t n;
    int was = op->t->error;
    int rc = find_missing(op, path, &miss, &n, &anc);

    if (rc < 0)
        return rc;
    rc = may_create(op, anc, xs_path_basename(miss[n - 1]->path), n, len);
    if (rc < 0)
        goto out;
    op->t->error = -EAGAIN; /* until every copy is changed */
    for (uint32_t i = n; i-- > 0 && rc == 0;)
        rc = make_node(op, i + 1 < n ? miss[i + 1] : anc, miss[i]);
    if (rc == 0)
        rc = set_value(miss[0], value, len);
    if (rc == 0)
        op->t->error = was;
out:
    free(miss);
    return rc;
}

/* ---- the operations ---- */

int xs_op_write(struct xs_op *op, const char *path, const void *value, size_t len)
{
    struct xs_entry *e;
    int rc;

    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    rc = xs_txn_get(op->s, op->t, path, &e);
    if (rc < 0)
        return rc;
    if (!e->exists)
        return create(op, path, value, len);
    if (!(xs_perm_of(&e->d, op->t->domid) & XS_PERM_WRITE))
        return -EACCES;
    if (too_big(op, xs_data_size(&e->d) - e->d.vlen + (uint32_t)len))
        return -ENOSPC;
    return set_value(e, value, len);
}

int xs_op_mkdir(struct xs_op *op, const char *path)
{
    struct xs_entry *e;
    int rc = xs_txn_get(op->s, op->t, path, &e);

    if (rc < 0)
        return rc;
    if (!e->exists)
        return create(op, path, NULL, 0);
    return (xs_perm_of(&e->d, op->t->domid) & XS_PERM_WRITE) ? 0 : -EACCES;
}

/* "parent/name" (or "/name" below the root), malloc'd. */
static char *child_path(const char *parent, const char *name)
{
    size_t pn = strcmp(parent, "/") == 0 ? 0 : strlen(parent), nn = strlen(name);
    char *p = malloc(pn + nn + 2);

    if (!p)
        return NULL;
    memcpy(p, parent, pn);
    p[pn] = '/';
    memcpy(p + pn + 1, name, nn + 1);
    return p;
}

/* A growing list of entries. */
struct entry_list {
    struct xs_entry **v;
    uint32_t len, cap;
};

static int list_push(struct entry_list *l, struct xs_entry *e)
{
    if (l->len == l->cap) {
        uint32_t cap = l->cap ? 2 * l->cap : 16;
        struct xs_entry **v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->len++] = e;
    return 0;
}

/* Appends copies of e's children to l. */
static int push_children(struct xs_op *op, const struct xs_entry *e, struct entry_list *l)
{
    const struct xs_data *d = &e->d;
    int rc = 0;

    for (uint32_t off = 0; off < d->clen && rc == 0; off += strlen(d->children + off) + 1) {
        struct xs_entry *c;
        char *child = child_path(e->path, d->children + off);
        if (!child)
            return -ENOMEM;
        rc = xs_txn_get(op->s, op->t, child, &c);
        free(child);
        if (rc == 0)
            rc = list_push(l, c);
    }
    return rc;
}

/* Copies of top and every node below it, parents before children (no recursion). */
static int collect_subtree(struct xs_op *op, struct xs_entry *top, struct entry_list *l)
{
    int rc = list_push(l, top);

    for (uint32_t i = 0; i < l->len && rc == 0; i++)
        rc = push_children(op, l->v[i], l);
    return rc;
}

static void remove_copy(struct xs_entry *e)
{
    free(e->d.value);
    free(e->d.children);
    e->d.value = e->d.children = NULL;
    e->d.vlen = e->d.clen = 0; /* perms stay: watchers are checked against them */
    e->exists = false;
    e->dirty = true;
}

int xs_op_rm(struct xs_op *op, const char *path)
{
    struct xs_entry *e, *parent;
    struct entry_list sub = {NULL, 0, 0};
    int rc;

    if (strcmp(path, "/") == 0)
        return -EINVAL;
    rc = get_parent(op, path, &parent);
    if (rc < 0)
        return rc;
    rc = get_node(op, path, XS_PERM_WRITE, &e);
    if (rc == -ENOENT && parent->exists)
        return 0; /* xenstored: removing a missing node below an existing one is fine */
    if (rc < 0)
        return rc;
    rc = collect_subtree(op, e, &sub);
    for (uint32_t i = 0; rc == 0 && i < sub.len; i++)
        remove_copy(sub.v[i]);
    free(sub.v);
    if (rc < 0)
        return rc;
    e->fire = XS_FIRE_REMOVED;
    xs_children_remove(&parent->d, xs_path_basename(path));
    parent->dirty = true;
    return 0;
}

int xs_op_set_perms(struct xs_op *op, const char *path, const struct xs_perm *p, uint32_t n)
{
    struct xs_entry *e;
    struct xs_perm *copy;
    int rc = get_node(op, path, 0, &e);

    if (rc < 0)
        return rc;
    if (!priv(op)) {
        if (e->d.perms[0].id != op->t->domid)
            return -EACCES;
        if (p[0].id != e->d.perms[0].id)
            return -EPERM; /* only dom0 gives a node away */
        if (n > op->s->q.perms || too_big(op, xs_data_size(&e->d) + (n - e->d.nperms) * PERM_SIZE))
            return -ENOSPC;
    }
    copy = malloc(n * sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    memcpy(copy, p, n * sizeof(*copy));
    free(e->d.perms);
    e->d.perms = copy;
    e->d.nperms = n;
    e->dirty = true;
    e->fire = XS_FIRE_CHANGED;
    return 0;
}

/* ---- the public calls ---- */

static int copy_out(const void *src, size_t n, char *buf, size_t size, size_t *len)
{
    if (n > size)
        return -E2BIG;
    if (n)
        memcpy(buf, src, n);
    *len = n;
    return 0;
}

/*
 * XS_DIRECTORY_PART's reply: the node's generation, then the child names
 * from byte `off` that fit, then an empty name if that was the last of them.
 */
static int children_part(const struct xs_entry *e, uint32_t off, char *buf, size_t size,
                         size_t *len)
{
    const struct xs_data *d = &e->d;
    size_t n = 0, genlen = (size_t)snprintf(buf, size, "%llu", (unsigned long long)e->gen) + 1;

    if (size < genlen + 1)
        return -E2BIG;
    while (off < d->clen && off + n < d->clen) {
        size_t i = strlen(d->children + off + n) + 1;
        if (genlen + n + i >= size)
            break;
        n += i;
    }
    if (n)
        memcpy(buf + genlen, d->children + off, n);
    if (off >= d->clen || off + n == d->clen)
        buf[genlen + n++] = '\0';
    *len = genlen + n;
    return 0;
}

enum get_what { GET_VALUE, GET_CHILDREN, GET_PERMS, GET_PART };

static int get(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path,
               enum get_what what, uint32_t off, char *buf, size_t size, size_t *len)
{
    struct xs_txn implicit;
    struct xs_op op;
    struct xs_entry *e;
    char *p = NULL;
    int rc = xs_op_begin(s, domid, txid, &op, &implicit);

    if (rc < 0)
        return rc;
    rc = xs_path_canon(domid, path, &p);
    if (rc == 0)
        rc = xs_op_read(&op, p, &e);
    if (rc == 0 && what == GET_VALUE)
        rc = copy_out(e->d.value, e->d.vlen, buf, size, len);
    if (rc == 0 && what == GET_CHILDREN)
        rc = copy_out(e->d.children, e->d.clen, buf, size, len);
    if (rc == 0 && what == GET_PERMS)
        rc = xs_perms_format(e->d.perms, e->d.nperms, buf, size, len);
    if (rc == 0 && what == GET_PART)
        rc = children_part(e, off, buf, size, len);
    free(p);
    return xs_op_end(&op, rc);
}

int xs_read(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, char *buf,
            size_t size, size_t *len)
{
    return get(s, domid, txid, path, GET_VALUE, 0, buf, size, len);
}

int xs_directory(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, char *buf,
                 size_t size, size_t *len)
{
    return get(s, domid, txid, path, GET_CHILDREN, 0, buf, size, len);
}

int xs_get_perms(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, char *buf,
                 size_t size, size_t *len)
{
    return get(s, domid, txid, path, GET_PERMS, 0, buf, size, len);
}

int xs_directory_part(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path,
                      uint32_t offset, char *buf, size_t size, size_t *len)
{
    return get(s, domid, txid, path, GET_PART, offset, buf, size, len);
}

struct change {
    enum { CH_WRITE, CH_MKDIR, CH_RM, CH_PERMS } what;
    const void *value;
    size_t len;
};

static int change(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path,
                  const struct change *c)
{
    struct xs_txn implicit;
    struct xs_op op;
    struct xs_perm *perms = NULL;
    uint32_t n = 0;
    char *p = NULL;
    int rc = xs_op_begin(s, domid, txid, &op, &implicit);

    if (rc < 0)
        return rc;
    rc = xs_path_canon(domid, path, &p);
    if (rc == 0 && c->what == CH_PERMS)
        rc = xs_perms_parse(c->value, c->len, XENSTORE_PAYLOAD_MAX, &perms, &n);
    if (rc == 0 && c->what == CH_WRITE)
        rc = xs_op_write(&op, p, c->value, c->len);
    if (rc == 0 && c->what == CH_MKDIR)
        rc = xs_op_mkdir(&op, p);
    if (rc == 0 && c->what == CH_RM)
        rc = xs_op_rm(&op, p);
    if (rc == 0 && c->what == CH_PERMS)
        rc = xs_op_set_perms(&op, p, perms, n);
    free(perms);
    free(p);
    return xs_op_end(&op, rc);
}

int xs_write(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, const void *value,
             size_t len)
{
    struct change c = {CH_WRITE, value, len};

    return change(s, domid, txid, path, &c);
}

int xs_mkdir(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path)
{
    struct change c = {CH_MKDIR, NULL, 0};

    return change(s, domid, txid, path, &c);
}

int xs_rm(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path)
{
    struct change c = {CH_RM, NULL, 0};

    return change(s, domid, txid, path, &c);
}

int xs_set_perms(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path,
                 const char *perms, size_t len)
{
    struct change c = {CH_PERMS, perms, len};

    return change(s, domid, txid, path, &c);
}

/* ---- transactions ---- */

int xs_transaction_start(struct xs_store *s, uint16_t domid, uint32_t *txid)
{
    struct xs_domain *d = xs_domain_active(s, domid);
    struct xs_txn *t;
    int rc;

    if (!d)
        return -ESRCH;
    if (!xs_privileged(domid) && d->ntxns >= s->q.transactions)
        return -ENOSPC;
    t = malloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    do
        s->next_txid++;
    while (s->next_txid == 0 || find_txn(d, s->next_txid));
    rc = xs_txn_init(t, s->next_txid, domid);
    if (rc < 0) {
        free(t);
        return rc;
    }
    t->next = d->txns;
    d->txns = t;
    d->ntxns++;
    *txid = t->id;
    return 0;
}

int xs_transaction_end(struct xs_store *s, uint16_t domid, uint32_t txid, bool commit)
{
    struct xs_domain *d = xs_domain_active(s, domid);
    struct xs_txn **pp, *t;
    int rc = 0;

    if (!d)
        return -ESRCH;
    for (pp = &d->txns; *pp && (*pp)->id != txid; pp = &(*pp)->next)
        ;
    if (txid == 0 || !*pp)
        return -ENOENT;
    t = *pp;
    *pp = t->next;
    d->ntxns--;
    if (commit)
        rc = xs_txn_commit(s, t);
    xs_txn_free(s, t);
    free(t);
    return rc;
}
