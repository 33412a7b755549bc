/*
 * blk_test.h - what the block split-driver test files share.
 */
#ifndef TESTS_BLK_TEST_H
#define TESTS_BLK_TEST_H

#include <check.h>

#include "blk_fakes.h"

/* Asserts the fake grant table is back to nothing granted, mapped or allocated. */
void blk_check_no_leaks(const struct blk_env *e);

/* Page-aligned memory of at least len bytes (free()). */
void *test_pages(size_t len);

Suite *blk_suite(void);
Suite *blk_hostile_suite(void);

#endif /* TESTS_BLK_TEST_H */
