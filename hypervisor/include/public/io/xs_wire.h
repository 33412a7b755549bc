/*
 * public/io/xs_wire.h - the XenStore wire protocol as Xen defines it (io/xs_wire.h):
 * message types, the 16-byte message header, the payload and path limits
 * and the error names. Written here from the documented facts; the names
 * and values are Xen's, and tests/unit/xenstore checks them against
 * Debian's libxen-dev header.
 *
 * A message is a struct xsd_sockmsg followed by `len` payload bytes,
 * generally NUL-terminated strings. Every request gets exactly one reply
 * with the request's type, req_id and tx_id, or an XS_ERROR reply whose
 * payload is an error name such as "ENOENT\0". XS_WATCH_EVENT messages
 * ("path\0token\0") come unasked, with req_id and tx_id 0.
 *
 * Between a domain and the store, messages travel through one shared page,
 * struct xenstore_domain_interface, with an event channel: two byte rings
 * of XENSTORE_RING_SIZE bytes with free-running 32-bit indices (masked
 * with MASK_XENSTORE_IDX). The domain produces requests in req (it writes
 * req_prod, the store req_cons) and consumes replies and watch events from
 * rsp (the store writes rsp_prod, the domain rsp_cons). Each side writes
 * the bytes, then (after a write barrier) its producer index, then
 * notifies the event channel; a message may wrap around the end of a ring
 * and may arrive in pieces.
 */
#ifndef SKIFF_PUBLIC_IO_XS_WIRE_H
#define SKIFF_PUBLIC_IO_XS_WIRE_H

#include <stdint.h>

enum xsd_sockmsg_type {
    XS_CONTROL = 0,               /* unsupported here: ENOSYS */
    XS_DIRECTORY = 1,             /* "path\0" -> "child\0"... */
    XS_READ = 2,                  /* "path\0" -> value bytes (no NUL) */
    XS_GET_PERMS = 3,             /* "path\0" -> "<perm>\0"... */
    XS_WATCH = 4,                 /* "path\0token\0" -> "OK\0" */
    XS_UNWATCH = 5,               /* "path\0token\0" -> "OK\0" */
    XS_TRANSACTION_START = 6,     /* "\0" -> "<id>\0" */
    XS_TRANSACTION_END = 7,       /* "T\0" commit or "F\0" abort -> "OK\0" */
    XS_INTRODUCE = 8,             /* "domid\0gfn\0port\0" -> "OK\0" (privileged) */
    XS_RELEASE = 9,               /* "domid\0" -> "OK\0" (privileged) */
    XS_GET_DOMAIN_PATH = 10,      /* "domid\0" -> "/local/domain/<domid>\0" */
    XS_WRITE = 11,                /* "path\0" value bytes -> "OK\0" */
    XS_MKDIR = 12,                /* "path\0" -> "OK\0" */
    XS_RM = 13,                   /* "path\0" -> "OK\0" */
    XS_SET_PERMS = 14,            /* "path\0<perm>\0"... -> "OK\0" */
    XS_WATCH_EVENT = 15,          /* out only: "path\0token\0" */
    XS_ERROR = 16,                /* out only: "<ERRNAME>\0" */
    XS_IS_DOMAIN_INTRODUCED = 17, /* "domid\0" -> "T\0" or "F\0" */
    XS_RESUME = 18,               /* unsupported here: ENOSYS */
    XS_SET_TARGET = 19,           /* unsupported here: ENOSYS */
    /* 20 was XS_RESTRICT, removed */
    XS_RESET_WATCHES = 21,  /* anything -> "OK\0": drops the caller's watches and transactions */
    XS_DIRECTORY_PART = 22, /* "path\0offset\0" -> "gen\0" "child\0"... ("\0" after the last) */
    XS_TYPE_COUNT = 23,     /* number of valid types */
    XS_INVALID = 0xffff     /* guaranteed to remain invalid */
};

struct xsd_sockmsg {
    uint32_t type;   /* 0: enum xsd_sockmsg_type */
    uint32_t req_id; /* 4: echoed in the reply */
    uint32_t tx_id;  /* 8: transaction, 0 if none */
    uint32_t len;    /* 12: payload bytes following the header */
};
typedef char xsd_sockmsg_is_16_bytes[sizeof(struct xsd_sockmsg) == 16 ? 1 : -1];

/* Watch event payload fields. */
enum xs_watch_type { XS_WATCH_PATH = 0, XS_WATCH_TOKEN = 1 };

/* Permission letters in GET_PERMS / SET_PERMS strings: "<letter><domid>". */
#define XS_PERM_CHAR_NONE  'n'
#define XS_PERM_CHAR_READ  'r'
#define XS_PERM_CHAR_WRITE 'w'
#define XS_PERM_CHAR_BOTH  'b'

#define XENSTORE_PAYLOAD_MAX  4096 /* a longer message breaks the connection */
#define XENSTORE_ABS_PATH_MAX 3072 /* longer paths get EINVAL */
#define XENSTORE_REL_PATH_MAX 2048

/* The shared page (Xen's layout). */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE]; /*    0 [GUEST] requests to the store */
    char rsp[XENSTORE_RING_SIZE]; /* 1024 [store] replies and watch events */
    XENSTORE_RING_IDX req_cons;   /* 2048 [store] */
    XENSTORE_RING_IDX req_prod;   /* 2052 [GUEST] */
    XENSTORE_RING_IDX rsp_cons;   /* 2056 [GUEST] */
    XENSTORE_RING_IDX rsp_prod;   /* 2060 [store] */
    uint32_t server_features;     /* 2064 [store] XENSTORE_SERVER_FEATURE_* (none yet) */
    uint32_t connection;          /* 2068 XENSTORE_CONNECTED (0) */
    uint32_t error;               /* 2072 XENSTORE_ERROR_* (0: none) */
};
#define XENSTORE_CONNECTED 0
typedef char
    xenstore_interface_is_2076_bytes[sizeof(struct xenstore_domain_interface) == 2076 ? 1 : -1];

#endif /* SKIFF_PUBLIC_IO_XS_WIRE_H */
