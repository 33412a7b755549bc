/*
 * hostile_h3.c - HOSTILE.md H3: negative, huge and sign-flipped lengths are
 * rejected before use; long but valid writes are done in bounded chunks
 * (the hypercall restarts itself) without losing a byte.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/test.h>

static char small[64] = "h3: this line is printed once\n";

static void bad_lengths(void)
{
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, small), 0);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)-1, small), -EFAULT);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, UINT_MAX, small), -EFAULT);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)INT_MIN, small), -EFAULT);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)start_info.mem_bytes, small),
            -EFAULT);
    /* count is 32 bits: garbage in the upper half of the register is ignored. */
    TEST_EQ(hypercall_raw(__HYPERVISOR_console_io, CONSOLEIO_write,
                          0xffffffff00000000ull | strlen(small), (uint64_t)small, 0, 0),
            0);
    /* A read returns at most what is waiting; its whole buffer must be writable. */
    char in[8];
    long got = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(in), in);
    TEST_CHECK(got >= 0 && got <= (long)sizeof(in));
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_read, (unsigned int)start_info.mem_bytes, in), -EFAULT);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_read, UINT_MAX, in), -EFAULT);
}

/* 40000 bytes in one call: processed 4096 at a time, all of it printed. */
static void long_write(void)
{
    size_t n = 40000;
    char *buf = page_alloc((n + 4095) / 4096);

    TEST_CHECK(buf != NULL);
    if (!buf)
        return;
    for (size_t i = 0; i < n; i++)
        buf[i] = (i % 100 == 99) ? '\n' : (char)('a' + (i / 100) % 26);
    memcpy(buf, "h3-long-write-begin\n", 20);
    memcpy(buf + n - 18, "h3-long-write-end\n", 18);
    console_flush();
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)n, buf), 0);
    page_free(buf, (n + 4095) / 4096);
}

int main(void)
{
    bad_lengths();
    long_write();
    return test_finish();
}
