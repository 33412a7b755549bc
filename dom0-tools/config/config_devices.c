/*
 * config_devices.c - the device specs inside disk=[...] and vif=[...]:
 * xl's disk spec (key=value parameters, the positional form
 * "target,format,vdev,access", flags, and target= taking the rest) and vif
 * spec (mac=, bridge=, ip=), each checked into a struct config_disk or
 * struct config_vif. Keys xl knows but Skiff ignores give a warning.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A piece of the spec: not NUL-terminated. */
struct slice {
    const char *s;
    size_t n;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static struct slice trim(const char *s, size_t n)
{
    while (n && is_blank(*s))
        s++, n--;
    while (n && is_blank(s[n - 1]))
        n--;
    return (struct slice){s, n};
}

static bool slice_is(struct slice x, const char *word)
{
    return strlen(word) == x.n && memcmp(x.s, word, x.n) == 0;
}

static bool slice_in(struct slice x, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (slice_is(x, words[i]))
            return true;
    return false;
}

/* The slice as a NUL-terminated, printable string for a message. */
static const char *slice_quote(char buf[CFG_QUOTE_MAX + 4], struct slice x)
{
    char tmp[CFG_QUOTE_MAX + 1];
    size_t n = x.n < CFG_QUOTE_MAX ? x.n : CFG_QUOTE_MAX;

    memcpy(tmp, x.s, n);
    tmp[n] = '\0';
    cfg_quote(buf, tmp);
    if (x.n > n && n + 3 < CFG_QUOTE_MAX + 4)
        memcpy(buf + n, "...", 4);
    return buf;
}

/* Copies x into dst[size] as a string; an error if it does not fit. */
static int slice_copy(struct cfg_parser *ps, unsigned int line, const char *what, char *dst,
                      size_t size, struct slice x)
{
    if (x.n >= size)
        return cfg_error(ps, line, -E2BIG, "%s: longer than %zu bytes", what, size - 1);
    memcpy(dst, x.s, x.n);
    dst[x.n] = '\0';
    return 0;
}

/* Splits "key=value" (trimmed) at the first '='; false without one. */
static bool split_kv(struct slice param, struct slice *key, struct slice *val)
{
    const char *eq = memchr(param.s, '=', param.n);

    if (!eq)
        return false;
    *key = trim(param.s, (size_t)(eq - param.s));
    *val = trim(eq + 1, param.n - (size_t)(eq - param.s) - 1);
    return true;
}

/* ---- disks ---- */

enum { D_TARGET, D_FORMAT, D_VDEV, D_ACCESS, D_NR };

static const char *const disk_param_names[D_NR] = {"target", "format", "vdev", "access"};

struct disk_spec {
    struct cfg_parser *ps;
    unsigned int line, index;
    struct slice val[D_NR];
    bool set[D_NR];
    unsigned int next_positional;
};

static int disk_set(struct disk_spec *d, int which, struct slice val)
{
    if (d->set[which])
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: '%s' given twice", d->index,
                         disk_param_names[which]);
    d->set[which] = true;
    d->val[which] = val;
    return 0;
}

/* A parameter without '=': a flag, or the next unset positional parameter. */
static int disk_word(struct disk_spec *d, struct slice w)
{
    static const char *const ignored[] = {"discard", "no-discard", "direct-io-safe", "trusted",
                                          "untrusted"};
    char q[CFG_QUOTE_MAX + 4];

    if (slice_is(w, "cdrom"))
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: cdrom is not supported", d->index);
    if (slice_in(w, ignored, ARRAY_SIZE(ignored))) {
        cfg_warn(d->ps, d->line, "disk %u: '%s' is not supported by Skiff, ignored", d->index,
                 slice_quote(q, w));
        return 0;
    }
    while (d->next_positional < D_NR && d->set[d->next_positional])
        d->next_positional++;
    if (d->next_positional >= D_NR)
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: too many positional parameters at '%s'",
                         d->index, slice_quote(q, w));
    return disk_set(d, (int)d->next_positional++, w);
}

static int disk_keyword(struct disk_spec *d, struct slice key, struct slice val)
{
    static const char *const ignored[] = {"backend",   "backendtype", "script",      "colo-host",
                                          "colo-port", "colo-export", "active-disk", "hidden-disk"};
    char q[CFG_QUOTE_MAX + 4];

    for (int i = D_FORMAT; i < D_NR; i++)
        if (slice_is(key, disk_param_names[i]))
            return disk_set(d, i, val);
    if (slice_is(key, "devtype")) {
        if (slice_is(val, "disk"))
            return 0;
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: devtype '%s' is not supported",
                         d->index, slice_quote(q, val));
    }
    if (slice_in(key, ignored, ARRAY_SIZE(ignored))) {
        cfg_warn(d->ps, d->line, "disk %u: '%s' is not supported by Skiff, ignored", d->index,
                 slice_quote(q, key));
        return 0;
    }
    return cfg_error(d->ps, d->line, -EINVAL, "disk %u: unknown key '%s'", d->index,
                     slice_quote(q, key));
}

