/*
 * fuzz_console_ring.c - libFuzzer harness for the console ring code both
 * ends share (guest-lib/src/console_ring.c) and dom0's console history
 * (dom0-tools/dom0/console_history.c). The input is a script of 5-byte
 * steps (an operation and a 32-bit value) in which the hostile peer rewrites
 * indices and ring bytes between the operations of the side under test;
 * after each step the results are checked against what the indices allowed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <public/errno.h>
#include <skiff/console_ring.h>

#include "console_history.h"

static struct xencons_interface page;
static struct console_history hist;
static char buf[8192];

static void check(int ok)
{
    if (!ok)
        abort();
}

static void read_out(uint32_t v)
{
    size_t n = v % sizeof(buf);
    uint32_t cons = page.out_cons, avail = page.out_prod - cons;
    int r = cons_ring_read_out(&page, buf, n);

    if (avail > XENCONS_OUT_SIZE) {
        check(r == -SKIFF_EIO && page.out_cons == cons);
        return;
    }
    check(r == (int)(n < avail ? n : avail));
    check(page.out_cons == cons + (uint32_t)r);
    size_t before = console_history_len(&hist);
    console_history_append(&hist, buf, (size_t)r);
    check(console_history_len(&hist) >= before);
    check(console_history_len(&hist) <= CONSOLE_HISTORY_SIZE);
}

static void write_out(uint32_t v)
{
    size_t n = v % sizeof(buf);
    uint32_t prod = page.out_prod, used = prod - page.out_cons;
    size_t w = cons_ring_write_out(&page, buf, n);

    check(w <= n);
    check(used >= XENCONS_OUT_SIZE
              ? w == 0
              : w == (n < XENCONS_OUT_SIZE - used ? n : XENCONS_OUT_SIZE - used));
    check(page.out_prod == prod + (uint32_t)w);
}

static void in_side(unsigned int op, uint32_t v)
{
    size_t n = v % sizeof(buf);

    if (op == 0) {
        uint32_t used = page.in_prod - page.in_cons;
        size_t w = cons_ring_write_in(&page, buf, n);
        check(w <= n && (used < XENCONS_IN_SIZE || w == 0));
    } else {
        size_t r = cons_ring_read_in(&page, buf, n);
        check(r <= n && r <= XENCONS_IN_SIZE);
    }
}

static void step(uint8_t op, uint32_t v)
{
    switch (op % 10) {
    case 0:
        page.out_prod = v;
        break;
    case 1:
        page.out_cons = v;
        break;
    case 2:
        read_out(v);
        break;
    case 3:
        write_out(v);
        break;
    case 4:
        page.in_prod = v;
        break;
    case 5:
        page.in_cons = v;
        break;
    case 6:
        in_side(0, v);
        break;
    case 7:
        in_side(1, v);
        break;
    case 8:
        page.out[v % XENCONS_OUT_SIZE] = (char)(v >> 16);
        break;
    default: {
        char tmp[64];
        size_t got = console_history_copy(&hist, v % (CONSOLE_HISTORY_SIZE + 16), tmp, sizeof(tmp));
        check(got <= sizeof(tmp));
        check(!console_history_contains(&hist, "\x01\x02\x03\x04 never written by a step"));
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&page, 0, sizeof(page));
    console_history_reset(&hist);
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i * 13 + 1);
    for (size_t i = 0; i + 5 <= size; i += 5) {
        uint32_t v;
        memcpy(&v, data + i + 1, sizeof(v));
        step(data[i], v);
    }
    return 0;
}
