/*
 * abi_parse.h - small text parsers for test_abi_docs: the hypercall table
 * (public/hypercalls.def), the error list (public/errno.h), and the headings
 * and error table of docs/hypercall-abi.md.
 */
#ifndef ABI_PARSE_H
#define ABI_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define ABI_NAME_MAX    64
#define ABI_MAX_ENTRIES 256

/* One (name, number) pair: a hypercall or an error number. */
struct abi_entry {
    char name[ABI_NAME_MAX];
    unsigned long value;
    int nargs;   /* hypercalls.def only: the declared nargs */
    int nparams; /* hypercalls.def only: parameters in (params); (void) is 0 */
    int nactual; /* hypercalls.def only: arguments in (args) */
};

struct abi_list {
    size_t n;
    struct abi_entry e[ABI_MAX_ENTRIES];
    char error[256]; /* set when parsing failed */
};

/* The whole file as a NUL-terminated string, or NULL. Free with free(). */
char *abi_read_file(const char *path);

/* HYPERCALL(...) entries of hypercalls.def text. false (and l->error) on bad syntax. */
bool abi_parse_table(const char *text, struct abi_list *l);

/* SKIFF_ERRNO(name, value) entries of public/errno.h text. */
bool abi_parse_errno(const char *text, struct abi_list *l);

/* Markdown headings of the form "### `name` (number)", outside code fences. */
bool abi_parse_doc_headings(const char *text, struct abi_list *l);

/*
 * Rows "| `ENAME` | value | ... |" of the doc's error table: the section whose
 * heading starts with "## Error", up to the next "## " heading.
 */
bool abi_parse_doc_errors(const char *text, struct abi_list *l);

/* Whether one line is a hypercall heading; fills name and number if so. */
bool abi_match_heading(const char *line, char *name, size_t size, unsigned long *number);

/* The entry named `name`, or NULL. */
const struct abi_entry *abi_find(const struct abi_list *l, const char *name);

#endif /* ABI_PARSE_H */
