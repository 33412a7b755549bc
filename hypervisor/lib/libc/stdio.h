/*
 * stdio.h - formatted output of Skiff's freestanding libc subset
 * (hypervisor/lib/format.c). guest-lib's stdio.h adds printf and friends on
 * top of this one with #include_next.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z t j,
 * flags - 0 + space #, field width and precision (also as *).
 * %p prints 0x followed by the hex value (also for NULL: "0x0"). Floating
 * point is not supported: the conversion prints "?" and does not consume its
 * argument, so no floating point argument may be passed. See format.c.
 */
#ifndef SKIFF_LIBC_STDIO_H
#define SKIFF_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/* Receives formatted output in pieces; n bytes at s (not NUL-terminated). */
typedef void format_emit_fn(void *ctx, const char *s, size_t n);

/* Formats to emit(); returns the number of bytes produced. */
int vformat(format_emit_fn *emit, void *ctx, const char *fmt, va_list ap);

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
