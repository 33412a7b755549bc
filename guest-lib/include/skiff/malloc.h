/*
 * skiff/malloc.h - guest-lib heap extras. malloc, free, calloc, realloc,
 * aligned_alloc and posix_memalign themselves are declared in <stdlib.h>.
 */
#ifndef SKIFF_MALLOC_H
#define SKIFF_MALLOC_H

#include <stddef.h>

/*
 * Usable bytes of all live heap blocks: the size class for small blocks, the
 * space up to the end of the last page for big ones. At least the sum of the
 * requested sizes; back to its earlier value once those blocks are freed.
 */
size_t malloc_bytes_in_use(void);

#endif