/* Splits the spec at commas; "target=" takes the rest, commas and all. */
static int disk_split(struct disk_spec *d, const char *spec)
{
    const char *p = spec;
    int rc;

    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p)
            return 0;
        if (strncmp(p, "target=", 7) == 0)
            return disk_set(d, D_TARGET, (struct slice){p + 7, strlen(p + 7)});
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        struct slice param = trim(p, n), key, val;
        if (split_kv(param, &key, &val))
            rc = disk_keyword(d, key, val);
        else
            rc = disk_word(d, param);
        if (rc)
            return rc;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static bool lower_letters(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < 'a' || *s > 'z')
            return false;
    return true;
}

/* xvd*, hd* or sd* with lower-case letters; unique among the disks so far. */
static int disk_check_vdev(struct disk_spec *d, const char *vdev)
{
    const struct domain_config *cfg = d->ps->cfg;
    char q[CFG_QUOTE_MAX + 4];

    bool ok =
        (strncmp(vdev, "xvd", 3) == 0 && lower_letters(vdev + 3)) ||
        ((strncmp(vdev, "hd", 2) == 0 || strncmp(vdev, "sd", 2) == 0) && lower_letters(vdev + 2));
    if (!ok)
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: bad vdev '%s' (xvdX, hdX or sdX)",
                         d->index, cfg_quote(q, vdev));
    for (unsigned int i = 0; i < cfg->nr_disks; i++)
        if (strcmp(cfg->disks[i].vdev, vdev) == 0)
            return cfg_error(d->ps, d->line, -EINVAL, "disk %u: vdev '%s' is used twice", d->index,
                             vdev);
    return 0;
}

static int disk_check_format_access(struct disk_spec *d, struct config_disk *out)
{
    struct slice f = d->val[D_FORMAT], a = d->val[D_ACCESS];
    char q[CFG_QUOTE_MAX + 4];

    if (f.n && !slice_is(f, "raw"))
        return cfg_error(d->ps, d->line, -EINVAL,
                         "disk %u: format '%s' is not supported (raw only)", d->index,
                         slice_quote(q, f));
    out->format = CONFIG_DISK_RAW;
    if (slice_is(a, "ro") || slice_is(a, "r"))
        out->readonly = true;
    else if (a.n && !slice_is(a, "rw") && !slice_is(a, "w"))
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: bad access '%s' (ro or rw)", d->index,
                         slice_quote(q, a));
    return 0;
}

/* The deprecated "phy:/dev/x", "file:img" targets are refused with a hint. */
static bool deprecated_prefix(struct slice target)
{
    static const char *const prefixes[] = {"phy", "file", "tap",   "tap2", "aio",
                                           "raw", "qcow", "qcow2", "vhd"};
    const char *colon = memchr(target.s, ':', target.n);

    return colon && slice_in((struct slice){target.s, (size_t)(colon - target.s)}, prefixes,
                             ARRAY_SIZE(prefixes));
}

static int disk_fill(struct disk_spec *d, struct config_disk *out)
{
    char what[32];
    int rc;

    if (!d->val[D_TARGET].n)
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: no target", d->index);
    if (deprecated_prefix(d->val[D_TARGET]))
        return cfg_error(d->ps, d->line, -EINVAL,
                         "disk %u: the deprecated 'prefix:target' form is not supported", d->index);
    if (!d->val[D_VDEV].n)
        return cfg_error(d->ps, d->line, -EINVAL, "disk %u: no vdev", d->index);
    snprintf(what, sizeof(what), "disk %u: target", d->index);
    if ((rc = slice_copy(d->ps, d->line, what, out->target, sizeof(out->target), d->val[D_TARGET])))
        return rc;
    snprintf(what, sizeof(what), "disk %u: vdev", d->index);
    if ((rc = slice_copy(d->ps, d->line, what, out->vdev, sizeof(out->vdev), d->val[D_VDEV])) ||
        (rc = disk_check_vdev(d, out->vdev)))
        return rc;
    return disk_check_format_access(d, out);
}

int cfg_parse_disk(struct cfg_parser *ps, unsigned int line, unsigned int index, const char *spec,
                   struct config_disk *d)
{
    struct disk_spec ds = {.ps = ps, .line = line, .index = index};
    int rc;

    memset(d, 0, sizeof(*d));
    d->line = line;
    rc = disk_split(&ds, spec);
    if (rc == 0)
        rc = disk_fill(&ds, d);
    return rc;
}

