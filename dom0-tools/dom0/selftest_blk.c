/*
 * selftest_blk.c - dom0 self-tests of the block split driver (blkback with
 * blkfront guests).
 */
#include "dom0.h"

const struct dom0_selftest dom0_blk_selftests[] = {
    {NULL, NULL, NULL},
};
