/*
 * xs_path.c - the store's untrusted strings: path checking and making
 * relative paths absolute, domain ids and numbers, and permission strings
 * ("r5", "b0", ...) parsed, formatted and evaluated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

#define DOMAIN_PREFIX "/local/domain/"

static bool valid_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '/' || c == '_' || c == '@';
}

/* An absolute path: "/", or "/a/b" with valid characters, no empty component. */
static bool valid_abs(const char *p, size_t n)
{
    if (n == 0 || p[0] != '/' || n > XENSTORE_ABS_PATH_MAX)
        return false;
    if (n > 1 && p[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!valid_char(p[i]) || (p[i] == '/' && i + 1 < n && p[i + 1] == '/'))
            return false;
    }
    return true;
}

int xs_path_canon(uint16_t domid, const char *in, char **out)
{
    size_t n = strnlen(in, XENSTORE_ABS_PATH_MAX + 1);
    char *p;

    if (n == 0 || n > XENSTORE_ABS_PATH_MAX || in[0] == '@')
        return -EINVAL;
    if (in[0] != '/' && n > XENSTORE_REL_PATH_MAX)
        return -EINVAL;
    p = malloc(n + sizeof(DOMAIN_PREFIX) + 8);
    if (!p)
        return -ENOMEM;
    if (in[0] == '/')
        memcpy(p, in, n + 1);
    else
        snprintf(p, n + sizeof(DOMAIN_PREFIX) + 8, DOMAIN_PREFIX "%u/%s", domid, in);
    if (!valid_abs(p, strlen(p))) {
        free(p);
        return -EINVAL;
    }
    *out = p;
    return 0;
}

bool xs_path_is_special(const char *path)
{
    return strcmp(path, "@introduceDomain") == 0 || strcmp(path, "@releaseDomain") == 0;
}

bool xs_path_is_under(const char *path, const char *top)
{
    size_t n = strlen(top);

    if (strcmp(top, "/") == 0)
        return path[0] == '/';
    return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *xs_path_basename(const char *path)
{
    return strrchr(path, '/') + 1;
}

int xs_path_parent(const char *path, char **out)
{
    size_t n = (size_t)(strrchr(path, '/') - path);
    char *p = malloc(n + 2);

    if (!p)
        return -ENOMEM;
    if (n == 0)
        n = 1; /* the parent of "/a" is "/" */
    memcpy(p, path, n);
    p[n] = '\0';
    *out = p;
    return 0;
}

int xs_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s || strlen(s) > 20)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

int xs_parse_domid(const char *s, uint16_t *out)
{
    uint64_t v;

    if (xs_parse_u64(s, &v) < 0 || v > XS_DOMID_MAX)
        return -EINVAL;
    *out = (uint16_t)v;
    return 0;
}

static int perm_from_char(char c)
{
    switch (c) {
    case XS_PERM_CHAR_NONE:
        return XS_PERM_NONE;
    case XS_PERM_CHAR_READ:
        return XS_PERM_READ;
    case XS_PERM_CHAR_WRITE:
        return XS_PERM_WRITE;
    case XS_PERM_CHAR_BOTH:
        return XS_PERM_BOTH;
    default:
        return -EINVAL;
    }
}

/* NUL-terminated strings in buf[0, len): their number, or -EINVAL. */
static int count_strings(const char *buf, size_t len)
{
    int n = 0;

    if (len == 0 || buf[len - 1] != '\0')
        return -EINVAL;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == '\0';
    return n;
}

int xs_perms_parse(const char *buf, size_t len, uint32_t max, struct xs_perm **out, uint32_t *n)
{
    int count = count_strings(buf, len);
    struct xs_perm *p;
    int rc = 0;

    if (count < 0)
        return count;
    if ((uint32_t)count > max)
        return -ENOSPC;
    p = calloc((size_t)count, sizeof(*p));
    if (!p)
        return -ENOMEM;
    for (int i = 0; i < count; i++) {
        int perm = perm_from_char(buf[0]);
        if (perm < 0 || xs_parse_domid(buf + 1, &p[i].id) < 0) {
            rc = -EINVAL;
            goto out;
        }
        p[i].perm = (uint8_t)perm;
        buf += strlen(buf) + 1;
    }
    *out = p;
    *n = (uint32_t)count;
    return 0;
out:
    free(p);
    return rc;
}

int xs_perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t size, size_t *len)
{
    static const char letters[] = {XS_PERM_CHAR_NONE, XS_PERM_CHAR_READ, XS_PERM_CHAR_WRITE,
                                   XS_PERM_CHAR_BOTH};
    size_t used = 0;

    for (uint32_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, size - used, "%c%u", letters[p[i].perm & 3], p[i].id);
        if (w < 0 || (size_t)w + 1 > size - used)
            return -E2BIG;
        used += (size_t)w + 1;
    }
    *len = used;
    return 0;
}

uint8_t xs_perm_of(const struct xs_data *d, uint16_t domid)
{
    if (xs_privileged(domid) || d->perms[0].id == domid)
        return XS_PERM_BOTH;
    for (uint32_t i = 1; i < d->nperms; i++) {
        if (d->perms[i].id == domid)
            return d->perms[i].perm;
    }
    return d->perms[0].perm;
}
