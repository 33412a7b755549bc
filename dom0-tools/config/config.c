/*
 * config.c - the xl.cfg parser (config.h): the whole-text checks, the
 * lexer (keys, numbers, quoted strings with escapes, punctuation, comments),
 * the grammar `key = value` / `key += [ list ]`, and the top-level keys.
 * Device specs inside disk=[...] and vif=[...] are config_devices.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"

enum tok {
    T_EOF,
    T_NEWLINE,
    T_SEMI,
    T_WORD,
    T_NUMBER,
    T_STRING,
    T_EQ,
    T_PLUSEQ,
    T_LBRACK,
    T_RBRACK,
    T_COMMA
};

struct token {
    enum tok type;
    unsigned int line;
};

/* ---- reports ---- */

/* "file:line: " (or "file: " for line 0), then the message, cut to fit. */
static void report(struct cfg_parser *ps, char *out, unsigned int line, const char *fmt, va_list ap)
{
    int n;

    if (line)
        n = snprintf(out, CONFIG_MSG_MAX, "%s:%u: ", ps->file_quoted, line);
    else
        n = snprintf(out, CONFIG_MSG_MAX, "%s: ", ps->file_quoted);
    if (n < 0 || n >= CONFIG_MSG_MAX) /* cannot happen: the name is cut to CFG_QUOTE_MAX */
        return;
    vsnprintf(out + n, CONFIG_MSG_MAX - (size_t)n, fmt, ap);
}

int cfg_error(struct cfg_parser *ps, unsigned int line, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(ps, ps->rep->error, line, fmt, ap);
    va_end(ap);
    return err;
}

void cfg_warn(struct cfg_parser *ps, unsigned int line, const char *fmt, ...)
{
    struct config_report *rep = ps->rep;
    va_list ap;

    if (rep->nr_warnings >= CONFIG_MAX_WARNINGS) {
        rep->warnings_dropped++;
        return;
    }
    va_start(ap, fmt);
    report(ps, rep->warnings[rep->nr_warnings++], line, fmt, ap);
    va_end(ap);
}

const char *cfg_quote(char buf[CFG_QUOTE_MAX + 4], const char *s)
{
    size_t i;

    for (i = 0; s[i] && i < CFG_QUOTE_MAX; i++)
        buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (s[i])
        memcpy(buf + i, "...", 3), i += 3;
    buf[i] = '\0';
    return buf;
}

int cfg_copy(struct cfg_parser *ps, unsigned int line, const char *what, char *dst, size_t size,
             const char *s)
{
    size_t n = strnlen(s, size);

    if (n >= size)
        return cfg_error(ps, line, -E2BIG, "%s: longer than %zu bytes", what, size - 1);
    memcpy(dst, s, n + 1);
    return 0;
}

/* ---- the whole text ---- */

/* Size, NUL bytes and line lengths, before any parsing. */
static int check_text(struct cfg_parser *ps, const char *text, size_t len)
{
    unsigned int line = 1;
    size_t col = 0;

    if (len > CONFIG_FILE_MAX)
        return cfg_error(ps, 0, -E2BIG, "larger than %u bytes", CONFIG_FILE_MAX);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0')
            return cfg_error(ps, line, -EINVAL, "NUL byte in the text");
        if (text[i] == '\n') {
            line++;
            col = 0;
        } else if (++col > CONFIG_LINE_MAX) {
            return cfg_error(ps, line, -E2BIG, "line longer than %u bytes", CONFIG_LINE_MAX);
        }
    }
    return 0;
}

/* ---- the lexer ---- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Spaces, tabs, carriage returns and comments up to (not past) the newline. */
static void skip_blanks(struct cfg_parser *ps)
{
    while (ps->p < ps->end) {
        char c = *ps->p;
        if (c == '#') {
            while (ps->p < ps->end && *ps->p != '\n')
                ps->p++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            ps->p++;
        } else {
            return;
        }
    }
}

