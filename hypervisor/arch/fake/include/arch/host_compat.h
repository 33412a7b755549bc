/*
 * arch/host_compat.h - what the portable core expects from Skiff's libc
 * subset but the host's C library lacks. Force-included into host builds of
 * the core; implemented in fake.c.
 */
#ifndef ARCH_HOST_COMPAT_H
#define ARCH_HOST_COMPAT_H

#include <stdarg.h>
#include <stddef.h>

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

typedef void format_emit_fn(void *ctx, const char *s, size_t n);
int vformat(format_emit_fn *emit, void *ctx, const char *fmt, va_list ap);

#endif
