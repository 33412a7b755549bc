/*
 * blk_pattern.h - the data the block tests write: a pseudo-random byte for
 * every byte offset of a disk and a seed, so a test guest can write it, read
 * it back and verify, and the host can check the disk image file after
 * QEMU exits (tests/tools/blkcheck.c) with the same function.
 */
#ifndef BLK_PATTERN_H
#define BLK_PATTERN_H

#include <stdint.h>

/* The byte at byte offset `off` of the disk for `seed` (splitmix64 of the 8-byte word). */
static inline uint8_t blk_pattern_byte(uint32_t seed, uint64_t off)
{
    uint64_t x = (off >> 3) + ((uint64_t)seed << 40) + 0x9e3779b97f4a7c15ull;

    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    return (uint8_t)(x >> ((off & 7) * 8));
}

#endif /* BLK_PATTERN_H */
