/*
 * xenstore.h - xenstored as a library: the store of nodes, permissions,
 * watches, transactions and per-domain quotas that dom0 runs, and the
 * message interface its ring transport drives (see docs/xenstore.md).
 *
 * The store touches only memory it is given or allocates: no rings, no
 * event channels, no hypercalls. So it builds freestanding into dom0 and
 * on the host for the unit tests and the fuzzer. It is single-threaded:
 * the caller serialises every call on one store.
 *
 * Functions return 0 (or a length) on success and a negative errno on
 * failure; errors a guest can cause map to Xen's error names on the wire.
 */
#ifndef DOM0_XENSTORE_H
#define DOM0_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_wire.h"

#define XS_DOMID_MAX 0x7fef /* DOMID_FIRST_RESERVED - 1 */

/* Per-domain limits; the privileged domain (0) is exempt from all but `outstanding`. */
struct xs_quota {
    uint32_t nodes;        /* nodes a domain may own: ENOSPC beyond */
    uint32_t watches;      /* watches a domain may have: E2BIG beyond */
    uint32_t transactions; /* open transactions per domain: ENOSPC beyond */
    uint32_t node_size;    /* bytes of one node: value + child names + perms: ENOSPC */
    uint32_t perms;        /* permission entries on one node: ENOSPC */
    uint32_t txn_nodes;    /* nodes one transaction may touch: ENOSPC */
    uint32_t outstanding;  /* replies queued and not yet taken: requests wait */
    uint32_t events;       /* watch events queued: further ones are dropped */
    uint32_t memory;       /* bytes of owned nodes, transaction copies and watches: ENOMEM */
};

/* xenstored's defaults: 1000 nodes, 128 watches, 10 transactions, 2048-byte nodes, ...; 1 MiB */
void xs_quota_defaults(struct xs_quota *q);

/* Hooks into the transport; each may be NULL. */
struct xs_transport_ops {
    /* The domain's output queue went from empty to non-empty: kick its ring. */
    void (*output_ready)(void *ctx, uint16_t domid);
    /* XS_INTRODUCE: connect the domain's ring page and event channel (0 or -errno). */
    int (*introduce)(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port);
    /* XS_RELEASE: the domain is gone; drop its ring. */
    void (*release)(void *ctx, uint16_t domid);
    void *ctx;
};

struct xs_store;

/* A store holding "/", "/local", "/local/domain" and "/tool" (owned by dom0, "n0"). */
int xs_store_create(const struct xs_quota *q, const struct xs_transport_ops *ops,
                    struct xs_store **out);
void xs_store_destroy(struct xs_store *s);

/* ---- the message interface (the ring transport's side) ---- */

/*
 * One complete request from domid (header + payload, exactly len bytes).
 * The reply, and any watch events it causes, are queued on the domains'
 * output queues. A request the store cannot answer is refused without a
 * reply: -ESRCH (domid not introduced), -EBUSY (domid has `outstanding`
 * replies queued: take them first), -EINVAL (shorter than a header).
 * Otherwise it returns 0, or -E2BIG / -EINVAL when the header's length was
 * bad (an XS_ERROR reply is queued; the transport may close the ring).
 */
int xs_handle_message(struct xs_store *s, uint16_t domid, const void *msg, size_t len);

/* Xen's error name for -rc ("ENOENT"); errors Xen has no name for are "EINVAL". */
const char *xs_error_name(int rc);

/* May the transport hand domid another request now? */
bool xs_may_request(const struct xs_store *s, uint16_t domid);

/* The oldest queued message for domid (header + payload): its length, 0 if none. */
size_t xs_output_peek(const struct xs_store *s, uint16_t domid, const void **msg);
/* Drops the message xs_output_peek() returned. */
void xs_output_pop(struct xs_store *s, uint16_t domid);

/* ---- the same operations as calls (dom0's toolstack; tests) ----
 * `domid` is the domain acting; `txid` 0 or one of its transactions.
 * Paths are absolute, or relative to /local/domain/<domid>. */
int xs_read(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, char *buf,
            size_t size, size_t *len);
int xs_write(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, const void *value,
             size_t len);
int xs_mkdir(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path);
int xs_rm(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path);
/* Child names, each NUL-terminated, into buf; *len their total size. */
int xs_directory(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, char *buf,
                 size_t size, size_t *len);
/*
 * A directory too long for one reply, in parts: "<generation>\0" then the
 * names from byte `offset` of the list that fit; the last part ends with an
 * empty name. A changed generation between parts means: start again.
 */
int xs_directory_part(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path,
                      uint32_t offset, char *buf, size_t size, size_t *len);
/* Permission strings ("b0", "r5", ...), each NUL-terminated. */
int xs_get_perms(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path, char *buf,
                 size_t size, size_t *len);
/* perms: len bytes of NUL-terminated permission strings; the first names the owner. */
int xs_set_perms(struct xs_store *s, uint16_t domid, uint32_t txid, const char *path,
                 const char *perms, size_t len);

int xs_watch(struct xs_store *s, uint16_t domid, const char *path, const char *token);
int xs_unwatch(struct xs_store *s, uint16_t domid, const char *path, const char *token);
/* Drops all the domain's watches and open transactions (a guest kernel starting over). */
int xs_reset_watches(struct xs_store *s, uint16_t domid);

int xs_transaction_start(struct xs_store *s, uint16_t domid, uint32_t *txid);
/* Commit (-EAGAIN if another change got in first: start again) or abort. */
int xs_transaction_end(struct xs_store *s, uint16_t domid, uint32_t txid, bool commit);

/* Privileged (caller 0): a new domain may talk to the store; fires @introduceDomain. */
int xs_introduce(struct xs_store *s, uint16_t caller, uint16_t domid, uint64_t gfn, uint32_t port);
/*
 * Privileged: the domain is dead. Its watches, transactions and queued
 * output go; nodes it owns pass to dom0 and permission entries naming it
 * are dropped (so a new domain with the same id inherits nothing); fires
 * @releaseDomain. Removing /local/domain/<domid> is the toolstack's job.
 */
int xs_release(struct xs_store *s, uint16_t caller, uint16_t domid);
bool xs_is_introduced(const struct xs_store *s, uint16_t domid);
/* Grows with every change to the tree: a caller that saw the same value has seen it all. */
uint64_t xs_generation(const struct xs_store *s);
/* "/local/domain/<domid>" into buf. */
int xs_domain_path(uint16_t domid, char *buf, size_t size);

/* What a domain uses now (for `xl`-like listings and tests). */
struct xs_usage {
    uint32_t nodes, watches, transactions, replies, events;
    uint64_t memory; /* what counts against the memory quota */
    uint64_t dropped_events;
};
int xs_domain_usage(const struct xs_store *s, uint16_t domid, struct xs_usage *u);

/* Recounts every domain's nodes and memory from the tree: 0 if the books agree, else -EIO. */
int xs_store_check(const struct xs_store *s);

#endif /* DOM0_XENSTORE_H */