/* A key ([A-Za-z_][A-Za-z0-9_]*) or a number (-?[0-9][A-Za-z0-9_]*) into ps->str. */
static int lex_word(struct cfg_parser *ps, struct token *t, enum tok type)
{
    size_t n = 0;

    do {
        if (n >= CFG_WORD_MAX - 1)
            return cfg_error(ps, t->line, -E2BIG, "word longer than %u characters",
                             CFG_WORD_MAX - 1);
        ps->str[n++] = *ps->p++;
    } while (ps->p < ps->end && (is_alpha(*ps->p) || is_digit(*ps->p)));
    ps->str[n] = '\0';
    ps->str_len = n;
    t->type = type;
    return 0;
}

/* Up to max digits of base at the cursor; the value, or -1 without any digit. */
static int lex_digits(struct cfg_parser *ps, int base, int max)
{
    int v = 0, n = 0;

    while (n < max && ps->p < ps->end) {
        int d = hex_value(*ps->p);
        if (d < 0 || d >= base)
            break;
        v = v * base + d;
        ps->p++;
        n++;
    }
    return n ? v : -1;
}

/* The escape after a backslash: \\ \" \' \n \t \r \a \b \f \v, \xHH, \ooo. */
static int lex_escape(struct cfg_parser *ps, unsigned int line, char *out)
{
    static const char from[] = "\\\"'ntrabfv", to[] = "\\\"'\n\t\r\a\b\f\v";
    char c = *ps->p;
    const char *hit = memchr(from, c, sizeof(from) - 1);
    int v;

    if (hit) {
        ps->p++;
        *out = to[hit - from];
        return 0;
    }
    if (c == 'x') {
        ps->p++;
        v = lex_digits(ps, 16, 2);
    } else {
        v = lex_digits(ps, 8, 3);
    }
    if (v < 0 || v > 0xff)
        return cfg_error(ps, line, -EINVAL, "bad escape sequence in a string");
    if (v == 0)
        return cfg_error(ps, line, -EINVAL, "NUL (\\0) in a string");
    *out = (char)v;
    return 0;
}

/* A string in single or double quotes, on one line, decoded into ps->str. */
static int lex_string(struct cfg_parser *ps, struct token *t)
{
    char quote = *ps->p++;
    size_t n = 0;

    for (;;) {
        if (ps->p >= ps->end || *ps->p == '\n')
            return cfg_error(ps, t->line, -EINVAL, "unterminated string");
        char c = *ps->p++;
        if (c == quote)
            break;
        if (c == '\\' && ps->p < ps->end && *ps->p != '\n') {
            int rc = lex_escape(ps, t->line, &c);
            if (rc)
                return rc;
        }
        if (n >= CONFIG_STRING_MAX - 1)
            return cfg_error(ps, t->line, -E2BIG, "string longer than %u bytes",
                             CONFIG_STRING_MAX - 1);
        ps->str[n++] = c;
    }
    ps->str[n] = '\0';
    ps->str_len = n;
    t->type = T_STRING;
    return 0;
}

static int lex_other(struct cfg_parser *ps, struct token *t)
{
    static const char punct[] = "\n;=[],";
    static const enum tok types[] = {T_NEWLINE, T_SEMI, T_EQ, T_LBRACK, T_RBRACK, T_COMMA};
    char c = *ps->p;
    const char *hit = memchr(punct, c, sizeof(punct) - 1);

    if (hit) {
        ps->p++;
        t->type = types[hit - punct];
        ps->line += c == '\n';
        return 0;
    }
    if (c == '+' && ps->end - ps->p >= 2 && ps->p[1] == '=') {
        ps->p += 2;
        t->type = T_PLUSEQ;
        return 0;
    }
    if (c > 0x20 && c < 0x7f)
        return cfg_error(ps, t->line, -EINVAL, "unexpected character '%c'", c);
    return cfg_error(ps, t->line, -EINVAL, "unexpected byte 0x%02x", (unsigned char)c);
}

