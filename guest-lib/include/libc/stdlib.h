/*
 * stdlib.h (guest-lib) - number parsing from the shared libc subset, plus the
 * allocator (guest-lib/src/malloc.c) and ways to end the program.
 */
#ifndef SKIFF_GUEST_STDLIB_H
#define SKIFF_GUEST_STDLIB_H

#include_next <stdlib.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

int atoi(const char *s);
long labs(long x);

/* Shuts the domain down: poweroff for status 0, crash otherwise. */
_Noreturn void exit(int status);
/* Shuts the domain down as crashed. */
_Noreturn void abort(void);

#endif
