/*
 * test_abi_docs.c - keeps docs/hypercall-abi.md and the ABI in step: every
 * hypercall of public/hypercalls.def has a "### `name` (number)" section and
 * the doc has no such section the table lacks; every public/errno.h value is
 * in the doc's error table. Paths come from the build (SKIFF_* definitions).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/skiff.h>

#include "abi_parse.h"

#ifndef SKIFF_HYPERCALLS_DEF
#error "build with -DSKIFF_HYPERCALLS_DEF=\"path/to/hypercalls.def\""
#endif
#ifndef SKIFF_ERRNO_H
#error "build with -DSKIFF_ERRNO_H=\"path/to/public/errno.h\""
#endif
#ifndef SKIFF_ABI_DOC
#error "build with -DSKIFF_ABI_DOC=\"path/to/docs/hypercall-abi.md\""
#endif

/* What the compiler makes of the same files: the parsers' reference. */
static const struct {
    const char *name;
    unsigned long nr;
    int nargs;
} compiled_table[] = {
#define HYPERCALL(name, nr, who, nargs, params, args) {#name, (nr), (nargs)},
#include <public/hypercalls.def>
#undef HYPERCALL
};

static const struct {
    const char *name;
    unsigned long value;
} compiled_errno[] = {
#define SKIFF_ERRNO(name, value) {#name, (value)},
#include <public/errno.h>
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct abi_list table, errnos, headings, doc_errors;

/* Reads and parses one file; a failure is reported by the test that needs it. */
static const char *load(const char *path, bool (*parse)(const char *, struct abi_list *),
                        struct abi_list *out)
{
    static char why[512];
    char *text = abi_read_file(path);

    if (!text) {
        snprintf(why, sizeof(why), "cannot read %s", path);
        return why;
    }
    bool ok = parse(text, out);
    free(text);
    if (!ok) {
        snprintf(why, sizeof(why), "%s: %s", path, out->error);
        return why;
    }
    return NULL;
}

static void load_table(void)
{
    const char *err = load(SKIFF_HYPERCALLS_DEF, abi_parse_table, &table);
    ck_assert_msg(err == NULL, "%s", err);
}

static void load_errno(void)
{
    const char *err = load(SKIFF_ERRNO_H, abi_parse_errno, &errnos);
    ck_assert_msg(err == NULL, "%s", err);
}

static void load_headings(void)
{
    const char *err = load(SKIFF_ABI_DOC, abi_parse_doc_headings, &headings);
    ck_assert_msg(err == NULL, "%s", err);
}

static void load_doc_errors(void)
{
    const char *err = load(SKIFF_ABI_DOC, abi_parse_doc_errors, &doc_errors);
    ck_assert_msg(err == NULL, "%s", err);
}

/* Collects every problem a test finds, so one run lists them all. */
struct report {
    unsigned int count;
    char text[4096];
};

static void note(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct report *r, const char *fmt, ...)
{
    size_t used = strlen(r->text);
    va_list ap;

    r->count++;
    if (used + 2 >= sizeof(r->text))
        return;
    va_start(ap, fmt);
    vsnprintf(r->text + used, sizeof(r->text) - used - 1, fmt, ap);
    va_end(ap);
    strcat(r->text, "\n");
}

#define ASSERT_CLEAN(r) ck_assert_msg((r).count == 0, "%u problem(s):\n%s", (r).count, (r).text)

/* ---- the table itself ---- */

START_TEST(table_parser_agrees_with_compiler)
{
    load_table();
    ck_assert_uint_eq(table.n, NELEM(compiled_table));
    for (size_t i = 0; i < table.n; i++) {
        ck_assert_str_eq(table.e[i].name, compiled_table[i].name);
        ck_assert_uint_eq(table.e[i].value, compiled_table[i].nr);
        ck_assert_int_eq(table.e[i].nargs, compiled_table[i].nargs);
    }
}
END_TEST

START_TEST(table_is_consistent)
{
    load_table();
    for (size_t i = 0; i < table.n; i++) {
        const struct abi_entry *e = &table.e[i];
        ck_assert_msg(e->value < SKIFF_NR_HYPERCALLS, "%s: number %lu >= SKIFF_NR_HYPERCALLS",
                      e->name, e->value);
        ck_assert_msg(e->nargs <= 5, "%s: %d register arguments (at most 5)", e->name, e->nargs);
        ck_assert_msg(e->nparams == e->nargs && e->nactual == e->nargs,
                      "%s: nargs %d but %d parameters and %d arguments", e->name, e->nargs,
                      e->nparams, e->nactual);
        for (size_t j = 0; j < i; j++) {
            ck_assert_msg(strcmp(e->name, table.e[j].name) != 0, "%s listed twice", e->name);
            ck_assert_msg(e->value != table.e[j].value, "%s and %s share number %lu", e->name,
                          table.e[j].name, e->value);
        }
    }
}
END_TEST

/* ---- hypercall sections ---- */

START_TEST(every_hypercall_is_documented)
{
    struct report r = {0};

    load_table();
    load_headings();
    for (size_t i = 0; i < table.n; i++) {
        const struct abi_entry *t = &table.e[i];
        const struct abi_entry *h = abi_find(&headings, t->name);
        if (!h)
            note(&r, "%s: no heading \"### `%s` (%lu)\"", t->name, t->name, t->value);
        else if (h->value != t->value)
            note(&r, "%s: documented as (%lu), the table says (%lu)", t->name, h->value, t->value);
    }
    ASSERT_CLEAN(r);
}
END_TEST

START_TEST(doc_lists_only_table_hypercalls)
{
    struct report r = {0};

    load_table();
    load_headings();
    for (size_t i = 0; i < headings.n; i++) {
        const struct abi_entry *h = &headings.e[i];
        if (!abi_find(&table, h->name))
            note(&r, "`%s` (%lu) is documented but hypercalls.def lacks it", h->name, h->value);
        for (size_t j = 0; j < i; j++)
            if (strcmp(h->name, headings.e[j].name) == 0)
                note(&r, "`%s` is documented twice", h->name);
    }
    ASSERT_CLEAN(r);
}
END_TEST

/* ---- error numbers ---- */

START_TEST(errno_parser_agrees_with_compiler)
{
    load_errno();
    ck_assert_uint_eq(errnos.n, NELEM(compiled_errno));
    for (size_t i = 0; i < errnos.n; i++) {
        ck_assert_str_eq(errnos.e[i].name, compiled_errno[i].name);
        ck_assert_uint_eq(errnos.e[i].value, compiled_errno[i].value);
    }
}
END_TEST

START_TEST(every_error_is_in_the_doc_table)
{
    struct report r = {0};

    load_errno();
    load_doc_errors();
    for (size_t i = 0; i < errnos.n; i++) {
        const struct abi_entry *e = &errnos.e[i];
        const struct abi_entry *d = abi_find(&doc_errors, e->name);
        if (!d)
            note(&r, "SKIFF_%s (%lu) is missing from the error table", e->name, e->value);
        else if (d->value != e->value)
            note(&r, "%s: the doc says %lu, public/errno.h %lu", e->name, d->value, e->value);
    }
    ASSERT_CLEAN(r);
}
END_TEST

START_TEST(doc_error_table_lists_only_known_errors)
{
    struct report r = {0};

    load_errno();
    load_doc_errors();
    for (size_t i = 0; i < doc_errors.n; i++) {
        const struct abi_entry *d = &doc_errors.e[i];
        if (!abi_find(&errnos, d->name))
            note(&r, "the error table lists %s, which public/errno.h lacks", d->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->name, doc_errors.e[j].name) == 0)
                note(&r, "%s is listed twice", d->name);
    }
    ASSERT_CLEAN(r);
}
END_TEST