static int lex(struct cfg_parser *ps, struct token *t)
{
    skip_blanks(ps);
    t->line = ps->line;
    if (ps->p >= ps->end) {
        t->type = T_EOF;
        return 0;
    }
    char c = *ps->p;
    if (is_alpha(c))
        return lex_word(ps, t, T_WORD);
    if (is_digit(c) || (c == '-' && ps->end - ps->p >= 2 && is_digit(ps->p[1])))
        return lex_word(ps, t, T_NUMBER);
    if (c == '"' || c == '\'')
        return lex_string(ps, t);
    return lex_other(ps, t);
}

/* Like lex(), but newlines (inside a list) are skipped. */
static int lex_in_list(struct cfg_parser *ps, struct token *t)
{
    int rc;

    do {
        rc = lex(ps, t);
    } while (rc == 0 && t->type == T_NEWLINE);
    return rc;
}

/* ---- the keys ---- */

enum key_id {
    K_NAME,
    K_KERNEL,
    K_CMDLINE,
    K_EXTRA,
    K_ROOT,
    K_MEMORY,
    K_VCPUS,
    K_ON_POWEROFF,
    K_ON_REBOOT,
    K_ON_CRASH,
    K_DISK,
    K_VIF,
    K_TYPE,
    K_BUILDER,
    K_NR
};

_Static_assert(K_NR <= sizeof(((struct cfg_parser *)0)->seen) / sizeof(unsigned int),
               "cfg_parser.seen has a slot per key");

struct key_def {
    const char *name;
    enum key_id id;
    bool list;
};

static const struct key_def keys[] = {
    {"name", K_NAME, false},
    {"kernel", K_KERNEL, false},
    {"cmdline", K_CMDLINE, false},
    {"extra", K_EXTRA, false},
    {"root", K_ROOT, false},
    {"memory", K_MEMORY, false},
    {"vcpus", K_VCPUS, false},
    {"on_poweroff", K_ON_POWEROFF, false},
    {"on_reboot", K_ON_REBOOT, false},
    {"on_crash", K_ON_CRASH, false},
    {"disk", K_DISK, true},
    {"vif", K_VIF, true},
    {"type", K_TYPE, false},
    {"builder", K_BUILDER, false},
};

/* xl keys Skiff ignores with a warning: they tune what Skiff has no notion of. */
static const char *const ignored_keys[] = {
    "maxmem",
    "maxvcpus",
    "cpus",
    "cpus_soft",
    "cpu_weight",
    "cap",
    "pool",
    "uuid",
    "seclabel",
    "init_seclabel",
    "localtime",
    "rtc_timeoffset",
    "on_watchdog",
    "on_soft_reset",
    "vfb",
    "vkb",
    "vnc",
    "sdl",
    "serial",
    "channel",
    "vtpm",
    "p9",
    "usb",
    "usbctrl",
    "usbdev",
    "vdispl",
    "vsnd",
    "max_grant_frames",
    "max_maptrack_frames",
    "max_event_channels",
    "tsc_mode",
    "claim_mode",
    "driver_domain",
    "nomigrate",
    "blkdev_start",
    "autoballoon",
    "e820_host",
    "acpi",
    "apic",
    "pae",
    "hap",
    "nestedhvm",
    "viridian",
    "boot",
    "stdvga",
    "videoram",
    "keymap",
    "xen_platform_pci",
    "vga",
    "soundhw",
    "cpuid",
    "shadow_memory",
};

