/*
 * bench_rings.c - the host-mode PV ring benchmark (./skiff bench rings):
 * Skiff's io/ring.h against Xen's io/ring.h, DPDK's rte_ring and ck_ring,
 * each as a front thread on CPU 0 and a back thread on CPU 1, with the
 * core-to-core cache-line ping-pong of that CPU pair as the floor.
 *
 *   bench_rings [--quick] [--reps N] [--out DIR]     the whole matrix
 *   bench_rings --single PEER BYTES BATCH SUPP N     one thread, for callgrind
 *   bench_rings --list                               peers built in
 *
 * See docs/benchmarks.md for the method.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define PEER_DECL(name)                              \
    extern const struct bench_peer peer_##name##_64; \
    extern const struct bench_peer peer_##name##_112;
PEER_DECL(skiff)
PEER_DECL(xen)
#ifdef HAVE_DPDK
PEER_DECL(dpdk)
#endif
#ifdef HAVE_CK
PEER_DECL(ck)
#endif

static const struct bench_peer *const peers[] = {
    &peer_skiff_64, &peer_skiff_112, &peer_xen_64, &peer_xen_112,
#ifdef HAVE_DPDK
    &peer_dpdk_64,  &peer_dpdk_112,
#endif
#ifdef HAVE_CK
    &peer_ck_64,    &peer_ck_112,
#endif
};
#define NPEERS (sizeof(peers) / sizeof(peers[0]))

static const unsigned int batches[] = {1, 8, 32, 64};
#define NBATCHES (sizeof(batches) / sizeof(batches[0]))

static double tsc_per_ns;
static int reps = 5;
static unsigned long stream_msgs[2] = {200000, 20000}; /* poll, block */
static unsigned long pingpong_msgs[2] = {20000, 4000};

/* ---- harness services ---- */

void bench_notify(struct bench_run *run, enum bench_side to)
{
    uint64_t one = 1;

    if (write(run->efd[to], &one, sizeof(one)) != sizeof(one))
        run->error = 1;
}

