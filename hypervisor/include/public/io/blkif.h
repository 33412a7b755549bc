/*
 * public/io/blkif.h - the PV block protocol (blkif): a frontend in a guest
 * asks dom0's blkback to read and write sectors of a virtual disk through a
 * shared ring (io/ring.h) of requests and responses; the data travels in
 * pages the frontend grants to the backend. Layouts, numbers and semantics
 * are those of Xen's public io/blkif.h (checked against Debian's libxen-dev
 * by tests/unit/abi), written here from the protocol. docs/block.md has the
 * request flow and what Skiff's backend promises.
 *
 * ---- XenStore nodes ----
 * The toolstack creates the pair of directories
 *   frontend  /local/domain/<guest>/device/vbd/<vdev>
 *   backend   /local/domain/0/backend/vbd/<guest>/<vdev>
 * and in each a `state` node (XenbusState*, skiff/xenbus.h) plus a link to
 * the other: <frontend>/backend and <backend>/frontend (paths).
 *
 * Written by the backend (read by the frontend once the backend is Connected):
 *   sectors                        capacity, in units of sector-size (decimal)
 *   sector-size                    logical sector size in bytes (512 here); the
 *                                  protocol's sector_number/first_sect/last_sect
 *                                  are always 512-byte units whatever it says
 *   info                           VDISK_* flags below (decimal)
 *   mode                           "r" (read-only) or "w" (read-write)
 *   feature-flush-cache            "1": BLKIF_OP_FLUSH_DISKCACHE reaches stable
 *                                  storage (durability D2); absent or "0": the
 *                                  backend writes through and cannot flush (D3)
 *   feature-max-indirect-segments  the most segments a BLKIF_OP_INDIRECT request
 *                                  may carry; absent: no indirect requests
 * Written by the frontend (read by the backend once the frontend is Initialised):
 *   ring-ref                       grant ref of the one shared ring page
 *   event-channel                  an unbound port offered to the backend domain
 *   protocol                       "x86_64-abi" (the only layout this header describes)
 *
 * Handshake: backend InitWait (nodes above written) -> frontend grants the
 * ring, allocates the port, writes ring-ref/event-channel/protocol, then
 * Initialised -> backend maps and binds, Connected -> frontend reads the
 * backend's nodes, Connected. Either side goes Closing then Closed to tear
 * down; a backend never follows a path the frontend wrote (HOSTILE X4).
 *
 * ---- Requests ----
 * Every request carries an `id` the frontend chooses; the backend copies it
 * into the one response it writes per request, in any order. A data
 * request names up to BLKIF_MAX_SEGMENTS_PER_REQUEST segments; segment i is
 * sectors first_sect..last_sect (inclusive, 512-byte units, last_sect <= 7)
 * of the page granted as gref, and covers disk sectors that follow on from
 * the previous segment's, starting at sector_number. A request with more
 * segments uses BLKIF_OP_INDIRECT: the segments live in up to
 * BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST granted pages, each an array of
 * BLKIF_SEGS_PER_INDIRECT_FRAME struct blkif_request_segment.
 *
 * Nothing the peer wrote is trusted: backends copy a request out of the
 * ring once and validate the copy (HOSTILE R1-R5); frontends ignore
 * responses whose id they never issued or already saw answered (R7).
 *
 * Freestanding: needs only <stdint.h>, <stddef.h>; compiles as C99 and C++11.
 */
#ifndef SKIFF_PUBLIC_IO_BLKIF_H
#define SKIFF_PUBLIC_IO_BLKIF_H

#include <stddef.h>
#include <stdint.h>

#include "../grant_table.h"
#include "ring.h"

/* The guest's name for the disk (Xen's vdev number); echoed, not interpreted. */
typedef uint16_t blkif_vdev_t;
/* A disk position in 512-byte sectors. */
typedef uint64_t blkif_sector_t;

