/*
 * ustar.h - a bounded, validating reader of POSIX ustar archives, used for
 * dom0's boot store (a Multiboot module with command line "store").
 *
 * The archive is untrusted bytes: every header is checked (checksum, octal
 * fields, NUL-terminated names, data inside the archive) before an entry is
 * returned, and nothing is ever read outside [archive, archive + size).
 * Only regular files are returned; directories, links and other entry types
 * are skipped. The reader keeps no state besides the iterator and touches
 * only the archive bytes (host unit tests compile it as it is).
 */
#ifndef DOM0_USTAR_H
#define DOM0_USTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USTAR_BLOCK    512
#define USTAR_NAME_MAX 256 /* prefix (155) + '/' + name (100), NUL-terminated */

struct ustar_entry {
    char name[USTAR_NAME_MAX]; /* "prefix/name", or "name" without a prefix */
    const void *data;          /* inside the archive */
    size_t size;
};

struct ustar_iter {
    const unsigned char *archive;
    size_t size;
    size_t offset;   /* of the next header */
    bool done;       /* the end, or an error, was reached */
    int err;         /* 0, or the error found */
    const char *why; /* what the error was */
};

void ustar_iter_init(struct ustar_iter *it, const void *archive, size_t size);

/*
 * The next regular file. Returns 1 with *e filled, 0 at the end of the
 * archive (an all-zero block, or no bytes left), or -EINVAL with *why set
 * to one line naming the problem; after the end or an error it keeps
 * returning the same.
 */
int ustar_next(struct ustar_iter *it, struct ustar_entry *e, const char **why);

/*
 * Finds the regular file called name. 0 with *e filled; -ENOENT if there is
 * none (*why says so); -EINVAL for a malformed archive before it was found.
 */
int ustar_find(const void *archive, size_t size, const char *name, struct ustar_entry *e,
               const char **why);

#endif /* DOM0_USTAR_H */
