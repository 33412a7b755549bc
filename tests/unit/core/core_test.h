/*
 * core_test.h - helpers shared by the hypervisor core unit tests: the fake
 * machine fixture, catching machine exits (panics), a domain factory, direct
 * access to guest RAM that bypasses the checked helpers, a tiny ELF64 image
 * builder and a seeded random number generator.
 */
#ifndef SKIFF_TESTS_CORE_TEST_H
#define SKIFF_TESTS_CORE_TEST_H

#include <check.h>
#include <elf.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <arch/fake.h>
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/exit.h>
#include <skiff/types.h>

/* ---- the fake machine ---- */

#define CORE_MEM_BYTES (64ul << 20)

/* Size of the fake machine core_setup() makes; a test's main() may lower it. */
extern size_t core_machine_bytes;

/* Checked fixture: fresh fake machine memory, empty console, no exit catcher. */
void core_setup(void);
void core_teardown(void);

/*
 * Runs every test of s, each in its own forked process (Check's default, which
 * the fixtures rely on: the core keeps global state); returns the exit status.
 */
int core_run_suite(Suite *s);

/* ---- catching arch_machine_exit / arch_vcpu_run ---- */

#define CORE_NO_EXIT (-1)

/*
 * Runs stmt; result becomes CORE_NO_EXIT if it returned, the exit code if it
 * stopped the machine, or FAKE_RUN_VCPU if it entered a vCPU. Locals changed
 * inside stmt and read afterwards must be volatile (setjmp rules).
 */
#define CORE_CATCH_EXIT(result, stmt)       \
    do {                                    \
        jmp_buf core_jb_;                   \
        fake_exit_code = FAKE_RUN_VCPU;     \
        fake_exit_jmp = &core_jb_;          \
        if (setjmp(core_jb_) == 0) {        \
            stmt;                           \
            (result) = CORE_NO_EXIT;        \
        } else {                            \
            (result) = (int)fake_exit_code; \
        }                                   \
        fake_exit_jmp = NULL;               \
    } while (0)

/* Asserts that stmt panics the hypervisor (EXIT_HV_PANIC and a PANIC line). */
#define CORE_EXPECT_PANIC(stmt)                                                        \
    do {                                                                               \
        int core_exit_;                                                                \
        CORE_CATCH_EXIT(core_exit_, stmt);                                             \
        ck_assert_msg(core_exit_ == EXIT_HV_PANIC, "%s: exit %d, want a panic", #stmt, \
                      core_exit_);                                                     \
        ck_assert_ptr_nonnull(strstr(fake_console_output(), "PANIC"));                 \
    } while (0)

/*
 * An assertion for tight loops: Check's ck_assert_* report every passing
 * check to the parent process through a pipe, which is slow by the million.
 */
#define CORE_CHECK(cond, ...)          \
    do {                               \
        if (!(cond))                   \
            ck_abort_msg(__VA_ARGS__); \
    } while (0)

/* Asserts that the console output contains s. */
#define CORE_ASSERT_CONSOLE_HAS(s)                                                              \
    ck_assert_msg(strstr(fake_console_output(), (s)) != NULL, "console lacks \"%s\":\n%s", (s), \
                  fake_console_output())

/* ---- domains and their RAM ---- */

/* A RUNNING domain with nr_pages of RAM; fails the test if it cannot be made. */
/* domain_create() with default settings (weight, ports, a small grant window). */
struct domain *core_create(domid_t domid, const char *name, bool privileged);
struct domain *core_domain(domid_t domid, bool privileged, uint64_t nr_pages, bool contiguous);

/* Hypervisor pointer to the frame behind gfn (1 <= gfn < nr_pages), whatever its perms. */
uint8_t *core_guest_page(const struct domain *d, uint64_t gfn);

/* Raw reads and writes of guest RAM, page by page, ignoring permissions. */
void core_guest_read(const struct domain *d, uint64_t gpa, void *buf, size_t len);
void core_guest_write(const struct domain *d, uint64_t gpa, const void *buf, size_t len);
void core_guest_fill(const struct domain *d, uint64_t gpa, int byte, size_t len);

