/*
 * stdlib.h - number parsing of Skiff's freestanding libc subset
 * (hypervisor/lib/strtox.c). guest-lib's stdlib.h adds the allocator and
 * exit functions on top of this one with #include_next.
 */
#ifndef SKIFF_LIBC_STDLIB_H
#define SKIFF_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
long strtol(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);

#endif
