/*
 * skiff_lib_names.h - host names of hypervisor/lib's functions. On the host
 * the library is compiled with -Dmemcpy=skiff_memcpy and so on, and with this
 * header forced in first (it declares what glibc lacks); the tests include it
 * to call both the skiff_* functions and glibc's originals.
 */
#ifndef SKIFF_TESTS_LIB_NAMES_H
#define SKIFF_TESTS_LIB_NAMES_H

#include <stdarg.h>
#include <stddef.h>

void *skiff_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *skiff_memmove(void *dst, const void *src, size_t n);
void *skiff_memset(void *dst, int c, size_t n);
int skiff_memcmp(const void *a, const void *b, size_t n);
void *skiff_memchr(const void *s, int c, size_t n);
size_t skiff_strlen(const char *s);
size_t skiff_strnlen(const char *s, size_t max);
char *skiff_strchr(const char *s, int c);
char *skiff_strrchr(const char *s, int c);
int skiff_strcmp(const char *a, const char *b);
int skiff_strncmp(const char *a, const char *b, size_t n);
char *skiff_strstr(const char *haystack, const char *needle);
size_t skiff_strlcpy(char *restrict dst, const char *restrict src, size_t size);

int skiff_isdigit(int c);
int skiff_isxdigit(int c);
int skiff_isspace(int c);
int skiff_isalpha(int c);
int skiff_isalnum(int c);
int skiff_isupper(int c);
int skiff_islower(int c);
int skiff_isprint(int c);
int skiff_tolower(int c);
int skiff_toupper(int c);

unsigned long skiff_strtoul(const char *restrict s, char **restrict end, int base);
unsigned long long skiff_strtoull(const char *restrict s, char **restrict end, int base);
long skiff_strtol(const char *restrict s, char **restrict end, int base);
long long skiff_strtoll(const char *restrict s, char **restrict end, int base);

/* As in hypervisor/lib/libc/stdio.h, which the host build cannot include. */
typedef void format_emit_fn(void *ctx, const char *s, size_t n);
int skiff_vformat(format_emit_fn *emit, void *ctx, const char *fmt, va_list ap);
int skiff_vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int skiff_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