/* xl keys refused: ignoring them would run the guest differently than asked. */
static const char *const refused_keys[] = {
    "ramdisk",
    "bootloader",
    "bootloader_args",
    "pci",
    "dtdev",
    "iomem",
    "ioports",
    "irqs",
    "device_model_args",
    "device_model_version",
    "device_model_override",
    "firmware",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

static const struct key_def *find_key(const char *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (strcmp(keys[i].name, s) == 0)
            return &keys[i];
    return NULL;
}

/* ---- values of the top-level keys ---- */

/* Decimal or 0x hex, digits only, in [min, max]. */
static int parse_uint(struct cfg_parser *ps, unsigned int line, const char *key, const char *s,
                      uint64_t min, uint64_t max, uint64_t *out)
{
    char q[CFG_QUOTE_MAX + 4];
    int base = 10;
    uint64_t v = 0;
    size_t i = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, i = 2;
    if (!s[i])
        return cfg_error(ps, line, -EINVAL, "%s: '%s' is not a number", key, cfg_quote(q, s));
    for (; s[i]; i++) {
        int d = hex_value(s[i]);
        if (d < 0 || d >= base)
            return cfg_error(ps, line, -EINVAL, "%s: '%s' is not a number", key, cfg_quote(q, s));
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return cfg_error(ps, line, -ERANGE, "%s: %s is out of range (%llu..%llu)", key,
                             cfg_quote(q, s), (unsigned long long)min, (unsigned long long)max);
        v = v * (uint64_t)base + (uint64_t)d;
    }
    if (v < min || v > max)
        return cfg_error(ps, line, -ERANGE, "%s: %s is out of range (%llu..%llu)", key,
                         cfg_quote(q, s), (unsigned long long)min, (unsigned long long)max);
    *out = v;
    return 0;
}

/* The builder's rule: 1..31 printable characters, no spaces. */
static int set_name(struct cfg_parser *ps, unsigned int line, const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= CONFIG_NAME_MAX)
        return cfg_error(ps, line, -EINVAL, "name: must be 1..%u characters", CONFIG_NAME_MAX - 1);
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7f)
            return cfg_error(ps, line, -EINVAL, "name: only printable characters without spaces");
    memcpy(ps->cfg->name, s, n + 1);
    return 0;
}

static int set_action(struct cfg_parser *ps, unsigned int line, const char *key, const char *s,
                      enum config_action *out)
{
    static const char *const xl_only[] = {"rename-restart", "coredump-destroy", "coredump-restart",
                                          "soft-reset"};
    char q[CFG_QUOTE_MAX + 4];

    for (int a = CONFIG_ACTION_DESTROY; a <= CONFIG_ACTION_PRESERVE; a++) {
        if (strcmp(s, config_action_name((enum config_action)a)) == 0) {
            *out = (enum config_action)a;
            return 0;
        }
    }
    if (in_list(xl_only, ARRAY_SIZE(xl_only), s))
        return cfg_error(ps, line, -EINVAL,
                         "%s: '%s' is not supported (use destroy, restart or preserve)", key, s);
    return cfg_error(ps, line, -EINVAL,
                     "%s: unknown action '%s' (use destroy, restart or preserve)", key,
                     cfg_quote(q, s));
}

/* type = "pv" / "pvh" and builder = "generic" say what Skiff does anyway. */
static int check_guest_type(struct cfg_parser *ps, unsigned int line, enum key_id id, const char *s)
{
    char q[CFG_QUOTE_MAX + 4];

    if (id == K_TYPE && (strcmp(s, "pv") == 0 || strcmp(s, "pvh") == 0))
        return 0;
    if (id == K_BUILDER && strcmp(s, "generic") == 0)
        return 0;
    return cfg_error(ps, line, -EINVAL, "%s: '%s' is not supported (Skiff runs PV guests)",
                     id == K_TYPE ? "type" : "builder", cfg_quote(q, s));
}

static int set_number(struct cfg_parser *ps, unsigned int line, enum key_id id)
{
    struct domain_config *cfg = ps->cfg;
    uint64_t v;
    int rc;

    if (id == K_MEMORY)
        return parse_uint(ps, line, "memory", ps->str, 1, CONFIG_MAX_MEM_MIB, &cfg->memory_mib);
    rc = parse_uint(ps, line, "vcpus", ps->str, 1, CONFIG_MAX_VCPUS, &v);
    if (rc == 0)
        cfg->vcpus = (unsigned int)v;
    return rc;
}

