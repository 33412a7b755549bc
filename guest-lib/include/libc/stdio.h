/*
 * stdio.h (guest-lib) - console output for guests: the shared formatter from
 * the hypervisor's libc subset (vformat, snprintf) plus printf and friends,
 * which write to the domain's console.
 */
#ifndef SKIFF_GUEST_STDIO_H
#define SKIFF_GUEST_STDIO_H

#include_next <stdio.h>

#define EOF (-1)

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
/* Writes buffered console output now. */
void console_flush(void);

#endif