/* ---- the parsers on bad and tricky input ---- */

START_TEST(heading_form_is_exact)
{
    char name[ABI_NAME_MAX];
    unsigned long nr;

    ck_assert(abi_match_heading("### `iret` (23)", name, sizeof(name), &nr));
    ck_assert_str_eq(name, "iret");
    ck_assert_uint_eq(nr, 23);
    ck_assert(!abi_match_heading("### `iret`(23)", name, sizeof(name), &nr));
    ck_assert(!abi_match_heading("#### `iret` (23)", name, sizeof(name), &nr));
    ck_assert(!abi_match_heading("### iret (23)", name, sizeof(name), &nr));
    ck_assert(!abi_match_heading("### `iret` (23) ", name, sizeof(name), &nr));
    ck_assert(!abi_match_heading("### `iret` (0x17)", name, sizeof(name), &nr));
    ck_assert(!abi_match_heading("### `iret` ()", name, sizeof(name), &nr));
    ck_assert(!abi_match_heading("### `` (1)", name, sizeof(name), &nr));
}
END_TEST

START_TEST(table_parser_counts_and_rejects)
{
    struct abi_list l;

    ck_assert(abi_parse_table("/* HYPERCALL(x, 1, ANY, 0, (void), ()) */\n"
                              "HYPERCALL(a, 0x10, ANY, 0, (void), ())\n"
                              "HYPERCALL(b, 2, PRIV, 2, (int (*f)(int, int), char *s), (f, s))",
                              &l));
    ck_assert_uint_eq(l.n, 2);
    ck_assert_str_eq(l.e[0].name, "a");
    ck_assert_uint_eq(l.e[0].value, 16);
    ck_assert_int_eq(l.e[0].nparams, 0);
    ck_assert_int_eq(l.e[0].nactual, 0);
    ck_assert_int_eq(l.e[1].nparams, 2);
    ck_assert_int_eq(l.e[1].nactual, 2);
    ck_assert(!abi_parse_table("HYPERCALL(a, 1, ANY, 0, (void), ()", &l));
    ck_assert(!abi_parse_table("HYPERCALL(a, x, ANY, 0, (void), ())", &l));
    ck_assert(!abi_parse_table("HYPERCALL(a, 1, ANY, 0, void, ())", &l));
}
END_TEST