static int set_string(struct cfg_parser *ps, unsigned int line, enum key_id id)
{
    struct domain_config *cfg = ps->cfg;
    const char *s = ps->str;

    switch (id) {
    case K_NAME:
        return set_name(ps, line, s);
    case K_KERNEL:
        if (!*s)
            return cfg_error(ps, line, -EINVAL, "kernel: empty");
        return cfg_copy(ps, line, "kernel", cfg->kernel, sizeof(cfg->kernel), s);
    case K_CMDLINE:
        return cfg_copy(ps, line, "cmdline", cfg->cmdline, sizeof(cfg->cmdline), s);
    case K_EXTRA:
        return cfg_copy(ps, line, "extra", ps->extra, sizeof(ps->extra), s);
    case K_ROOT:
        return cfg_copy(ps, line, "root", ps->root, sizeof(ps->root), s);
    case K_ON_POWEROFF:
        return set_action(ps, line, "on_poweroff", s, &cfg->on_poweroff);
    case K_ON_REBOOT:
        return set_action(ps, line, "on_reboot", s, &cfg->on_reboot);
    case K_ON_CRASH:
        return set_action(ps, line, "on_crash", s, &cfg->on_crash);
    default:
        return check_guest_type(ps, line, id, s);
    }
}

/* A single value (not a list) for key k (NULL: an ignored key). */
static int set_scalar(struct cfg_parser *ps, const struct key_def *k, const struct token *t)
{
    bool numeric = k && (k->id == K_MEMORY || k->id == K_VCPUS);

    if (!k)
        return 0;
    if (k->list)
        return cfg_error(ps, t->line, -EINVAL, "%s: expected a list, like %s = [ '...' ]", k->name,
                         k->name);
    if (numeric)
        return set_number(ps, t->line, k->id); /* xl takes "512" as well as 512 */
    if (t->type != T_STRING)
        return cfg_error(ps, t->line, -EINVAL, "%s: expected a quoted string", k->name);
    return set_string(ps, t->line, k->id);
}

/* One item of a list value; index counts from 1. */
static int add_item(struct cfg_parser *ps, const struct key_def *k, const struct token *t,
                    unsigned int index)
{
    struct domain_config *cfg = ps->cfg;
    int rc;

    if (!k)
        return 0;
    if (t->type != T_STRING)
        return cfg_error(ps, t->line, -EINVAL, "%s: expected quoted strings in the list", k->name);
    if (k->id == K_DISK) {
        if (cfg->nr_disks >= CONFIG_MAX_DISKS)
            return cfg_error(ps, t->line, -E2BIG, "disk: more than %u disks", CONFIG_MAX_DISKS);
        rc = cfg_parse_disk(ps, t->line, index, ps->str, &cfg->disks[cfg->nr_disks]);
        cfg->nr_disks += rc == 0;
        return rc;
    }
    if (cfg->nr_vifs >= CONFIG_MAX_VIFS)
        return cfg_error(ps, t->line, -E2BIG, "vif: more than %u vifs", CONFIG_MAX_VIFS);
    rc = cfg_parse_vif(ps, t->line, index, ps->str, &cfg->vifs[cfg->nr_vifs]);
    cfg->nr_vifs += rc == 0;
    return rc;
}

/* ---- the grammar ---- */

