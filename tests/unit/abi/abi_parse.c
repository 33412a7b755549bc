/*
 * abi_parse.c - the text parsers behind test_abi_docs (see abi_parse.h). They
 * are strict on purpose: anything that looks like an entry but is not in the
 * exact form is an error, so a typo cannot hide a hypercall from the check.
 */
#include "abi_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *abi_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        } else if (buf) {
            buf[size] = '\0';
        }
    }
    fclose(f);
    return buf;
}

static bool fail(struct abi_list *l, const char *what, const char *where)
{
    snprintf(l->error, sizeof(l->error), "%s near \"%.40s\"", what, where);
    return false;
}

static bool add(struct abi_list *l, const char *name, size_t len, unsigned long value)
{
    if (l->n == ABI_MAX_ENTRIES || len == 0 || len >= ABI_NAME_MAX)
        return fail(l, "too many entries or bad name length", name);
    struct abi_entry *e = &l->e[l->n++];
    memset(e, 0, sizeof(*e));
    memcpy(e->name, name, len);
    e->value = value;
    return true;
}

const struct abi_entry *abi_find(const struct abi_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->e[i].name, name) == 0)
            return &l->e[i];
    return NULL;
}

/* ---- a tiny cursor over C-like text ---- */

static bool is_ident(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static void skip_ws(const char **p)
{
    while (isspace((unsigned char)**p))
        (*p)++;
}

static bool take_char(const char **p, char c)
{
    skip_ws(p);
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* An identifier; *start and *len say where it is. */
static bool take_ident(const char **p, const char **start, size_t *len)
{
    skip_ws(p);
    *start = *p;
    if (!isalpha((unsigned char)**p) && **p != '_')
        return false;
    while (is_ident(**p))
        (*p)++;
    *len = (size_t)(*p - *start);
    return true;
}

static bool take_number(const char **p, unsigned long *v)
{
    char *end;

    skip_ws(p);
    if (!isdigit((unsigned char)**p))
        return false;
    *v = strtoul(*p, &end, 0);
    *p = end;
    return true;
}

/* Whether [s, end) holds nothing or just "void". */
static bool group_is_empty(const char *s, const char *end)
{
    while (s < end && isspace((unsigned char)*s))
        s++;
    if (end - s >= 4 && strncmp(s, "void", 4) == 0)
        s += 4;
    while (s < end && isspace((unsigned char)*s))
        s++;
    return s == end;
}

/* A parenthesised group: how many top-level comma-separated items it holds. */
static bool take_group(const char **p, int *items)
{
    const char *start;
    int depth = 1, commas = 0;

    if (!take_char(p, '('))
        return false;
    start = *p;
    for (; **p && depth > 0; (*p)++) {
        depth += (**p == '(') - (**p == ')');
        commas += (**p == ',' && depth == 1);
    }
    if (depth != 0)
        return false;
    *items = group_is_empty(start, *p - 1) ? 0 : commas + 1;
    return true;
}

/* Replaces C comments with spaces (newlines kept). The caller frees. */
static char *strip_comments(const char *text)
{
    char *s = strdup(text);

    for (char *p = s; p && *p; p++) {
        if (p[0] == '/' && p[1] == '*') {
            char *end = strstr(p + 2, "*/");
            char *stop = end ? end + 2 : p + strlen(p);
            for (; p < stop; p++)
                *p = *p == '\n' ? '\n' : ' ';
            p--;
        } else if (p[0] == '/' && p[1] == '/') {
            for (; *p && *p != '\n'; p++)
                *p = ' ';
            p--;
        }
    }
    return s;
}

/* Finds the next "word(" that starts an identifier, or NULL. */
static const char *find_call(const char *p, const char *word)
{
    size_t len = strlen(word);

    for (const char *q = strstr(p, word); q; q = strstr(q + 1, word)) {
        const char *r = q + len;
        if ((q == p || !is_ident(q[-1])) && !is_ident(*r)) {
            skip_ws(&r);
            if (*r == '(')
                return q;
        }
    }
    return NULL;
}

/* HYPERCALL(name, number, who, nargs, (params), (args)) */
static bool parse_one_hypercall(const char **p, struct abi_list *l)
{
    const char *name, *who, *at = *p;
    size_t name_len, who_len;
    unsigned long nr, nargs;
    int nparams, nactual;

    *p += strlen("HYPERCALL");
    if (!take_char(p, '(') || !take_ident(p, &name, &name_len) || !take_char(p, ',') ||
        !take_number(p, &nr) || !take_char(p, ',') || !take_ident(p, &who, &who_len) ||
        !take_char(p, ',') || !take_number(p, &nargs) || !take_char(p, ',') ||
        !take_group(p, &nparams) || !take_char(p, ',') || !take_group(p, &nactual) ||
        !take_char(p, ')'))
        return fail(l, "malformed HYPERCALL entry", at);
    if (!add(l, name, name_len, nr))
        return false;
    l->e[l->n - 1].nargs = (int)nargs;
    l->e[l->n - 1].nparams = nparams;
    l->e[l->n - 1].nactual = nactual;
    return true;
}

bool abi_parse_table(const char *text, struct abi_list *l)
{
    char *code = strip_comments(text);
    bool ok = code != NULL;

    memset(l, 0, sizeof(*l));
    for (const char *p = code; ok && (p = find_call(p, "HYPERCALL"));)
        ok = parse_one_hypercall(&p, l);
    free(code);
    return ok;
}

bool abi_parse_errno(const char *text, struct abi_list *l)
{
    char *code = strip_comments(text);
    bool ok = code != NULL;

    memset(l, 0, sizeof(*l));
    for (const char *p = code; ok && (p = find_call(p, "SKIFF_ERRNO"));) {
        const char *at = p, *name;
        size_t len;
        unsigned long v;
        p += strlen("SKIFF_ERRNO");
        if (!take_char(&p, '(') || !take_ident(&p, &name, &len))
            ok = fail(l, "malformed SKIFF_ERRNO", at);
        else if (len == 4 && strncmp(name, "name", 4) == 0)
            continue; /* the X-macro's own #define SKIFF_ERRNO(name, value) */
        else if (!take_char(&p, ',') || !take_number(&p, &v) || !take_char(&p, ')'))
            ok = fail(l, "malformed SKIFF_ERRNO", at);
        else
            ok = add(l, name, len, v);
    }
    free(code);
    return ok;
}

/* ---- Markdown ---- */

/* Copies the line at p (without its newline) into buf; returns the next line. */
static const char *next_line(const char *p, char *buf, size_t size)
{
    size_t len = strcspn(p, "\n");
    size_t n = len < size - 1 ? len : size - 1;

    memcpy(buf, p, n);
    buf[n] = '\0';
    return p[len] ? p + len + 1 : p + len;
}

bool abi_match_heading(const char *line, char *name, size_t size, unsigned long *number)
{
    const char *p = line, *start;
    size_t len;

    if (strncmp(p, "### `", 5) != 0)
        return false;
    p += 5;
    start = p;
    if (!isalpha((unsigned char)*p) && *p != '_')
        return false;
    while (is_ident(*p))
        p++;
    len = (size_t)(p - start);
    if (strncmp(p, "` (", 3) != 0 || !isdigit((unsigned char)p[3]) || len >= size)
        return false;
    p += 3;
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    if (strcmp(end, ")") != 0)
        return false;
    memcpy(name, start, len);
    name[len] = '\0';
    *number = v;
    return true;
}

bool abi_parse_doc_headings(const char *text, struct abi_list *l)
{
    char line[512], name[ABI_NAME_MAX];
    bool in_fence = false;
    unsigned long nr;

    memset(l, 0, sizeof(*l));
    for (const char *p = text; *p;) {
        p = next_line(p, line, sizeof(line));
        if (strncmp(line, "```", 3) == 0)
            in_fence = !in_fence;
        else if (!in_fence && abi_match_heading(line, name, sizeof(name), &nr) &&
                 !add(l, name, strlen(name), nr))
            return false;
    }
    return true;
}

/* "| `ENAME` | value |..." */
static bool parse_error_row(const char *line, struct abi_list *l)
{
    const char *p = line + 3, *name;
    size_t len;
    unsigned long v;

    if (!take_ident(&p, &name, &len) || *p++ != '`' || !take_char(&p, '|') ||
        !take_number(&p, &v) || !take_char(&p, '|'))
        return fail(l, "malformed error table row", line);
    return add(l, name, len, v);
}

bool abi_parse_doc_errors(const char *text, struct abi_list *l)
{
    char line[512];
    bool in_section = false, in_fence = false, seen = false;

    memset(l, 0, sizeof(*l));
    for (const char *p = text; *p;) {
        p = next_line(p, line, sizeof(line));
        if (strncmp(line, "```", 3) == 0)
            in_fence = !in_fence;
        if (in_fence)
            continue;
        if (strncmp(line, "## ", 3) == 0) {
            in_section = strncmp(line, "## Error", 8) == 0;
            seen = seen || in_section;
        } else if (in_section && strncmp(line, "| `", 3) == 0 && !parse_error_row(line, l)) {
            return false;
        }
    }
    if (!seen)
        return fail(l, "no \"## Error...\" section", text);
    return true;
}
