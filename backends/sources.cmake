# Backend drivers linked into dom0.elf (absolute paths), and what they need
# on the include path. The same lists build the host unit tests
# (tests/unit/blk) and fuzzers (tests/fuzz), so these sources are portable C
# that needs only guest-lib's libc subset.
#
#   blkback/   the block backend's environment-neutral core (blkback.h): one
#              ring per disk per guest on a dom0 blkdev (drivers/blkdev.h);
#              grants, events and logging come through ops tables.
set(BLKBACK_SOURCES
    ${SKIFF_ROOT}/backends/blkback/blkback.c
    ${SKIFF_ROOT}/backends/blkback/blkback_decode.c
    ${SKIFF_ROOT}/backends/blkback/blkback_io.c)
set(DOM0_BACKEND_SOURCES ${BLKBACK_SOURCES})
set(DOM0_BACKEND_INCLUDES ${SKIFF_ROOT}/backends/blkback ${SKIFF_ROOT}/dom0-tools/drivers)
