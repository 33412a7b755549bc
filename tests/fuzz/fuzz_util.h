/*
 * fuzz_util.h - what every harness shares: FUZZ_CHECK for invariants (active
 * whatever NDEBUG says) and a reader that takes fixed-size fields off the
 * front of a fuzz input, reading missing bytes as zero.
 */
#ifndef SKIFF_FUZZ_UTIL_H
#define SKIFF_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant of the code under test: a violation is a finding, so crash. */
#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

struct fuzz_reader {
    const uint8_t *data;
    size_t left;
};

static inline struct fuzz_reader fuzz_reader_init(const uint8_t *data, size_t size)
{
    return (struct fuzz_reader){data, size};
}

/* Copies up to n bytes into out; the part past the end of the input is zero. */
static inline void fuzz_take(struct fuzz_reader *r, void *out, size_t n)
{
    size_t got = n < r->left ? n : r->left;

    if (got)
        memcpy(out, r->data, got);
    memset((uint8_t *)out + got, 0, n - got);
    r->data += got;
    r->left -= got;
}

static inline uint8_t fuzz_u8(struct fuzz_reader *r)
{
    uint8_t v;

    fuzz_take(r, &v, sizeof(v));
    return v;
}

static inline uint16_t fuzz_u16(struct fuzz_reader *r)
{
    uint16_t v;

    fuzz_take(r, &v, sizeof(v));
    return v;
}

static inline uint64_t fuzz_u64(struct fuzz_reader *r)
{
    uint64_t v;

    fuzz_take(r, &v, sizeof(v));
    return v;
}

/* True when the string of `size` bytes at s holds a NUL. */
static inline int fuzz_terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

#endif /* SKIFF_FUZZ_UTIL_H */
