/*
 * fuzz_cmdline.c - libFuzzer harness for the boot command-line parser
 * (hypervisor/common/cmdline.c): cmdline_parse() against a table with every
 * option type (numbers checked against an independent reading of the rules),
 * then hv_parse_cmdline(), on the input as a C string.
 */
#include "fuzz_util.h"

#include <arch/fake.h>
#include <skiff/cmdline.h>
#include <skiff/console.h>

#define WORD_MAX   256 /* cmdline.c's word buffer: longer words are skipped */
#define REPORT_MAX 320 /* cmdline.c's message buffer: a word plus text */
#define CANARY     0xa5

/* Destinations with canaries between them: an overrun shows as a changed canary. */
struct dests {
    bool flag, other_flag;
    uint64_t number, no_number, size;
    uint8_t canary0[8];
    char tiny[1];
    uint8_t canary1[8];
    char small[4];
    uint8_t canary2[8];
    char big[64];
    uint8_t canary3[8];
};

static struct dests dests;

static const struct cmdline_option options[] = {
    {"flag", OPT_BOOL, &dests.flag, 0},
    {"other-flag", OPT_BOOL, &dests.other_flag, 0},
    {"n", OPT_UINT, &dests.number, 0},
    {"no-flag", OPT_UINT, &dests.no_number, 0}, /* shadows the "no-" prefix of "flag" */
    {"mem", OPT_SIZE, &dests.size, 0},
    {"tiny", OPT_STRING, dests.tiny, sizeof(dests.tiny)},
    {"s", OPT_STRING, dests.small, sizeof(dests.small)},
    {"str", OPT_STRING, dests.big, sizeof(dests.big)},
};

struct reports {
    int count;
};

static void count_report(void *ctx, const char *problem)
{
    struct reports *r = ctx;

    FUZZ_CHECK(strnlen(problem, REPORT_MAX) < REPORT_MAX);
    r->count++;
}

static void reset_dests(void)
{
    memset(&dests, 0, sizeof(dests));
    memset(dests.canary0, CANARY, sizeof(dests.canary0));
    memset(dests.canary1, CANARY, sizeof(dests.canary1));
    memset(dests.canary2, CANARY, sizeof(dests.canary2));
    memset(dests.canary3, CANARY, sizeof(dests.canary3));
}

static int canary_intact(const uint8_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c[i] != CANARY)
            return 0;
    return 1;
}

/* Words in s: the most problems one parse can report. */
static int count_words(const char *s)
{
    int words = 0;

    for (size_t i = 0; s[i]; i++)
        if (s[i] != ' ' && s[i] != '\t' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
            words++;
    return words;
}

/* ---- an independent reading of the number rules, to compare values with ---- */

static int ref_digit(char c, unsigned int base)
{
    int d = 99;

    if (c >= '0' && c <= '9')
        d = c - '0';
    else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
    return d < (int)base ? d : -1;
}

/* All n bytes: decimal, or hex after "0x"/"0X"; at least one digit; fits in 64 bits. */
static bool ref_uint(const char *v, size_t n, uint64_t *out)
{
    unsigned int base = 10;
    uint64_t x = 0;

    if (n >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        v += 2;
        n -= 2;
    }
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        int d = ref_digit(v[i], base);
        if (d < 0 || x > (UINT64_MAX - (uint64_t)d) / base)
            return false;
        x = x * base + (uint64_t)d;
    }
    *out = x;
    return true;
}

/* A number with an optional K, M or G suffix (binary units), in bytes. */
static bool ref_size(const char *v, size_t n, uint64_t *out)
{
    static const char suffixes[] = "kKmMgG";
    unsigned int shift = 0;
    uint64_t x;

    const char *s = n ? memchr(suffixes, v[n - 1], sizeof(suffixes) - 1) : NULL;
    if (s) {
        shift = 10 * (1 + (unsigned int)(s - suffixes) / 2);
        n--;
    }
    if (!ref_uint(v, n, &x) || (shift && x > UINT64_MAX >> shift))
        return false;
    *out = x << shift;
    return true;
}

/* What "n" and "mem" end up as: the last word setting each with a valid value. */
static void expected_numbers(const char *cmdline, uint64_t *number, uint64_t *size)
{
    size_t i = 0;

    *number = *size = 0;
    while (cmdline[i]) {
        size_t len = strcspn(cmdline + i, " \t");
        const char *w = cmdline + i;
        if (len >= 2 && len < WORD_MAX && memcmp(w, "n=", 2) == 0)
            ref_uint(w + 2, len - 2, number);
        if (len >= 4 && len < WORD_MAX && memcmp(w, "mem=", 4) == 0)
            ref_size(w + 4, len - 4, size);
        i += len ? len : 1;
    }
}

/* ---- the checks ---- */

static void fuzz_table(const char *cmdline)
{
    struct reports reports = {0};

    reset_dests();
    int problems = cmdline_parse(cmdline, options, sizeof(options) / sizeof(options[0]),
                                 count_report, &reports);
    FUZZ_CHECK(problems == reports.count);
    FUZZ_CHECK(problems >= 0 && problems <= count_words(cmdline));
    FUZZ_CHECK(canary_intact(dests.canary0, sizeof(dests.canary0)));
    FUZZ_CHECK(canary_intact(dests.canary1, sizeof(dests.canary1)));
    FUZZ_CHECK(canary_intact(dests.canary2, sizeof(dests.canary2)));
    FUZZ_CHECK(canary_intact(dests.canary3, sizeof(dests.canary3)));
    FUZZ_CHECK(fuzz_terminated(dests.tiny, sizeof(dests.tiny)));
    FUZZ_CHECK(fuzz_terminated(dests.small, sizeof(dests.small)));
    FUZZ_CHECK(fuzz_terminated(dests.big, sizeof(dests.big)));
    uint64_t number, size;
    expected_numbers(cmdline, &number, &size);
    FUZZ_CHECK(dests.number == number && dests.size == size);
}

static void fuzz_hypervisor_options(const char *cmdline)
{
    fake_console_clear();
    int problems = hv_parse_cmdline(cmdline);
    FUZZ_CHECK(problems >= 0 && problems <= count_words(cmdline) + 1);
    FUZZ_CHECK(fuzz_terminated(hv_opts.loglvl, sizeof(hv_opts.loglvl)));
    FUZZ_CHECK(fuzz_terminated(hv_opts.console, sizeof(hv_opts.console)));
    FUZZ_CHECK(fuzz_terminated(hv_opts.hv_selftest, sizeof(hv_opts.hv_selftest)));
    FUZZ_CHECK(console_loglevel >= LOG_ERR && console_loglevel <= LOG_DEBUG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly size + 1 bytes, so a read past the NUL is caught by ASan. */
    char *cmdline = malloc(size + 1);

    FUZZ_CHECK(cmdline != NULL);
    if (size)
        memcpy(cmdline, data, size);
    cmdline[size] = '\0';
    fuzz_table(cmdline);
    fuzz_hypervisor_options(cmdline);
    free(cmdline);
    return 0;
}
