/*
 * common/cmdline.c - the boot command-line parser and the hypervisor's own
 * option table. Words are separated by spaces; each is "name" or
 * "name=value". Problems are reported, never fatal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/cmdline.h>
#include <skiff/console.h>

#define WORD_MAX 256

struct hv_options hv_opts;

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"1", "on", "yes", "true"};
    static const char *const no[] = {"0", "off", "no", "false"};

    for (unsigned int i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return 99;
}

/* Decimal, or hex after "0x"; false on no digits or overflow. *end: first byte after. */
static bool parse_uint(const char *v, uint64_t *out, const char **end)
{
    unsigned int base = 10;
    uint64_t x = 0;

    if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        v += 2;
    }
    if (digit_value(*v) >= (int)base)
        return false;
    for (; digit_value(*v) < (int)base; v++)
        if (__builtin_mul_overflow(x, base, &x) ||
            __builtin_add_overflow(x, (uint64_t)digit_value(*v), &x))
            return false;
    *out = x;
    *end = v;
    return true;
}

static bool parse_size(const char *v, uint64_t *out)
{
    const char *end;
    uint64_t x, shift = 0;

    if (!parse_uint(v, &x, &end))
        return false;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    default:
        break;
    }
    if (*end != '\0' || (shift && x > (UINT64_MAX >> shift)))
        return false;
    *out = x << shift;
    return true;
}

static const struct cmdline_option *find_option(const struct cmdline_option *opts, size_t n,
                                                const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

/* Parses into a local first: a bad value leaves the option as it was. */
static bool apply_value(const struct cmdline_option *o, const char *v)
{
    const char *end;
    uint64_t x;

    switch (o->type) {
    case OPT_BOOL:
        return parse_bool(v ? v : "1", o->dest);
    case OPT_UINT:
        if (!v || !parse_uint(v, &x, &end) || *end != '\0')
            return false;
        *(uint64_t *)o->dest = x;
        return true;
    case OPT_SIZE:
        return v && parse_size(v, o->dest);
    case OPT_STRING:
        if (!v || strlen(v) >= o->dest_size)
            return false;
        strlcpy(o->dest, v, o->dest_size);
        return true;
    }
    return false;
}

static int apply_word(char *word, const struct cmdline_option *opts, size_t n,
                      cmdline_report_fn *report, void *ctx)
{
    char msg[WORD_MAX + 64];
    char *eq = strchr(word, '=');
    const char *value = NULL;

    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }
    const struct cmdline_option *o = find_option(opts, n, word);
    if (!o && !value && strncmp(word, "no-", 3) == 0) {
        o = find_option(opts, n, word + 3);
        if (o && o->type == OPT_BOOL) {
            *(bool *)o->dest = false;
            return 0;
        }
    }
    if (!o) {
        snprintf(msg, sizeof(msg), "unknown option '%s'", word);
        report(ctx, msg);
        return 1;
    }
    if (!apply_value(o, value)) {
        snprintf(msg, sizeof(msg), "bad value for %s: '%s'", word, value ? value : "");
        report(ctx, msg);
        return 1;
    }
    return 0;
}

int cmdline_parse(const char *cmdline, const struct cmdline_option *opts, size_t nr_opts,
                  cmdline_report_fn *report, void *ctx)
{
    char word[WORD_MAX];
    int problems = 0;
    const char *p = cmdline;

    while (p && *p) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = 0;
        while (p[len] && p[len] != ' ' && p[len] != '\t')
            len++;
        if (len == 0)
            break;
        if (len >= sizeof(word)) {
            report(ctx, "option too long");
            problems++;
        } else {
            memcpy(word, p, len);
            word[len] = '\0';
            problems += apply_word(word, opts, nr_opts, report, ctx);
        }
        p += len;
    }
    return problems;
}

static void report_to_console(void *ctx, const char *problem)
{
    (void)ctx;
    pr_warn("command line: %s (ignored)", problem);
}

int hv_parse_cmdline(const char *cmdline)
{
    static const struct cmdline_option options[] = {
        {"loglvl", OPT_STRING, hv_opts.loglvl, sizeof(hv_opts.loglvl)},
        {"console", OPT_STRING, hv_opts.console, sizeof(hv_opts.console)},
        {"dom0_mem", OPT_SIZE, &hv_opts.dom0_mem, 0},
        {"tick_hz", OPT_UINT, &hv_opts.tick_hz, 0},
        {"sched_timeslice_ms", OPT_UINT, &hv_opts.timeslice_ms, 0},
        {"sched_ratelimit_us", OPT_UINT, &hv_opts.ratelimit_us, 0},
        {"tsc_deadline", OPT_BOOL, &hv_opts.tsc_deadline, 0},
        {"smep", OPT_BOOL, &hv_opts.smep, 0},
        {"smap", OPT_BOOL, &hv_opts.smap, 0},
        {"umip", OPT_BOOL, &hv_opts.umip, 0},
        {"hv_selftest", OPT_STRING, hv_opts.hv_selftest, sizeof(hv_opts.hv_selftest)},
    };
    enum log_level lvl;

    memset(&hv_opts, 0, sizeof(hv_opts));
    strlcpy(hv_opts.loglvl, "info", sizeof(hv_opts.loglvl));
    strlcpy(hv_opts.console, "com1", sizeof(hv_opts.console));
    hv_opts.dom0_mem = 64ull << 20;
    hv_opts.tick_hz = 100;
    hv_opts.timeslice_ms = 10;
    hv_opts.ratelimit_us = 1000;
    hv_opts.smep = hv_opts.smap = hv_opts.umip = true;
    hv_opts.tsc_deadline = true;

    int problems = cmdline_parse(cmdline, options, ARRAY_SIZE(options), report_to_console, NULL);
    if (console_parse_loglevel(hv_opts.loglvl, &lvl) == 0) {
        console_loglevel = lvl;
    } else {
        pr_warn("command line: bad value for loglvl: '%s' (ignored)", hv_opts.loglvl);
        problems++;
    }
    return problems;
}
