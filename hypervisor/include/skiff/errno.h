/*
 * skiff/errno.h - the hypervisor's error names (EPERM, EFAULT, ...), taken
 * from the public list in public/errno.h. Functions return -E<name>.
 */
#ifndef SKIFF_ERRNO_H
#define SKIFF_ERRNO_H

#include <public/errno.h>

#ifdef EPERM
/* Host build (unit tests): the C library already names them; check values. */
#define SKIFF_ERRNO(name, value) _Static_assert(name == value, "errno " #name);
#include <public/errno.h>
#else
enum {
#define SKIFF_ERRNO(name, value) name = value,
#include <public/errno.h>
};
#endif

#endif /* SKIFF_ERRNO_H */