/* After '[': items separated by commas (a trailing one allowed), newlines anywhere. */
static int parse_list(struct cfg_parser *ps, const struct key_def *k, unsigned int open_line)
{
    struct token t;
    unsigned int index = 0;
    int rc;

    for (;;) {
        if ((rc = lex_in_list(ps, &t)))
            return rc;
        if (t.type == T_RBRACK)
            return 0;
        if (t.type == T_EOF)
            return cfg_error(ps, t.line, -EINVAL, "unterminated list (opened on line %u)",
                             open_line);
        if (t.type == T_LBRACK)
            return cfg_error(ps, t.line, -EINVAL, "lists inside lists are not supported");
        if (t.type != T_STRING && t.type != T_NUMBER)
            return cfg_error(ps, t.line, -EINVAL, "expected a value or ']' in the list");
        if (++index > CONFIG_LIST_MAX)
            return cfg_error(ps, t.line, -E2BIG, "list longer than %u items", CONFIG_LIST_MAX);
        if ((rc = add_item(ps, k, &t, index)))
            return rc;
        if ((rc = lex_in_list(ps, &t)))
            return rc;
        if (t.type == T_RBRACK)
            return 0;
        if (t.type == T_EOF)
            return cfg_error(ps, t.line, -EINVAL, "unterminated list (opened on line %u)",
                             open_line);
        if (t.type != T_COMMA)
            return cfg_error(ps, t.line, -EINVAL, "expected ',' or ']' in the list");
    }
}

/* '=' sets once; '+=' appends to a list (and sets it if unset, as xl does). */
static int check_assign(struct cfg_parser *ps, const struct key_def *k, const struct token *op)
{
    if (!k)
        return 0;
    if (op->type == T_PLUSEQ && !k->list)
        return cfg_error(ps, op->line, -EINVAL, "%s: '+=' only appends to lists", k->name);
    if (ps->seen[k->id] && op->type == T_EQ)
        return cfg_error(ps, op->line, -EINVAL, "%s: set twice (first on line %u)", k->name,
                         ps->seen[k->id]);
    if (!ps->seen[k->id])
        ps->seen[k->id] = op->line;
    return 0;
}

/* The key (in ps->str) is known, ignored with a warning, or an error. */
static int lookup_key(struct cfg_parser *ps, unsigned int line, const struct key_def **k)
{
    *k = find_key(ps->str);
    if (*k)
        return 0;
    if (in_list(ignored_keys, ARRAY_SIZE(ignored_keys), ps->str)) {
        cfg_warn(ps, line, "'%s' is not supported by Skiff, ignored", ps->str);
        return 0;
    }
    if (in_list(refused_keys, ARRAY_SIZE(refused_keys), ps->str))
        return cfg_error(ps, line, -EINVAL, "'%s' is not supported by Skiff", ps->str);
    return cfg_error(ps, line, -EINVAL, "unknown key '%s'", ps->str);
}

static int parse_value(struct cfg_parser *ps, const struct key_def *k)
{
    struct token t;
    int rc;

    if ((rc = lex(ps, &t)))
        return rc;
    if (t.type == T_LBRACK && k && !k->list) /* even [ ]: it would leave the key unset */
        return cfg_error(ps, t.line, -EINVAL, "%s: expected a single value, not a list", k->name);
    if (t.type == T_LBRACK)
        return parse_list(ps, k, t.line);
    if (t.type == T_STRING || t.type == T_NUMBER)
        return set_scalar(ps, k, &t);
    return cfg_error(ps, t.line, -EINVAL, "expected a value after '='");
}

/* key = value, then the end of the line, a ';' or the end of the text. */
static int parse_setting(struct cfg_parser *ps, unsigned int line)
{
    const struct key_def *k;
    struct token t;
    int rc;

    if ((rc = lookup_key(ps, line, &k)))
        return rc;
    if ((rc = lex(ps, &t)))
        return rc;
    if (t.type != T_EQ && t.type != T_PLUSEQ)
        return cfg_error(ps, t.line, -EINVAL, "expected '=' after the key");
    if ((rc = check_assign(ps, k, &t)) || (rc = parse_value(ps, k)))
        return rc;
    if ((rc = lex(ps, &t)))
        return rc;
    if (t.type != T_NEWLINE && t.type != T_SEMI && t.type != T_EOF)
        return cfg_error(ps, t.line, -EINVAL, "expected the end of the line after the value");
    return 0;
}

