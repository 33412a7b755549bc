/*
 * vbd_backing.h - resolving a disk's backing spec to a dom0 block device
 * (vbd_backing.c).
 */
#ifndef DOM0_VBD_BACKING_H
#define DOM0_VBD_BACKING_H

#include <stdbool.h>

#include "blkdev.h"

/*
 * "<dev>" (a registered blkdev), "<dev>:<first>+<count>" (a slice of it,
 * made once and kept) or "ram:<size>" (a new RAM disk: *made is true). 0
 * with *out set, or a negative errno with *why set.
 */
int vbd_backing_open(const char *spec, struct blkdev **out, bool *made, const char **why);
/* The disk is gone: a RAM disk made for it is freed (nothing may be in flight). */
int vbd_backing_close(struct blkdev *dev, bool made);

#endif /* DOM0_VBD_BACKING_H */