void bench_sleep(struct bench_run *run, enum bench_side who)
{
    uint64_t v;

    run->sleeps[who]++;
    if (read(run->efd[who], &v, sizeof(v)) != sizeof(v))
        run->error = 1;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void calibrate_tsc(void)
{
    double t0 = now_ns();
    uint64_t c0 = bench_ticks();

    while (now_ns() - t0 < 100e6)
        ;
    tsc_per_ns = (double)(bench_ticks() - c0) / (now_ns() - t0);
}

static int pin_to(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n values, which it sorts. */
static double quantile(double *v, size_t n, double q)
{
    size_t i;

    qsort(v, n, sizeof(*v), cmp_double);
    i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i];
}

/* ---- the floor: core-to-core cache-line ping-pong ---- */

static struct {
    _Alignas(64) atomic_ulong line;
    char pad[56];
} c2c;
static atomic_int c2c_ready;

#define C2C_ROUNDS 200000ul

static void *c2c_echo(void *arg)
{
    pin_to(1);
    atomic_store(&c2c_ready, 1);
    for (unsigned long i = 0; i < C2C_ROUNDS; i++) {
        while (atomic_load_explicit(&c2c.line, memory_order_acquire) != 2 * i + 1)
            bench_pause();
        atomic_store_explicit(&c2c.line, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

/* Median round trip of one cache line between CPU 0 and CPU 1, in ns. */
static double measure_c2c(double *p99)
{
    double *rtt = malloc(C2C_ROUNDS * sizeof(*rtt));
    pthread_t t;
    double med;

    atomic_store(&c2c.line, 0);
    atomic_store(&c2c_ready, 0);
    pthread_create(&t, NULL, c2c_echo, NULL);
    while (!atomic_load(&c2c_ready))
        bench_pause();
    for (unsigned long i = 0; i < C2C_ROUNDS; i++) {
        uint64_t t0 = bench_ticks();
        atomic_store_explicit(&c2c.line, 2 * i + 1, memory_order_release);
        while (atomic_load_explicit(&c2c.line, memory_order_acquire) != 2 * i + 2)
            bench_pause();
        rtt[i] = (double)(bench_ticks() - t0) / tsc_per_ns;
    }
    pthread_join(t, NULL);
    /* Skip the first tenth (warm-up). */
    *p99 = quantile(rtt + C2C_ROUNDS / 10, C2C_ROUNDS - C2C_ROUNDS / 10, 0.99);
    med = quantile(rtt + C2C_ROUNDS / 10, C2C_ROUNDS - C2C_ROUNDS / 10, 0.5);
    free(rtt);
    return med;
}

/* ---- one run: front here on CPU 0, back on CPU 1 ---- */

struct back_arg {
    const struct bench_peer *peer;
    struct bench_run *run;
    atomic_int ready;
};

static void *back_main(void *p)
{
    struct back_arg *a = p;

    pin_to(1);
    atomic_store(&a->ready, 1);
    a->peer->back_stream(a->run);
    return NULL;
}

/* Runs front `fn` against the back thread; wall-clock ns of the front. */
static double run_pair(const struct bench_peer *peer, struct bench_run *run,
                       void (*fn)(struct bench_run *))
{
    struct back_arg a = {peer, run, 0};
    pthread_t t;
    double t0, t1;

    run->efd[0] = eventfd(0, 0);
    run->efd[1] = eventfd(0, 0);
    peer->reset();
    pthread_create(&t, NULL, back_main, &a);
    while (!atomic_load(&a.ready))
        bench_pause();
    t0 = now_ns();
    fn(run);
    t1 = now_ns();
    pthread_join(t, NULL);
    close(run->efd[0]);
    close(run->efd[1]);
    if (run->error) {
        fprintf(stderr, "bench_rings: %s/%u: run reported an error\n", peer->name, peer->req_bytes);
        exit(1);
    }
    return t1 - t0;
}

/* ---- the matrix ---- */

static const char *wake_name[2] = {"poll", "block"};

struct stream_result {
    double ns_per_msg, mmsg_s, notif_per_1k, sleeps_per_1k;
};

static struct stream_result stream_config(const struct bench_peer *peer, unsigned int batch,
                                          enum bench_wake wake, int supp)
{
    double ns[16], notif[16], sleeps[16];
    struct stream_result r;

    for (int i = 0; i < reps; i++) {
        struct bench_run run = {
            .batch = batch, .messages = stream_msgs[wake], .wake = wake, .suppress = supp};
        double t = run_pair(peer, &run, peer->front_stream);
        ns[i] = t / (double)run.messages;
        notif[i] = 1000.0 * (double)(run.notifies[0] + run.notifies[1]) / (double)run.messages;
        sleeps[i] = 1000.0 * (double)(run.sleeps[0] + run.sleeps[1]) / (double)run.messages;
    }
    r.ns_per_msg = quantile(ns, (size_t)reps, 0.5);
    r.mmsg_s = 1e3 / r.ns_per_msg;
    r.notif_per_1k = quantile(notif, (size_t)reps, 0.5);
    r.sleeps_per_1k = quantile(sleeps, (size_t)reps, 0.5);
    return r;
}

/* Ping-pong with one request outstanding: median and p99 round trip (ns). */
static void pingpong_config(const struct bench_peer *peer, enum bench_wake wake, int supp,
                            double *med, double *p99)
{
    unsigned long m = pingpong_msgs[wake], n = 0;
    int r = reps < 3 ? reps : 3;
    double *all = malloc(sizeof(*all) * m * (unsigned long)r);
    uint64_t *ticks = malloc(sizeof(*ticks) * m);

    for (int i = 0; i < r; i++) {
        struct bench_run run = {
            .batch = 1, .messages = m, .wake = wake, .suppress = supp, .lat_ticks = ticks};
        run_pair(peer, &run, peer->front_pingpong);
        for (unsigned long j = m / 10; j < m; j++) /* skip warm-up */
            all[n++] = (double)ticks[j] / tsc_per_ns;
    }
    *p99 = quantile(all, n, 0.99);
    *med = quantile(all, n, 0.5);
    free(all);
    free(ticks);
}

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fprintf(f, "%s\n", header);
    return f;
}

/* Best ns/msg per (bytes, batch, wake, supp) for the summary. */
struct best {
    double skiff, peer;
    const char *peer_name;
};
static struct best best[2][NBATCHES][2][2];

static void note_best(const struct bench_peer *p, unsigned int bi, int wake, int supp, double ns)
{
    struct best *b = &best[p->req_bytes == 112][bi][wake][supp];

    if (strcmp(p->name, "skiff") == 0) {
        b->skiff = ns;
    } else if (b->peer == 0 || ns < b->peer) {
        b->peer = ns;
        b->peer_name = p->name;
    }
}

static void run_streams(const char *out)
{
    FILE *csv = open_csv(out, "rings_stream.csv",
                         "peer,req_bytes,batch,suppression,wake,ns_per_msg,mmsg_per_s,"
                         "notifications_per_1k,sleeps_per_1k,messages,reps");

    printf("\nStreaming: %d reps each, median; window %d in flight; a message is a request "
           "and its response\n",
           reps, BENCH_WINDOW);
    printf("%-6s %5s %5s %5s %5s %10s %9s %11s %10s\n", "peer", "bytes", "batch", "supp", "wake",
           "Mmsg/s", "ns/msg", "notif/1000", "sleep/1000");
    for (int wake = 0; wake < 2; wake++)
        for (size_t pi = 0; pi < NPEERS; pi++)
            for (unsigned int bi = 0; bi < NBATCHES; bi++)
                for (int supp = 0; supp <= peers[pi]->has_suppression; supp++) {
                    const struct bench_peer *p = peers[pi];
                    struct stream_result r = stream_config(p, batches[bi], wake, supp);
                    const char *s = p->has_suppression ? (supp ? "on" : "off") : "n/a";
                    printf("%-6s %5u %5u %5s %5s %10.2f %9.2f %11.1f %10.1f\n", p->name,
                           p->req_bytes, batches[bi], s, wake_name[wake], r.mmsg_s, r.ns_per_msg,
                           r.notif_per_1k, r.sleeps_per_1k);
                    fflush(stdout);
                    fprintf(csv, "%s,%u,%u,%s,%s,%.3f,%.3f,%.2f,%.2f,%lu,%d\n", p->name,
                            p->req_bytes, batches[bi], s, wake_name[wake], r.ns_per_msg, r.mmsg_s,
                            r.notif_per_1k, r.sleeps_per_1k, stream_msgs[wake], reps);
                    note_best(p, bi, wake, supp, r.ns_per_msg);
                    if (!p->has_suppression) /* compare with both Skiff variants */
                        note_best(p, bi, wake, 1, r.ns_per_msg);
                }
    fclose(csv);
}

static double skiff_pingpong_poll;

static void run_pingpongs(const char *out)
{
    FILE *csv = open_csv(out, "rings_latency.csv",
                         "peer,req_bytes,suppression,wake,median_ns,p99_ns,round_trips");

    printf("\nPing-pong: one request outstanding, round trip in ns (median and p99 of "
           "%d reps)\n",
           reps < 3 ? reps : 3);
    printf("%-6s %5s %5s %5s %10s %10s\n", "peer", "bytes", "supp", "wake", "median", "p99");
    for (int wake = 0; wake < 2; wake++)
        for (size_t pi = 0; pi < NPEERS; pi++)
            for (int supp = 0; supp <= peers[pi]->has_suppression; supp++) {
                const struct bench_peer *p = peers[pi];
                const char *s = p->has_suppression ? (supp ? "on" : "off") : "n/a";
                double med, p99;
                pingpong_config(p, wake, supp, &med, &p99);
                printf("%-6s %5u %5s %5s %10.1f %10.1f\n", p->name, p->req_bytes, s,
                       wake_name[wake], med, p99);
                fflush(stdout);
                fprintf(csv, "%s,%u,%s,%s,%.1f,%.1f,%lu\n", p->name, p->req_bytes, s,
                        wake_name[wake], med, p99, pingpong_msgs[wake]);
                if (wake == WAKE_POLL && supp && p->req_bytes == 64 &&
                    strcmp(p->name, "skiff") == 0)
                    skiff_pingpong_poll = med;
            }
    fclose(csv);
}

static void summary(double c2c_rtt)
{
    int met = 0, total = 0;

    printf("\nSummary: Skiff ns/msg against the best peer at the same bytes, batch, wake "
           "(suppression on: Xen with it and the peers without)\n");
    for (int by = 0; by < 2; by++)
        for (int wake = 0; wake < 2; wake++)
            for (unsigned int bi = 0; bi < NBATCHES; bi++)
                for (int supp = 0; supp < 2; supp++) {
                    struct best *b = &best[by][bi][wake][supp];
                    if (b->peer == 0)
                        continue;
                    total++;
                    met += b->skiff <= b->peer;
                    printf("  %3d B batch %2u %-5s supp %-3s: skiff %7.2f  best %-5s %7.2f  "
                           "ratio %.2f%s\n",
                           by ? 112 : 64, batches[bi], wake_name[wake], supp ? "on" : "off",
                           b->skiff, b->peer_name, b->peer, b->skiff / b->peer,
                           b->skiff <= b->peer ? "" : "  (above)");
                }
    printf("  at or below the best peer in %d of %d configurations\n", met, total);
    printf("  ping-pong (64 B, poll, suppression on): %.1f ns = %.2f x the core-to-core round "
           "trip %.1f ns (target <= 1.20)\n",
           skiff_pingpong_poll, skiff_pingpong_poll / c2c_rtt, c2c_rtt);
}

static int run_matrix(const char *out)
{
    double c2c_p99, c2c_rtt;

    if (pin_to(0) != 0)
        fprintf(stderr, "bench_rings: cannot pin to CPU 0; figures are unpinned\n");
    calibrate_tsc();
    printf("TSC %.3f GHz; peers:", tsc_per_ns);
    for (size_t i = 0; i < NPEERS; i += 2)
        printf(" %s", peers[i]->name);
    printf("\n");
    c2c_rtt = measure_c2c(&c2c_p99);
    printf("Floor: core-to-core cache-line round trip CPU0<->CPU1: median %.1f ns, p99 %.1f ns "
           "(one way %.1f ns)\n",
           c2c_rtt, c2c_p99, c2c_rtt / 2);
    FILE *f = open_csv(out, "rings_floor.csv", "what,median_ns,p99_ns");
    fprintf(f, "core_to_core_round_trip,%.1f,%.1f\n", c2c_rtt, c2c_p99);
    fclose(f);
    run_streams(out);
    run_pingpongs(out);
    summary(c2c_rtt);
    return 0;
}

/* --single PEER BYTES BATCH SUPP N: both ends in this thread (for callgrind). */
static int run_single(char **argv)
{
    struct bench_run run = {.batch = (unsigned int)atoi(argv[2]),
                            .messages = strtoul(argv[4], NULL, 0),
                            .suppress = atoi(argv[3])};
    unsigned int bytes = (unsigned int)atoi(argv[1]);

    for (size_t i = 0; i < NPEERS; i++) {
        if (strcmp(peers[i]->name, argv[0]) != 0 || peers[i]->req_bytes != bytes)
            continue;
        if (run.batch < 1 || run.batch > BENCH_WINDOW)
            return 2;
        peers[i]->reset();
        peers[i]->single_thread(&run);
        return run.error ? 1 : 0;
    }
    fprintf(stderr, "bench_rings: no peer %s/%u\n", argv[0], bytes);
    return 2;
}

int main(int argc, char **argv)
{
    const char *out = ".";

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--single") == 0 && argc - i == 6)
            return run_single(argv + i + 1);
        if (strcmp(argv[i], "--list") == 0) {
            for (size_t p = 0; p < NPEERS; p += 2)
                printf("%s\n", peers[p]->name);
            return 0;
        }
        if (strcmp(argv[i], "--quick") == 0) {
            stream_msgs[0] /= 10, stream_msgs[1] /= 10;
            pingpong_msgs[0] /= 10, pingpong_msgs[1] /= 10;
            reps = 3;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
            if (reps < 1 || reps > 16)
                reps = 5;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_rings [--quick] [--reps N] [--out DIR] | --list | "
                            "--single PEER BYTES BATCH SUPP N\n");
            return 2;
        }
    }
    return run_matrix(out);
}
