/*
 * vbd.h - dom0's virtual block devices: the toolstack side of a guest's
 * disk (the xenstore directories of both ends, block-attach / -detach /
 * -list, disk=[...] in configs) and the glue that runs blkback's core
 * (backends/blkback) for it: the xenbus handshake, the ring page and event
 * channel, grants, teardown. docs/block.md.
 */
#ifndef DOM0_VBD_H
#define DOM0_VBD_H

#include <stdbool.h>
#include <stdint.h>

#include <public/skiff.h>

#define VBD_MAX 32 /* virtual disks at once, all guests together */

/*
 * Registers with dom0's wait loop and with domctl_destroy (a dead guest's
 * disks are torn down at once, R8). Call once at start.
 */
void vbd_init(void);

/*
 * Gives domain `domid` the disk `vdev` ("xvda".."xvdz") backed by `backing`:
 *   <dev>                   a whole dom0 block device ("vda", "ram0", ...)
 *   <dev>:<first>+<count>   sectors [first, first + count) of it
 *   ram:<size>              a new RAM disk of <size> bytes (K, M or G suffix)
 * read-only if `readonly` (or if the device is). Writes both ends'
 * directories; the guest's blkfront does the rest. 0, or a negative errno
 * with *why saying what is wrong in one phrase.
 */
int vbd_attach(domid_t domid, const char *vdev, const char *backing, bool readonly,
               const char **why);

/*
 * Asks the guest to let go of the disk (backend Closing), waits up to
 * timeout_ms for its frontend to close, then tears down either way
 * (requests still on the device complete into nothing). 0, -ENOENT.
 */
int vbd_detach(domid_t domid, const char *vdev, unsigned int timeout_ms);

/*
 * The backend goes away under the guest's feet, as a restarted backend
 * would: the ring is dropped (unanswered requests stay unanswered) and the
 * backend says Closed; when the frontend comes back (Initialising) it is
 * served again. For tests of blkfront's reconnect. 0, -ENOENT, -ENOTCONN.
 */
int vbd_restart(domid_t domid, const char *vdev);

/* block-list: one line per disk of the domain. */
void vbd_list(domid_t domid);

/*
 * blkback's grant strategy for rings connected from now on: GNTTABOP_copy
 * through dom0's bounce pages if copy, else grant maps (the default). For
 * the benchmark (./skiff bench blk, selftest_blk_bench.c).
 */
void vbd_use_grant_copy(bool copy);

/* Disks attached (for leak checks), and the ones still draining after teardown. */
unsigned int vbd_count(void);
unsigned int vbd_zombies(void);

/* "xvda" -> 51712 (Xen's numbering: 202 << 8 | disk << 4); -EINVAL if not xvd[a-z]. */
int vbd_devid(const char *vdev);

#endif /* DOM0_VBD_H */