/* A malloc'd copy of pages [1, nr_pages) (page 0 reads as zero). */
uint8_t *core_guest_snapshot(const struct domain *d);
/* Asserts guest RAM still equals a snapshot (what says which call changed it). */
void core_assert_guest_unchanged(const struct domain *d, const uint8_t *snap, const char *what);

/* Frames taken out of hv_frames (to fill the pool or fragment it) and put back. */
struct core_hoard {
    uint64_t nr;
    mfn_t *frames;
};
/* Allocates single frames until only `leave` are free. */
void core_hoard_until(struct core_hoard *h, uint64_t leave);
/* Frees every hoarded frame. */
void core_hoard_release(struct core_hoard *h);

/* ---- boot modules in fake machine memory ---- */

struct boot_info;

/*
 * Copies bytes into freshly allocated machine frames and appends them to bi
 * as the next boot module (as a boot loader would have placed them).
 */
void core_add_module(struct boot_info *bi, const void *bytes, size_t size, const char *cmdline);
/* Frees the frames of every module core_add_module() placed. */
void core_free_modules(struct boot_info *bi);
/* A boot_info whose module 0 is te_default_spec(base, note) and dom0_mem=8M. */
void core_dom0_boot_info(struct boot_info *bi, uint64_t base, bool note);

/* ---- a tiny ELF64 builder ---- */

#define TE_MAX_PH   72
#define TE_INLINE   96
#define TE_IMG_SIZE (64 * 1024)

struct te_seg {
    uint32_t type, flags; /* PT_*, PF_* */
    uint64_t vaddr, filesz, memsz;
    size_t data_len;         /* > 0: file bytes are data[] (filesz is set to it) */
    uint8_t data[TE_INLINE]; /* otherwise te_pattern(seg, i) */
};

struct te_spec {
    uint64_t entry;
    unsigned int nr;
    struct te_seg seg[TE_MAX_PH];
};

/* Limits that fit te_default_spec(base) with base in [0x100000, 0x400000). */
#define TE_MIN_VA 0x100000ull
#define TE_MAX_VA 0x800000ull

/* Byte i of the file data of segment seg (when it has no explicit data). */
static inline uint8_t te_pattern(unsigned int seg, uint64_t i)
{
    return (uint8_t)(0x11 * (seg + 1) + i * 7 + (i >> 8));
}

/*
 * Three PT_LOAD segments at base: text R+X (0x300 bytes of file, 0x2000 in
 * memory, holding the hypercall page at base + 0x1000), rodata R (0x100) at
 * base + 0x2000, data R+W (0x80 of file, 0x1000 in memory: a bss tail) at
 * base + 0x3000; with_note adds a PT_NOTE naming the hypercall page.
 * Entry base + 0x10.
 */
void te_default_spec(struct te_spec *spec, uint64_t base, bool with_note);
/* Adds a segment; returns it. */
struct te_seg *te_add(struct te_spec *spec, uint32_t type, uint32_t flags, uint64_t vaddr,
                      uint64_t filesz, uint64_t memsz);
/* Writes one ELF note (name padded to 4, desc padded to 4); returns its size. */
size_t te_note(uint8_t *out, const char *name, uint32_t type, const void *desc, uint32_t descsz);
/* Adds a PT_NOTE holding the Skiff hypercall-page note for va. */
struct te_seg *te_add_hypercall_note(struct te_spec *spec, uint64_t va);

/* Builds the image into buf (cap bytes); returns its size. */
size_t te_build(const struct te_spec *spec, uint8_t *buf, size_t cap);

static inline Elf64_Ehdr *te_ehdr(uint8_t *img)
{
    return (Elf64_Ehdr *)img;
}
static inline Elf64_Phdr *te_phdr(uint8_t *img, unsigned int i)
{
    return (Elf64_Phdr *)(img + te_ehdr(img)->e_phoff + i * sizeof(Elf64_Phdr));
}

/* ---- random numbers ---- */

/* xorshift64*: reproducible from its seed (not 0). */
static inline uint64_t core_rng(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dull;
}

static inline uint64_t core_rng_below(uint64_t *state, uint64_t n)
{
    return core_rng(state) % n;
}

#endif