/* Sizes the protocol counts in. */
#define BLKIF_SECTOR_SIZE      512u  /* unit of sector_number, first_sect, last_sect */
#define BLKIF_PAGE_SIZE        4096u /* a granted page: data segment or indirect page */
#define BLKIF_SECTORS_PER_PAGE 8u    /* so last_sect <= 7 */

/* ---- operations (blkif_request.operation) ---- */
#define BLKIF_OP_READ  0 /* disk -> granted pages (writable grants) */
#define BLKIF_OP_WRITE 1 /* granted pages -> disk (read-only grants suffice) */
/*
 * Write with ordering: every request the backend completed before it is
 * durable before this write starts (a flush, then the write). Old; Skiff's
 * backend accepts it as FLUSH_DISKCACHE with data but does not advertise
 * feature-barrier.
 */
#define BLKIF_OP_WRITE_BARRIER 2
/*
 * Flush the disk's write cache: OKAY means every write completed before the
 * flush was issued is on stable storage. Only if feature-flush-cache is "1".
 * With nr_segments > 0 it carries data: flush first, then the write (D4).
 */
#define BLKIF_OP_FLUSH_DISKCACHE 3
/* Reserved for a former Xen extension: never valid, answered EOPNOTSUPP. */
#define BLKIF_OP_RESERVED_1 4
/*
 * Discard (trim) nr_sectors from sector_number (struct blkif_request_discard).
 * Only if feature-discard is "1" (Skiff's backend does not offer it).
 */
#define BLKIF_OP_DISCARD 5
/* A read or write whose segments live in granted pages (struct blkif_request_indirect). */
#define BLKIF_OP_INDIRECT 6

/* Segments in a direct request: chosen so that 32 requests fill one ring page. */
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
/* Indirect pages one BLKIF_OP_INDIRECT request may name. */
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

/*
 * One segment: sectors first_sect..last_sect of a granted page. 8 bytes; an
 * indirect page is an array of BLKIF_SEGS_PER_INDIRECT_FRAME of them.
 */
struct blkif_request_segment {
    grant_ref_t gref;   /* 0 [FRONT] the granted page */
    uint8_t first_sect; /* 4 [FRONT] first 512-byte sector of the page, inclusive */
    uint8_t last_sect;  /* 5 [FRONT] last one, inclusive: first_sect <= last_sect <= 7 */
    uint16_t pad;       /* 6 zero (implicit padding in Xen's header) */
};                      /* 8 bytes */

/* Segments one indirect page holds: 512. */
#define BLKIF_SEGS_PER_INDIRECT_FRAME (BLKIF_PAGE_SIZE / sizeof(struct blkif_request_segment))

/* A ring entry as the frontend writes it for READ, WRITE, WRITE_BARRIER and FLUSH_DISKCACHE. */
struct blkif_request {
    uint8_t operation;            /*  0 [FRONT] BLKIF_OP_* */
    uint8_t nr_segments;          /*  1 [FRONT] seg[] in use: 1..11 for READ/WRITE, 0 for a flush */
    blkif_vdev_t handle;          /*  2 [FRONT] the vdev (unused by Skiff's backend) */
    uint32_t pad;                 /*  4 zero (implicit padding in Xen's header) */
    uint64_t id;                  /*  8 [FRONT] echoed in the response */
    blkif_sector_t sector_number; /* 16 [FRONT] first disk sector (512-byte units) */
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST]; /* 24 [FRONT] */
};                                                                    /* 112 bytes */
typedef struct blkif_request blkif_request_t;

