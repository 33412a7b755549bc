/*
 * xs_wire.c - the message interface: decodes one xsd_sockmsg request from a
 * domain, checks everything a hostile guest controls (length, type,
 * NUL-terminated arguments, their number, numbers and permission strings),
 * runs it, and queues the reply or an XS_ERROR naming the error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

#define MAX_ARGS  3
#define XS_EISDIR 21 /* Xen's (Linux's) value; public/errno.h lacks it, the store never uses it */

struct req {
    struct xs_store *s;
    struct xs_domain *d;
    struct xsd_sockmsg h;
    const char *p; /* payload */
    uint32_t len;
    const char *argv[MAX_ARGS];
    char *out; /* reply payload, XENSTORE_PAYLOAD_MAX bytes */
    size_t outlen;
    struct xs_watch *new_watch; /* XS_WATCH: its first event follows the reply */
};

static const struct {
    int err;
    const char *name;
} errors[] = {
    {EINVAL, "EINVAL"},       {EACCES, "EACCES"},   {EEXIST, "EEXIST"}, {XS_EISDIR, "EISDIR"},
    {ENOENT, "ENOENT"},       {ENOMEM, "ENOMEM"},   {ENOSPC, "ENOSPC"}, {EIO, "EIO"},
    {ENOTEMPTY, "ENOTEMPTY"}, {ENOSYS, "ENOSYS"},   {EROFS, "EROFS"},   {EBUSY, "EBUSY"},
    {EAGAIN, "EAGAIN"},       {EISCONN, "EISCONN"}, {E2BIG, "E2BIG"},   {EPERM, "EPERM"},
};

const char *xs_error_name(int rc)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        if (errors[i].err == -rc)
            return errors[i].name;
    }
    return "EINVAL";
}

/* The payload is exactly n NUL-terminated strings: into r->argv. */
static int args(struct req *r, int n)
{
    uint32_t off = 0;

    for (int i = 0; i < n; i++) {
        const char *nul = memchr(r->p + off, '\0', r->len - off);
        if (off >= r->len || !nul)
            return -EINVAL;
        r->argv[i] = r->p + off;
        off = (uint32_t)(nul - r->p) + 1;
    }
    return off == r->len ? 0 : -EINVAL;
}

/* The payload starts with one NUL-terminated string; the rest is *rest, *rlen. */
static int first_arg(struct req *r, const char **rest, uint32_t *rlen)
{
    const char *nul = memchr(r->p, '\0', r->len);

    if (!nul)
        return -EINVAL;
    r->argv[0] = r->p;
    *rest = nul + 1;
    *rlen = r->len - (uint32_t)(nul + 1 - r->p);
    return 0;
}

static int reply_str(struct req *r, const char *s)
{
    r->outlen = strlen(s) + 1;
    memcpy(r->out, s, r->outlen);
    return 0;
}

/* ---- one handler per message type ---- */

static int do_read(struct req *r)
{
    int rc = args(r, 1);

    if (rc == 0)
        rc = xs_read(r->s, r->d->domid, r->h.tx_id, r->argv[0], r->out, XENSTORE_PAYLOAD_MAX,
                     &r->outlen);
    return rc;
}

static int do_directory(struct req *r)
{
    int rc = args(r, 1);

    if (rc == 0)
        rc = xs_directory(r->s, r->d->domid, r->h.tx_id, r->argv[0], r->out, XENSTORE_PAYLOAD_MAX,
                          &r->outlen);
    return rc;
}

static int do_get_perms(struct req *r)
{
    int rc = args(r, 1);

    if (rc == 0)
        rc = xs_get_perms(r->s, r->d->domid, r->h.tx_id, r->argv[0], r->out, XENSTORE_PAYLOAD_MAX,
                          &r->outlen);
    return rc;
}

static int do_write(struct req *r)
{
    const char *value;
    uint32_t vlen;
    int rc = first_arg(r, &value, &vlen);

    if (rc == 0)
        rc = xs_write(r->s, r->d->domid, r->h.tx_id, r->argv[0], value, vlen);
    return rc ? rc : reply_str(r, "OK");
}

