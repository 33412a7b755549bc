/*
 * lib/string.c - the memory and string functions of Skiff's freestanding libc
 * subset (libc/string.h), shared by the hypervisor and guest-lib. memcpy uses
 * rep movsq/movsb and memset rep stosb on x86_64; the rest is plain C.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Define SKIFF_LIBC_PORTABLE to use the plain C copy/fill loops on x86_64 too. */
#if defined(__x86_64__) && !defined(SKIFF_LIBC_PORTABLE)
#define USE_REP_STRING 1
#else
#define USE_REP_STRING 0
#endif

/* Keeps the compiler from turning a loop into a call to the function it implements. */
#if defined(__clang__)
#define NO_LIBCALLS __attribute__((no_builtin))
#else
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

/* An 8-byte word that may sit at any address and alias anything. */
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_word;

/* Copies n bytes in ascending address order, so dst may overlap src from below. */
static NO_LIBCALLS void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
#if USE_REP_STRING
    /* Whole words first: a rep iteration moves 8 bytes instead of 1. */
    size_t words = n / 8, tail = n % 8;

    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(tail) : : "memory");
#else
    for (; n >= sizeof(unaligned_word); n -= sizeof(unaligned_word)) {
        *(unaligned_word *)d = *(const unaligned_word *)s;
        d += sizeof(unaligned_word);
        s += sizeof(unaligned_word);
    }
    while (n--)
        *d++ = *s++;
#endif
}

/* Copies n bytes in descending address order, so dst may overlap src from above. */
static NO_LIBCALLS void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    while (n >= sizeof(unaligned_word)) {
        n -= sizeof(unaligned_word);
        *(unaligned_word *)(d + n) = *(const unaligned_word *)(s + n);
    }
    while (n--)
        d[n] = s[n];
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    /* dst outside [src, src + n) means a forward copy never reads a byte it wrote. */
    if ((uintptr_t)dst - (uintptr_t)src >= n)
        copy_forward(dst, src, n);
    else
        copy_backward(dst, src, n);
    return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
#if USE_REP_STRING
    void *d = dst;

    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
#else
    unsigned char *d = dst;

    while (n--)
        *d++ = (unsigned char)c;
#endif
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n; n--, p++, q++) {
        if (*p != *q)
            return *p - *q;
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++) {
        if (*p == (unsigned char)c)
            return (void *)p;
    }
    return NULL;
}

NO_LIBCALLS size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return p - s;
}

NO_LIBCALLS size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

    while (*p && *p == *q) {
        p++;
        q++;
    }
    return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

    for (; n; n--, p++, q++) {
        if (*p != *q || !*p)
            return *p - *q;
    }
    return 0;
}

char *strstr(const char *haystack, const char *needle)
{
    size_t len = strlen(needle);

    for (;; haystack++) {
        if (strncmp(haystack, needle, len) == 0)
            return (char *)haystack;
        if (!*haystack)
            return NULL;
    }
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