static int parse_settings(struct cfg_parser *ps)
{
    struct token t;
    int rc;

    for (;;) {
        if ((rc = lex(ps, &t)))
            return rc;
        if (t.type == T_EOF)
            return 0;
        if (t.type == T_NEWLINE || t.type == T_SEMI)
            continue;
        if (t.type != T_WORD)
            return cfg_error(ps, t.line, -EINVAL, "expected a key at the start of a setting");
        if ((rc = parse_setting(ps, t.line)))
            return rc;
    }
}

/* ---- after the last line ---- */

/* cmdline wins; otherwise "root=R extra", as xl builds it. */
static int finish_cmdline(struct cfg_parser *ps)
{
    struct domain_config *cfg = ps->cfg;
    int n;

    if (ps->seen[K_CMDLINE]) {
        if (ps->seen[K_EXTRA] || ps->seen[K_ROOT])
            cfg_warn(ps, ps->seen[K_EXTRA] ? ps->seen[K_EXTRA] : ps->seen[K_ROOT],
                     "'extra' and 'root' are ignored: 'cmdline' is set");
        return 0;
    }
    if (ps->root[0])
        n = snprintf(cfg->cmdline, sizeof(cfg->cmdline), "root=%s%s%s", ps->root,
                     ps->extra[0] ? " " : "", ps->extra);
    else
        n = snprintf(cfg->cmdline, sizeof(cfg->cmdline), "%s", ps->extra);
    if (n < 0 || (size_t)n >= sizeof(cfg->cmdline))
        return cfg_error(ps, ps->seen[K_ROOT], -E2BIG,
                         "root: 'root=' and 'extra' together longer than %u bytes",
                         CONFIG_CMDLINE_MAX - 1);
    return 0;
}

static int finish(struct cfg_parser *ps)
{
    if (!ps->seen[K_NAME])
        return cfg_error(ps, 0, -EINVAL, "'name' is missing");
    if (!ps->seen[K_KERNEL])
        return cfg_error(ps, 0, -EINVAL, "'kernel' is missing");
    return finish_cmdline(ps);
}

/* ---- the API ---- */

const char *config_action_name(enum config_action a)
{
    switch (a) {
    case CONFIG_ACTION_DESTROY:
        return "destroy";
    case CONFIG_ACTION_RESTART:
        return "restart";
    case CONFIG_ACTION_PRESERVE:
        return "preserve";
    }
    return "?";
}

void config_defaults(struct domain_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->memory_mib = CONFIG_DEFAULT_MEM_MIB;
    cfg->vcpus = CONFIG_DEFAULT_VCPUS;
    cfg->on_poweroff = CONFIG_ACTION_DESTROY;
    cfg->on_reboot = CONFIG_ACTION_RESTART;
    cfg->on_crash = CONFIG_ACTION_DESTROY;
}

int config_parse(const char *file, const char *text, size_t len, struct domain_config *cfg,
                 struct config_report *rep)
{
    struct cfg_parser ps;
    int rc;

    memset(rep, 0, sizeof(*rep));
    memset(&ps, 0, sizeof(ps));
    config_defaults(cfg);
    ps.file = file;
    cfg_quote(ps.file_quoted, file ? file : "(config)");
    ps.p = text;
    ps.end = text + len;
    ps.line = 1;
    ps.cfg = cfg;
    ps.rep = rep;
    rc = check_text(&ps, text, len);
    if (rc == 0)
        rc = parse_settings(&ps);
    if (rc == 0)
        rc = finish(&ps);
    if (rc)
        config_defaults(cfg);
    return rc;
}

int config_parse_disk_spec(const char *spec, struct config_disk *out, struct config_report *rep)
{
    static struct domain_config scratch; /* no disks yet: no vdev is taken */
    struct cfg_parser ps;

    memset(rep, 0, sizeof(*rep));
    memset(&ps, 0, sizeof(ps));
    memset(out, 0, sizeof(*out));
    ps.file = NULL;
    cfg_quote(ps.file_quoted, "disk spec");
    scratch.nr_disks = 0;
    ps.cfg = &scratch;
    ps.rep = rep;
    return cfg_parse_disk(&ps, 0, 1, spec, out);
}
