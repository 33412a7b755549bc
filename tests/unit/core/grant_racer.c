/*
 * grant_racer.c - the granter thread of grant_racer.h.
 */
#include <pthread.h>

#include "grant_racer.h"

static struct {
    uint32_t *word;
    uint32_t value[2], keep;
    bool polite;
    int stop;
    unsigned long writes;
    pthread_t thread;
} racer;

static void *run(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&racer.stop, __ATOMIC_ACQUIRE)) {
        uint32_t v = racer.value[racer.writes & 1];
        if (racer.polite) {
            uint32_t old = __atomic_load_n(racer.word, __ATOMIC_ACQUIRE);
            __atomic_compare_exchange_n(racer.word, &old, v | (old & racer.keep), false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        } else {
            __atomic_store_n(racer.word, v, __ATOMIC_RELEASE);
        }
        __atomic_store_n(&racer.writes, racer.writes + 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

int grant_racer_start(uint32_t *word, uint32_t a, uint32_t b, bool polite, uint32_t keep_mask)
{
    racer.word = word;
    racer.value[0] = a;
    racer.value[1] = b;
    racer.polite = polite;
    racer.keep = keep_mask;
    racer.stop = 0;
    racer.writes = 0;
    return pthread_create(&racer.thread, NULL, run, NULL);
}

unsigned long grant_racer_writes(void)
{
    return __atomic_load_n(&racer.writes, __ATOMIC_RELAXED);
}

unsigned long grant_racer_stop(void)
{
    __atomic_store_n(&racer.stop, 1, __ATOMIC_RELEASE);
    pthread_join(racer.thread, NULL);
    return racer.writes;
}
