/*
 * blkfront_int.h - what blkfront.c and blkfront_issue.c share inside the core.
 */
#ifndef FRONTENDS_BLKFRONT_INT_H
#define FRONTENDS_BLKFRONT_INT_H

#include "blkfront.h"

/* Issues queued I/Os while slots and ring space last; pushes and notifies. */
void blkfront_issue(struct blkfront *bf);
/* Ends the grants a slot holds (counting those the backend still maps). */
void blkfront_slot_end_grants(struct blkfront *bf, struct blkfront_slot *s);
/* Calls io->done if every part is issued and answered. */
void blkfront_complete(struct blkfront *bf, struct blkfront_io *io);
void blkfront_log(struct blkfront *bf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* FRONTENDS_BLKFRONT_INT_H */