/* The same ring entry for BLKIF_OP_DISCARD. */
struct blkif_request_discard {
    uint8_t operation;            /*  0 [FRONT] BLKIF_OP_DISCARD */
    uint8_t flag;                 /*  1 [FRONT] BLKIF_DISCARD_SECURE or 0 */
    blkif_vdev_t handle;          /*  2 [FRONT] */
    uint32_t pad;                 /*  4 zero */
    uint64_t id;                  /*  8 [FRONT] echoed in the response */
    blkif_sector_t sector_number; /* 16 [FRONT] first sector to discard */
    uint64_t nr_sectors;          /* 24 [FRONT] how many */
};                                /* 32 bytes */
typedef struct blkif_request_discard blkif_request_discard_t;
/* The discarded sectors must become unrecoverable (only if discard-secure is "1"). */
#define BLKIF_DISCARD_SECURE (1 << 0)

/*
 * The same ring entry for BLKIF_OP_INDIRECT: a READ or WRITE whose
 * nr_segments segments (at most feature-max-indirect-segments) are read
 * from the pages indirect_grefs[0 .. ceil(nr_segments / 512) - 1].
 */
struct blkif_request_indirect {
    uint8_t operation;            /*  0 [FRONT] BLKIF_OP_INDIRECT */
    uint8_t indirect_op;          /*  1 [FRONT] BLKIF_OP_READ or BLKIF_OP_WRITE */
    uint16_t nr_segments;         /*  2 [FRONT] segments in the indirect pages */
    uint32_t pad1;                /*  4 zero */
    uint64_t id;                  /*  8 [FRONT] echoed in the response */
    blkif_sector_t sector_number; /* 16 [FRONT] first disk sector */
    blkif_vdev_t handle;          /* 24 [FRONT] */
    uint16_t pad2;                /* 26 zero */
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST]; /* 28 [FRONT] */
    uint32_t pad3;                                                    /* 60 zero */
};                                                                    /* 64 bytes */
typedef struct blkif_request_indirect blkif_request_indirect_t;

/* The backend's answer, written over the slot of the request it answers. */
struct blkif_response {
    uint64_t id;       /*  0 [BACK] the request's id */
    uint8_t operation; /*  8 [BACK] the request's operation */
    uint8_t pad1;      /*  9 */
    int16_t status;    /* 10 [BACK] BLKIF_RSP_* */
    uint32_t pad2;     /* 12 */
};                     /* 16 bytes */
typedef struct blkif_response blkif_response_t;

/* ---- status (blkif_response.status) ---- */
#define BLKIF_RSP_EOPNOTSUPP -2 /* operation not supported (unknown op, flush without cache) */
#define BLKIF_RSP_ERROR      -1 /* failed: bad request or an error below the backend */
#define BLKIF_RSP_OKAY       0  /* done: for a write, the data reached the device (D1) */

/*
 * The ring: union blkif_sring_entry, struct blkif_sring (32 entries in one
 * page), struct blkif_front_ring / blkif_back_ring and their helpers.
 */
DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

/* ---- info node bits ---- */
#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

/* Layout checks (a negative array size fails in C99 and C++ alike). */
typedef char blkif_check_seg[sizeof(struct blkif_request_segment) == 8 ? 1 : -1];
typedef char blkif_check_req[sizeof(struct blkif_request) == 112 ? 1 : -1];
typedef char blkif_check_req_seg[offsetof(struct blkif_request, seg) == 24 ? 1 : -1];
typedef char blkif_check_discard[sizeof(struct blkif_request_discard) == 32 ? 1 : -1];
typedef char blkif_check_indirect[sizeof(struct blkif_request_indirect) == 64 ? 1 : -1];
typedef char
    blkif_check_ind_grefs[offsetof(struct blkif_request_indirect, indirect_grefs) == 28 ? 1 : -1];
typedef char blkif_check_rsp[sizeof(struct blkif_response) == 16 ? 1 : -1];
typedef char blkif_check_rsp_status[offsetof(struct blkif_response, status) == 10 ? 1 : -1];
typedef char blkif_check_ring_size[__CONST_RING_SIZE(blkif, 4096) == 32 ? 1 : -1];

#endif /* SKIFF_PUBLIC_IO_BLKIF_H */