START_TEST(doc_parsers_skip_code_and_other_sections)
{
    struct abi_list l;
    const char *doc = "# T\n### `a` (1)\n```\n### `b` (2)\n| `EBOGUS` | 9 | x |\n```\n"
                      "## Other\n| `EPERM` | 7 | x |\n## Error numbers\n| name | value |\n"
                      "| `EPERM` | 1 | Operation not permitted |\n## Next\n| `EIO` | 5 | x |\n";

    ck_assert(abi_parse_doc_headings(doc, &l));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.e[0].name, "a");
    ck_assert(abi_parse_doc_errors(doc, &l));
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.e[0].name, "EPERM");
    ck_assert_uint_eq(l.e[0].value, 1);
    ck_assert(!abi_parse_doc_errors("## Errors\n| `EPERM` | one |\n", &l));
    ck_assert(!abi_parse_doc_errors("# no error section\n", &l));
}
END_TEST

static Suite *abi_docs_suite(void)
{
    Suite *s = suite_create("abi_docs");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, table_parser_agrees_with_compiler);
    tcase_add_test(tc, table_is_consistent);
    tcase_add_test(tc, every_hypercall_is_documented);
    tcase_add_test(tc, doc_lists_only_table_hypercalls);
    tcase_add_test(tc, errno_parser_agrees_with_compiler);
    tcase_add_test(tc, every_error_is_in_the_doc_table);
    tcase_add_test(tc, doc_error_table_lists_only_known_errors);
    tcase_add_test(tc, heading_form_is_exact);
    tcase_add_test(tc, table_parser_counts_and_rejects);
    tcase_add_test(tc, doc_parsers_skip_code_and_other_sections);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(abi_docs_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