static int do_mkdir(struct req *r)
{
    int rc = args(r, 1);

    if (rc == 0)
        rc = xs_mkdir(r->s, r->d->domid, r->h.tx_id, r->argv[0]);
    return rc ? rc : reply_str(r, "OK");
}

static int do_rm(struct req *r)
{
    int rc = args(r, 1);

    if (rc == 0)
        rc = xs_rm(r->s, r->d->domid, r->h.tx_id, r->argv[0]);
    return rc ? rc : reply_str(r, "OK");
}

static int do_set_perms(struct req *r)
{
    const char *perms;
    uint32_t plen;
    int rc = first_arg(r, &perms, &plen);

    if (rc == 0)
        rc = xs_set_perms(r->s, r->d->domid, r->h.tx_id, r->argv[0], perms, plen);
    return rc ? rc : reply_str(r, "OK");
}

static int do_watch(struct req *r)
{
    int rc = args(r, 2);

    if (rc == 0)
        rc = xs_watch_add(r->s, r->d, r->argv[0], r->argv[1], &r->new_watch);
    return rc ? rc : reply_str(r, "OK");
}

static int do_unwatch(struct req *r)
{
    int rc = args(r, 2);

    if (rc == 0)
        rc = xs_unwatch(r->s, r->d->domid, r->argv[0], r->argv[1]);
    return rc ? rc : reply_str(r, "OK");
}

static int do_transaction_start(struct req *r)
{
    uint32_t id;
    int rc = args(r, 1);

    if (rc == 0 && r->h.tx_id)
        rc = -EBUSY; /* no nesting */
    if (rc == 0)
        rc = xs_transaction_start(r->s, r->d->domid, &id);
    if (rc == 0)
        r->outlen = (size_t)snprintf(r->out, XENSTORE_PAYLOAD_MAX, "%u", id) + 1;
    return rc;
}

static int do_transaction_end(struct req *r)
{
    int rc = args(r, 1);

    if (rc == 0 && strcmp(r->argv[0], "T") != 0 && strcmp(r->argv[0], "F") != 0)
        rc = -EINVAL;
    if (rc == 0)
        rc = xs_transaction_end(r->s, r->d->domid, r->h.tx_id, r->argv[0][0] == 'T');
    return rc ? rc : reply_str(r, "OK");
}

static int do_introduce(struct req *r)
{
    uint16_t domid;
    uint64_t gfn, port;
    int rc = args(r, 3);

    if (rc == 0 && (xs_parse_domid(r->argv[0], &domid) < 0 || xs_parse_u64(r->argv[1], &gfn) < 0 ||
                    xs_parse_u64(r->argv[2], &port) < 0 || port > UINT32_MAX))
        rc = -EINVAL;
    if (rc == 0)
        rc = xs_introduce(r->s, r->d->domid, domid, gfn, (uint32_t)port);
    return rc ? rc : reply_str(r, "OK");
}

/* The one argument, a domain id. */
static int domid_arg(struct req *r, uint16_t *domid)
{
    int rc = args(r, 1);

    return rc ? rc : xs_parse_domid(r->argv[0], domid);
}

static int do_release(struct req *r)
{
    uint16_t domid;
    int rc = domid_arg(r, &domid);

    if (rc == 0)
        rc = xs_release(r->s, r->d->domid, domid);
    return rc ? rc : reply_str(r, "OK");
}

static int do_get_domain_path(struct req *r)
{
    uint16_t domid;
    int rc = domid_arg(r, &domid);

    if (rc == 0)
        rc = xs_domain_path(domid, r->out, XENSTORE_PAYLOAD_MAX);
    if (rc == 0)
        r->outlen = strlen(r->out) + 1;
    return rc;
}

static int do_is_domain_introduced(struct req *r)
{
    uint16_t domid;
    int rc = domid_arg(r, &domid);

    if (rc == 0 && !xs_privileged(r->d->domid))
        rc = -EACCES;
    return rc ? rc : reply_str(r, xs_is_introduced(r->s, domid) ? "T" : "F");
}

