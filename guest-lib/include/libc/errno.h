/*
 * errno.h (guest-lib) - error names with the values of the hypercall ABI
 * (public/errno.h). guest-lib functions return -E<name>; there is no global
 * errno variable.
 */
#ifndef SKIFF_GUEST_ERRNO_H
#define SKIFF_GUEST_ERRNO_H

#include <public/errno.h>

enum {
#define SKIFF_ERRNO(name, value) name = value,
#include <public/errno.h>
};

#endif
