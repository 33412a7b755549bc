/*
 * skiff/page_alloc.h - guest-lib's page allocator: owns the free RAM ranges a
 * guest learns at boot and hands out contiguous, zero-filled runs of pages.
 */
#ifndef SKIFF_PAGE_ALLOC_H
#define SKIFF_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_ALLOC_PAGE_SHIFT 12
#define PAGE_ALLOC_PAGE_SIZE  ((size_t)1 << PAGE_ALLOC_PAGE_SHIFT)
#define PAGE_ALLOC_MAX_RANGES 16

/*
 * Hook called when an allocator detects misuse (bad or double free). The
 * guest's version panics; unit tests record the call. If it returns, the
 * allocator leaves its state untouched and carries on.
 */
void guest_lib_bug(const char *what, uintptr_t addr);

/*
 * Hands [base, base + size) to the allocator. Both must be page-aligned; the
 * range must not wrap or overlap one added before. The allocator keeps its
 * bitmaps in the first pages of the range, so those are never handed out.
 * Page 0 is never managed (NULL means failure), and a range too small to hold
 * its bitmaps plus one page is accepted but ignored.
 * Returns 0, -EINVAL (22) for a bad range or -ENOSPC (28) when all
 * PAGE_ALLOC_MAX_RANGES slots are in use.
 */
int page_alloc_add_range(uintptr_t base, size_t size);

/* npages contiguous, page-aligned, zero-filled pages; NULL if no run fits or npages == 0. */
void *page_alloc(size_t npages);

/* Like page_alloc, with the run aligned to align_pages pages (a power of two). */
void *page_alloc_aligned(size_t npages, size_t align_pages);

/*
 * Returns a run to the allocator. p and npages must be exactly a run that
 * page_alloc returned (no partial frees, no merging of neighbouring runs);
 * anything else is reported through guest_lib_bug() and ignored.
 * page_free(NULL, n) does nothing.
 */
void page_free(void *p, size_t npages);

/* First page of the allocated run containing addr, or NULL if addr is in no allocated run. */
void *page_alloc_block_start(const void *addr);

size_t page_alloc_free_pages(void);
size_t page_alloc_total_pages(void);

/* Forgets every range (tests only; the memory itself is not touched). */
void page_alloc_reset(void);

#endif
