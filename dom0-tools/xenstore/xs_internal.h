/*
 * xs_internal.h - the store's inside, shared by its files: nodes held in a
 * hash map keyed by full path (each node lists its children's names, as
 * xenstored's database does), transactions as private maps over the tree,
 * watches, and per-domain accounting and output queues.
 *
 * Every operation, with or without a transaction id, runs in a transaction:
 * it copies the nodes it touches into the transaction's map, changes only
 * those copies, and commit checks each copied node's generation against the
 * tree (EAGAIN if one changed), then moves the copies in, a step that cannot
 * fail halfway. So an operation that fails changes nothing.
 */
#ifndef DOM0_XS_INTERNAL_H
#define DOM0_XS_INTERNAL_H

#include "xenstore.h"

#define XS_PERM_NONE  0
#define XS_PERM_READ  1
#define XS_PERM_WRITE 2
#define XS_PERM_BOTH  3

#define XS_PRIV_EVENTS_MAX 65536 /* dom0's event queue is not quota'd, but still bounded */
#define XS_TREE_BUCKETS    1024
#define XS_TXN_BUCKETS     32

struct xs_perm {
    uint16_t id;  /* first entry: the owner; others: the domain named */
    uint8_t perm; /* XS_PERM_*; the first entry's is everyone else's */
};

struct xs_data {
    char *value;
    uint32_t vlen;
    char *children; /* names, each NUL-terminated */
    uint32_t clen;
    struct xs_perm *perms;
    uint32_t nperms; /* >= 1 for an existing node */
};

enum xs_fire { XS_FIRE_NONE, XS_FIRE_CHANGED, XS_FIRE_REMOVED };

struct xs_entry {
    struct xs_entry *next; /* hash chain */
    char *path;
    uint64_t gen; /* tree: generation of the last change; txn: tree's when copied (0: absent) */
    bool exists;  /* txn: the node exists in the transaction's view */
    bool dirty;   /* txn: changed by the transaction */
    uint8_t fire; /* txn: enum xs_fire, watches to fire on commit */
    struct xs_data d;
};

struct xs_map {
    struct xs_entry **b;
    uint32_t nb;
    uint32_t count;
};

struct xs_txn {
    struct xs_txn *next; /* in its domain's list */
    uint32_t id;         /* 0: the implicit transaction of a single operation */
    uint16_t domid;
    int error;  /* set when an operation failed after changing copies: commit returns it */
    size_t mem; /* bytes of its copies, charged to its domain */
    struct xs_map map;
};

struct xs_watch {
    struct xs_watch *next;
    char *path; /* absolute, or "@introduceDomain" / "@releaseDomain" */
    char *token;
    bool relative; /* registered relative to the domain's home: events say so too */
};

struct xs_msg {
    struct xs_msg *next;
    bool reply; /* a reply (counts against `outstanding`) or a watch event */
    uint32_t len;
    unsigned char bytes[];
};

struct xs_domain {
    struct xs_domain *next;
    uint16_t domid;
    bool introduced; /* may talk to the store (dom0 always) */
    uint64_t gfn;
    uint32_t port;
    uint32_t nodes;     /* nodes it owns */
    size_t mem_nodes;   /* their bytes (xs_entry_cost) */
    size_t mem_txns;    /* bytes of its transactions' copies */
    size_t mem_watches; /* bytes of its watches */
    uint32_t nwatches, ntxns, replies, events;
    uint64_t dropped_events;
    struct xs_watch *watches;
    struct xs_txn *txns;
    struct xs_msg *out_head, *out_tail;
};

struct xs_store {
    struct xs_map tree;
    uint64_t gen; /* last generation handed out */
    uint32_t next_txid;
    struct xs_quota q;
    struct xs_transport_ops ops;
    struct xs_domain *domains;
};

static inline bool xs_privileged(uint16_t domid)
{
    return domid == 0;
}

