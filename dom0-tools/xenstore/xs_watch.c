/*
 * xs_watch.c - watches: registration (with the event xenstored sends at
 * once), removal, and firing on a changed or removed node for every watch
 * on it, above it, or (for removals) below it; plus the special watches
 * @introduceDomain and @releaseDomain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    if (p)
        memcpy(p, s, n);
    return p;
}

/* The path an event for w reports: relative to the domain's home if w was. */
static const char *event_path(const struct xs_domain *d, const struct xs_watch *w, const char *path)
{
    char home[32];
    size_t n;

    if (!w->relative)
        return path;
    n = (size_t)snprintf(home, sizeof(home), "/local/domain/%u/", d->domid);
    return strncmp(path, home, n) == 0 ? path + n : path;
}

static void send_event(struct xs_store *s, struct xs_domain *d, const struct xs_watch *w,
                       const char *path)
{
    struct xsd_sockmsg h = {.type = XS_WATCH_EVENT};
    const char *p = event_path(d, w, path);

    xs_queue(s, d, false, &h, p, strlen(p) + 1, w->token, strlen(w->token) + 1);
}

/* What a watch costs against the memory quota. */
static size_t watch_cost(const struct xs_watch *w)
{
    return sizeof(*w) + strlen(w->path) + 1 + strlen(w->token) + 1;
}

static void watch_free(struct xs_domain *d, struct xs_watch *w)
{
    d->nwatches--;
    d->mem_watches -= watch_cost(w);
    free(w->path);
    free(w->token);
    free(w);
}

static struct xs_watch *find(struct xs_domain *d, const char *path, const char *token)
{
    struct xs_watch *w = d->watches;

    while (w && (strcmp(w->path, path) != 0 || strcmp(w->token, token) != 0))
        w = w->next;
    return w;
}

/* The absolute form of a watch path ("@..." names stay as they are). */
static int watch_path(uint16_t domid, const char *path, char **out)
{
    if (path[0] != '@')
        return xs_path_canon(domid, path, out);
    if (!xs_path_is_special(path))
        return -EINVAL;
    *out = dup_str(path);
    return *out ? 0 : -ENOMEM;
}

int xs_watch_add(struct xs_store *s, struct xs_domain *d, const char *path, const char *token,
                 struct xs_watch **out)
{
    struct xs_watch *w;
    char *abs;
    int rc;

    if (strnlen(token, XENSTORE_PAYLOAD_MAX) >= XENSTORE_PAYLOAD_MAX)
        return -EINVAL;
    rc = watch_path(d->domid, path, &abs);
    if (rc < 0)
        return rc;
    rc = -EEXIST;
    if (find(d, abs, token))
        goto err;
    rc = -E2BIG;
    if (!xs_privileged(d->domid) && d->nwatches >= s->q.watches)
        goto err;
    rc = -ENOMEM;
    w = calloc(1, sizeof(*w));
    if (!w || !(w->token = dup_str(token))) {
        free(w);
        goto err;
    }
    w->path = abs;
    if (!xs_privileged(d->domid) && xs_domain_mem(d) + watch_cost(w) > s->q.memory) {
        free(w->token);
        free(w);
        goto err; /* rc is -ENOMEM */
    }
    w->relative = path[0] != '/' && path[0] != '@';
    w->next = d->watches;
    d->watches = w;
    d->nwatches++;
    d->mem_watches += watch_cost(w);
    *out = w;
    return 0;
err:
    free(abs);
    return rc;
}

/* A new watch fires once at once, with the path as it was given. */
void xs_watch_fire_new(struct xs_store *s, struct xs_domain *d, const struct xs_watch *w)
{
    send_event(s, d, w, w->path);
}

int xs_watch_del(struct xs_store *s, struct xs_domain *d, const char *path, const char *token)
{
    struct xs_watch **pp, *w;
    char *abs;
    int rc = watch_path(d->domid, path, &abs);

    if (rc < 0)
        return rc;
    for (pp = &d->watches; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->path, abs) == 0 && strcmp((*pp)->token, token) == 0)
            break;
    }
    free(abs);
    if (!*pp)
        return -ENOENT;
    w = *pp;
    *pp = w->next;
    watch_free(d, w);
    return 0;
}

void xs_watch_free_all(struct xs_domain *d)
{
    while (d->watches) {
        struct xs_watch *w = d->watches;
        d->watches = w->next;
        watch_free(d, w);
    }
}

/* The path w's event reports for a change at path, or NULL if w does not fire. */
static const char *matches(const struct xs_watch *w, const char *path, enum xs_fire how)
{
    if (w->path[0] == '@')
        return NULL;
    if (xs_path_is_under(path, w->path))
        return path;
    if (how == XS_FIRE_REMOVED && xs_path_is_under(w->path, path))
        return w->path; /* a watch inside a removed subtree */
    return NULL;
}

void xs_watch_fire(struct xs_store *s, const char *path, const struct xs_data *data,
                   enum xs_fire how)
{
    for (struct xs_domain *d = s->domains; d; d = d->next) {
        if (!d->introduced || !(xs_perm_of(data, d->domid) & XS_PERM_READ))
            continue;
        for (struct xs_watch *w = d->watches; w; w = w->next) {
            const char *p = matches(w, path, how);
            if (p)
                send_event(s, d, w, p);
        }
    }
}

void xs_watch_fire_special(struct xs_store *s, const char *name)
{
    for (struct xs_domain *d = s->domains; d; d = d->next) {
        for (struct xs_watch *w = d->watches; d->introduced && w; w = w->next) {
            if (strcmp(w->path, name) == 0)
                send_event(s, d, w, name);
        }
    }
}

int xs_watch(struct xs_store *s, uint16_t domid, const char *path, const char *token)
{
    struct xs_domain *d = xs_domain_active(s, domid);
    struct xs_watch *w;
    int rc = d ? xs_watch_add(s, d, path, token, &w) : -ESRCH;

    if (rc == 0)
        xs_watch_fire_new(s, d, w);
    return rc;
}

int xs_unwatch(struct xs_store *s, uint16_t domid, const char *path, const char *token)
{
    struct xs_domain *d = xs_domain_active(s, domid);

    return d ? xs_watch_del(s, d, path, token) : -ESRCH;
}