/* ---- vifs ---- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Exactly six two-digit hex octets separated by colons. */
static bool parse_mac(struct slice x, uint8_t mac[6])
{
    if (x.n != 17)
        return false;
    for (size_t i = 0; i < 6; i++) {
        const char *o = x.s + 3 * i;
        int hi = hex_digit(o[0]), lo = hex_digit(o[1]);
        if (hi < 0 || lo < 0 || (i < 5 && o[2] != ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* One IPv4 address a.b.c.d, each part 1..3 digits and at most 255. */
static bool valid_ipv4(struct slice x)
{
    unsigned int parts = 0, digits = 0, v = 0;

    for (size_t i = 0; i <= x.n; i++) {
        if (i == x.n || x.s[i] == '.') {
            if (!digits || v > 255 || ++parts > 4)
                return false;
            digits = v = 0;
        } else if (x.s[i] >= '0' && x.s[i] <= '9' && digits < 3) {
            v = v * 10 + (unsigned int)(x.s[i] - '0');
            digits++;
        } else {
            return false;
        }
    }
    return parts == 4;
}

static bool valid_bridge(struct slice x)
{
    if (!x.n || x.n >= CONFIG_BRIDGE_MAX)
        return false;
    for (size_t i = 0; i < x.n; i++) {
        char c = x.s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

struct vif_spec {
    struct cfg_parser *ps;
    unsigned int line, index;
    struct config_vif *out;
    bool has_bridge, has_ip;
};

static int vif_mac(struct vif_spec *v, struct slice val)
{
    const struct domain_config *cfg = v->ps->cfg;
    char q[CFG_QUOTE_MAX + 4];

    if (v->out->has_mac)
        return cfg_error(v->ps, v->line, -EINVAL, "vif %u: 'mac' given twice", v->index);
    if (!parse_mac(val, v->out->mac))
        return cfg_error(v->ps, v->line, -EINVAL, "vif %u: bad mac '%s' (xx:xx:xx:xx:xx:xx)",
                         v->index, slice_quote(q, val));
    if (v->out->mac[0] & 1)
        return cfg_error(v->ps, v->line, -EINVAL, "vif %u: mac '%s' is a multicast address",
                         v->index, slice_quote(q, val));
    for (unsigned int i = 0; i < cfg->nr_vifs; i++)
        if (cfg->vifs[i].has_mac && memcmp(cfg->vifs[i].mac, v->out->mac, 6) == 0)
            return cfg_error(v->ps, v->line, -EINVAL, "vif %u: mac '%s' is used twice", v->index,
                             slice_quote(q, val));
    v->out->has_mac = true;
    return 0;
}

static int vif_text(struct vif_spec *v, const char *key, bool *seen, bool ok, struct slice val,
                    char *dst, size_t size)
{
    char q[CFG_QUOTE_MAX + 4];

    if (*seen)
        return cfg_error(v->ps, v->line, -EINVAL, "vif %u: '%s' given twice", v->index, key);
    if (!ok)
        return cfg_error(v->ps, v->line, -EINVAL, "vif %u: bad %s '%s'", v->index, key,
                         slice_quote(q, val));
    *seen = true;
    return slice_copy(v->ps, v->line, key, dst, size, val);
}

static int vif_param(struct vif_spec *v, struct slice param)
{
    static const char *const ignored[] = {"type", "vifname", "script",     "model",
                                          "rate", "backend", "gatewaydev", "devid",
                                          "mtu",  "trusted", "untrusted"};
    struct slice key, val;
    char q[CFG_QUOTE_MAX + 4];

    if (!split_kv(param, &key, &val))
        return cfg_error(v->ps, v->line, -EINVAL, "vif %u: '%s' is not key=value", v->index,
                         slice_quote(q, param));
    if (slice_is(key, "mac"))
        return vif_mac(v, val);
    if (slice_is(key, "bridge"))
        return vif_text(v, "bridge", &v->has_bridge, valid_bridge(val), val, v->out->bridge,
                        sizeof(v->out->bridge));
    if (slice_is(key, "ip"))
        return vif_text(v, "ip", &v->has_ip, valid_ipv4(val), val, v->out->ip, sizeof(v->out->ip));
    if (slice_in(key, ignored, ARRAY_SIZE(ignored))) {
        cfg_warn(v->ps, v->line, "vif %u: '%s' is not supported by Skiff, ignored", v->index,
                 slice_quote(q, key));
        return 0;
    }
    return cfg_error(v->ps, v->line, -EINVAL, "vif %u: unknown key '%s'", v->index,
                     slice_quote(q, key));
}

int cfg_parse_vif(struct cfg_parser *ps, unsigned int line, unsigned int index, const char *spec,
                  struct config_vif *out)
{
    struct vif_spec v = {.ps = ps, .line = line, .index = index, .out = out};
    const char *p = spec;

    memset(out, 0, sizeof(*out));
    out->line = line;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        struct slice param = trim(p, n);
        if (param.n) {
            int rc = vif_param(&v, param);
            if (rc)
                return rc;
        }
        if (!comma)
            return 0;
        p = comma + 1;
    }
}