/* xs_path.c: paths and permissions */
int xs_path_canon(uint16_t domid, const char *in, char **out);
bool xs_path_is_special(const char *path);
bool xs_path_is_under(const char *path, const char *top); /* path == top or below it */
const char *xs_path_basename(const char *path);
int xs_path_parent(const char *path, char **out);
int xs_parse_domid(const char *s, uint16_t *out);
int xs_parse_u64(const char *s, uint64_t *out);
int xs_perms_parse(const char *buf, size_t len, uint32_t max, struct xs_perm **out, uint32_t *n);
int xs_perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t size, size_t *len);
uint8_t xs_perm_of(const struct xs_data *d, uint16_t domid);

/* xs_tree.c: maps, node data, transactions */
int xs_map_init(struct xs_map *m, uint32_t nb);
void xs_map_free(struct xs_map *m);
struct xs_entry *xs_map_find(const struct xs_map *m, const char *path);
void xs_map_insert(struct xs_map *m, struct xs_entry *e);
void xs_map_remove(struct xs_map *m, struct xs_entry *e);
struct xs_entry *xs_entry_new(const char *path);
void xs_entry_free(struct xs_entry *e);
void xs_data_free(struct xs_data *d);
int xs_data_dup(struct xs_data *dst, const struct xs_data *src);
uint32_t xs_data_size(const struct xs_data *d);
int xs_children_add(struct xs_data *d, const char *name);
void xs_children_remove(struct xs_data *d, const char *name);
int xs_txn_init(struct xs_txn *t, uint32_t id, uint16_t domid);
void xs_txn_free(struct xs_store *s, struct xs_txn *t);
int xs_txn_recharge(struct xs_store *s, struct xs_txn *t);
size_t xs_entry_cost(const struct xs_entry *e);
int xs_txn_get(struct xs_store *s, struct xs_txn *t, const char *path, struct xs_entry **out);
int xs_txn_commit(struct xs_store *s, struct xs_txn *t);

/* xs_ops.c: the operations on a transaction's view */
struct xs_op {
    struct xs_store *s;
    struct xs_domain *dom;
    struct xs_txn *t;
};
int xs_op_begin(struct xs_store *s, uint16_t domid, uint32_t txid, struct xs_op *op,
                struct xs_txn *implicit);
int xs_op_end(struct xs_op *op, int rc);
int xs_op_read(struct xs_op *op, const char *path, struct xs_entry **out);
int xs_op_write(struct xs_op *op, const char *path, const void *value, size_t len);
int xs_op_mkdir(struct xs_op *op, const char *path);
int xs_op_rm(struct xs_op *op, const char *path);
int xs_op_set_perms(struct xs_op *op, const char *path, const struct xs_perm *p, uint32_t n);

/* xs_watch.c */
/* Adds a watch without its first event: xs_watch_fire_new() sends that (after the reply). */
int xs_watch_add(struct xs_store *s, struct xs_domain *d, const char *path, const char *token,
                 struct xs_watch **out);
void xs_watch_fire_new(struct xs_store *s, struct xs_domain *d, const struct xs_watch *w);
int xs_watch_del(struct xs_store *s, struct xs_domain *d, const char *path, const char *token);
void xs_watch_free_all(struct xs_domain *d);
void xs_watch_fire(struct xs_store *s, const char *path, const struct xs_data *d, enum xs_fire how);
void xs_watch_fire_special(struct xs_store *s, const char *name);

/* xs_domain.c */
struct xs_domain *xs_domain_find(const struct xs_store *s, uint16_t domid);
struct xs_domain *xs_domain_get(struct xs_store *s, uint16_t domid); /* creates: NULL on ENOMEM */
struct xs_domain *xs_domain_active(const struct xs_store *s, uint16_t domid);
void xs_account(struct xs_store *s, uint16_t owner, int nodes, long bytes);
size_t xs_domain_mem(const struct xs_domain *d);
bool xs_mem_over(const struct xs_store *s, const struct xs_domain *d);
int xs_queue(struct xs_store *s, struct xs_domain *d, bool reply, const struct xsd_sockmsg *h,
             const void *a, size_t alen, const void *b, size_t blen);
void xs_domain_free_all(struct xs_store *s);

#endif /* DOM0_XS_INTERNAL_H */
