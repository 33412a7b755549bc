/*
 * skiff/heap.h - the hypervisor heap (kmalloc/kfree) on top of the frame
 * allocator. Pages go back to the frame allocator as soon as they are empty,
 * so frame counts measure leaks exactly.
 */
#ifndef SKIFF_HEAP_H
#define SKIFF_HEAP_H

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Bytes handed out and not yet freed. */
size_t heap_bytes_used(void);

#endif /* SKIFF_HEAP_H */
