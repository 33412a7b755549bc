/*
 * config_int.h - what the config parser's files share (not for callers):
 * the parser state, its report helpers, and the device-spec parsers of
 * config_devices.c that config.c calls for each disk=[...] and vif=[...]
 * item.
 */
#ifndef DOM0_CONFIG_INT_H
#define DOM0_CONFIG_INT_H

#include "config.h"

#define CFG_WORD_MAX  64 /* a key or an unquoted number */
#define CFG_QUOTE_MAX 40 /* bytes of a value echoed in a message */

struct cfg_parser {
    const char *file;
    const char *p, *end; /* the cursor and the end of the text */
    unsigned int line;   /* of the cursor, from 1 */
    struct domain_config *cfg;
    struct config_report *rep;
    char file_quoted[CFG_QUOTE_MAX + 4]; /* file, safe to print */
    char str[CONFIG_STRING_MAX];         /* the last token's text (decoded strings) */
    size_t str_len;
    unsigned int seen[16];          /* line where each key (config.c's enum) was set */
    char extra[CONFIG_CMDLINE_MAX]; /* xl's extra= and root=, joined at the end */
    char root[CONFIG_PATH_MAX];
};

/* Sets rep->error to "file:line: ..." (line 0: "file: ...") and returns err. */
int cfg_error(struct cfg_parser *ps, unsigned int line, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds "file:line: ..." to the warnings, or counts it as dropped. */
void cfg_warn(struct cfg_parser *ps, unsigned int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* s made safe to echo: printable ASCII ('?' for the rest), cut at CFG_QUOTE_MAX. */
const char *cfg_quote(char buf[CFG_QUOTE_MAX + 4], const char *s);
/* Copies s into dst[size]; an error naming `what` if it does not fit. */
int cfg_copy(struct cfg_parser *ps, unsigned int line, const char *what, char *dst, size_t size,
             const char *s);

/* config_devices.c: one list item; index counts from 1 for messages. */
int cfg_parse_disk(struct cfg_parser *ps, unsigned int line, unsigned int index, const char *spec,
                   struct config_disk *d);
int cfg_parse_vif(struct cfg_parser *ps, unsigned int line, unsigned int index, const char *spec,
                  struct config_vif *v);

#endif