static int do_directory_part(struct req *r)
{
    uint64_t off;
    int rc = args(r, 2);

    if (rc == 0 && (xs_parse_u64(r->argv[1], &off) < 0 || off > UINT32_MAX))
        rc = -EINVAL;
    if (rc == 0)
        rc = xs_directory_part(r->s, r->d->domid, r->h.tx_id, r->argv[0], (uint32_t)off, r->out,
                               XENSTORE_PAYLOAD_MAX, &r->outlen);
    return rc;
}

static int do_reset_watches(struct req *r)
{
    int rc = xs_reset_watches(r->s, r->d->domid); /* the payload is not looked at */

    return rc ? rc : reply_str(r, "OK");
}

static int do_unsupported(struct req *r)
{
    return -ENOSYS;
}

static int (*const handlers[XS_TYPE_COUNT])(struct req *) = {
    [XS_CONTROL] = do_unsupported,
    [XS_DIRECTORY] = do_directory,
    [XS_READ] = do_read,
    [XS_GET_PERMS] = do_get_perms,
    [XS_WATCH] = do_watch,
    [XS_UNWATCH] = do_unwatch,
    [XS_TRANSACTION_START] = do_transaction_start,
    [XS_TRANSACTION_END] = do_transaction_end,
    [XS_INTRODUCE] = do_introduce,
    [XS_RELEASE] = do_release,
    [XS_GET_DOMAIN_PATH] = do_get_domain_path,
    [XS_WRITE] = do_write,
    [XS_MKDIR] = do_mkdir,
    [XS_RM] = do_rm,
    [XS_SET_PERMS] = do_set_perms,
    [XS_IS_DOMAIN_INTRODUCED] = do_is_domain_introduced,
    [XS_RESUME] = do_unsupported,
    [XS_SET_TARGET] = do_unsupported,
    [XS_RESET_WATCHES] = do_reset_watches,
    [XS_DIRECTORY_PART] = do_directory_part,
    /* XS_WATCH_EVENT and XS_ERROR only go out; 20 is unused: EINVAL */
};

static int dispatch(struct req *r)
{
    if (r->h.len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    if (r->h.type >= XS_TYPE_COUNT || !handlers[r->h.type])
        return -EINVAL;
    return handlers[r->h.type](r);
}

static void reply(struct req *r, int rc)
{
    struct xsd_sockmsg h = r->h;

    if (rc < 0) {
        const char *name = xs_error_name(rc);
        h.type = XS_ERROR;
        xs_queue(r->s, r->d, true, &h, name, strlen(name) + 1, NULL, 0);
        return;
    }
    xs_queue(r->s, r->d, true, &h, r->out, r->outlen, NULL, 0);
}

int xs_handle_message(struct xs_store *s, uint16_t domid, const void *msg, size_t len)
{
    struct req r = {.s = s, .d = xs_domain_active(s, domid)};
    int rc;

    if (!r.d)
        return -ESRCH;
    if (r.d->replies >= s->q.outstanding)
        return -EBUSY;
    if (len < sizeof(r.h))
        return -EINVAL;
    memcpy(&r.h, msg, sizeof(r.h));
    r.p = (const char *)msg + sizeof(r.h);
    r.len = (uint32_t)(len - sizeof(r.h));
    if (r.h.len <= XENSTORE_PAYLOAD_MAX && r.h.len != len - sizeof(r.h)) {
        reply(&r, -EINVAL);
        return -EINVAL;
    }
    r.out = malloc(XENSTORE_PAYLOAD_MAX);
    rc = r.out ? dispatch(&r) : -ENOMEM;
    reply(&r, rc);
    if (r.new_watch)
        xs_watch_fire_new(s, r.d, r.new_watch);
    free(r.out);
    return rc == -E2BIG && r.h.len > XENSTORE_PAYLOAD_MAX ? -E2BIG : 0;
}
