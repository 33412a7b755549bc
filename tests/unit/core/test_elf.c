/*
 * test_elf.c - unit tests for common/elf_loader.c: valid images built in
 * memory (with and without the hypercall-page note, bss tails, empty
 * segments), a table of malformed images that each break one rule and must
 * be refused with a matching reason, and a seeded byte-flipping loop whose
 * accepted results must still satisfy every promise elf_parse makes.
 */
#include <errno.h>
#include <stdlib.h>

#include <skiff/elf.h>

#include "core_test.h"

#define BASE 0x200000ull

static const struct elf_limits limits = {TE_MIN_VA, TE_MAX_VA};

static _Alignas(16) uint8_t img[TE_IMG_SIZE];

/* Parses a heap copy of exactly size bytes, so ASan sees any overread. */
static int parse_exact(const uint8_t *bytes, size_t size, struct elf_image *out, const char **why)
{
    uint8_t *copy = malloc(size ? size : 1);
    int rc;

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, bytes, size);
    rc = elf_parse(copy, size, &limits, out, why);
    free(copy);
    return rc;
}

static size_t build_default(bool note)
{
    struct te_spec spec;

    te_default_spec(&spec, BASE, note);
    return te_build(&spec, img, sizeof(img));
}

/* ---- valid images ---- */

static void check_default_segments(const struct elf_image *out, size_t size)
{
    ck_assert_uint_eq(out->nr_segments, 3);
    ck_assert_uint_eq(out->entry, BASE + 0x10);
    ck_assert_uint_eq(out->lowest, BASE);
    ck_assert_uint_eq(out->highest, BASE + 0x4000);

    const struct elf_segment *text = &out->segments[0], *ro = &out->segments[1],
                             *data = &out->segments[2];
    ck_assert_uint_eq(text->vaddr, BASE);
    ck_assert_uint_eq(text->memsz, 0x2000);
    ck_assert_uint_eq(text->filesz, 0x300);
    ck_assert_uint_eq(text->perms, ELF_SEG_R | ELF_SEG_X);
    ck_assert_uint_eq(ro->perms, ELF_SEG_R);
    ck_assert_uint_eq(data->perms, ELF_SEG_R | ELF_SEG_W);
    ck_assert_uint_eq(data->filesz, 0x80);
    ck_assert_uint_eq(data->memsz, 0x1000);
    for (unsigned int i = 0; i < 3; i++) {
        const struct elf_segment *s = &out->segments[i];
        ck_assert_uint_le(s->offset + s->filesz, size);
        ck_assert_uint_eq(img[s->offset], te_pattern(i, 0));
        ck_assert_uint_eq(img[s->offset + s->filesz - 1], te_pattern(i, s->filesz - 1));
    }
}

START_TEST(test_valid_with_note)
{
    struct elf_image out;
    const char *why = NULL;
    size_t size = build_default(true);

    ck_assert_int_eq(parse_exact(img, size, &out, &why), 0);
    check_default_segments(&out, size);
    ck_assert_uint_eq(out.hypercall_page, BASE + 0x1000);
}
END_TEST

START_TEST(test_valid_without_note)
{
    struct elf_image out;
    const char *why = NULL;
    size_t size = build_default(false);

    ck_assert_int_eq(parse_exact(img, size, &out, &why), 0);
    check_default_segments(&out, size);
    ck_assert_uint_eq(out.hypercall_page, 0);
}
END_TEST

START_TEST(test_valid_bss_only_and_empty_segments)
{
    struct te_spec spec;
    struct elf_image out;
    const char *why = NULL;

    te_default_spec(&spec, BASE, false);
    te_add(&spec, PT_LOAD, PF_R | PF_W, BASE + 0x10000, 0, 0x5000);  /* bss only */
    te_add(&spec, PT_LOAD, PF_R | PF_W | PF_X, BASE + 0x1000, 0, 0); /* empty: ignored */
    te_add(&spec, PT_LOAD, PF_R, 0, 0, 0);                           /* empty, at 0: ignored */
    te_add(&spec, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0);               /* other types ignored */
    te_add(&spec, PT_PHDR, PF_R, 0x40, 0x100, 0x100);
    size_t size = te_build(&spec, img, sizeof(img));

    ck_assert_int_eq(parse_exact(img, size, &out, &why), 0);
    ck_assert_uint_eq(out.nr_segments, 4);
    ck_assert_uint_eq(out.segments[3].vaddr, BASE + 0x10000);
    ck_assert_uint_eq(out.segments[3].filesz, 0);
    ck_assert_uint_eq(out.segments[3].memsz, 0x5000);
    ck_assert_uint_eq(out.lowest, BASE);
    ck_assert_uint_eq(out.highest, BASE + 0x15000);
}
END_TEST

START_TEST(test_valid_at_the_limits)
{
    struct te_spec spec;
    struct elf_image out;
    const char *why = NULL;

    memset(&spec, 0, sizeof(spec));
    te_add(&spec, PT_LOAD, PF_R | PF_X, TE_MIN_VA, 0x10, 0x1000);
    te_add(&spec, PT_LOAD, PF_R | PF_W, TE_MAX_VA - 0x1000, 0x10, 0x1000);
    spec.entry = TE_MIN_VA + 0xfff; /* the last byte of text */
    size_t size = te_build(&spec, img, sizeof(img));

    ck_assert_int_eq(parse_exact(img, size, &out, &why), 0);
    ck_assert_uint_eq(out.lowest, TE_MIN_VA);
    ck_assert_uint_eq(out.highest, TE_MAX_VA);
}
END_TEST

START_TEST(test_valid_adjacent_segments_and_other_notes)
{
    struct te_spec spec;
    struct elf_image out;
    const char *why = NULL;
    uint32_t gnu_desc[4] = {1, 2, 3, 4};
    uint64_t va = BASE + 0x1000;

    memset(&spec, 0, sizeof(spec));
    spec.entry = BASE;
    te_add(&spec, PT_LOAD, PF_R | PF_X, BASE, 0x100, 0x2000);
    te_add(&spec, PT_LOAD, PF_R | PF_W, BASE + 0x2000, 0x100, 0x100); /* touches the text */
    /* A GNU note, a Skiff note of another type, then the hypercall-page note. */
    struct te_seg *n = te_add(&spec, PT_NOTE, PF_R, 0, 0, 0);
    n->data_len = te_note(n->data, "GNU", 3, gnu_desc, sizeof(gnu_desc));
    n->data_len += te_note(n->data + n->data_len, "Skiff", 99, gnu_desc, 3);
    n->data_len += te_note(n->data + n->data_len, "Skiff", 1, &va, 8);
    size_t size = te_build(&spec, img, sizeof(img));

    ck_assert_int_eq(parse_exact(img, size, &out, &why), 0);
    ck_assert_uint_eq(out.nr_segments, 2);
    ck_assert_uint_eq(out.hypercall_page, va);
}
END_TEST

/* Pages get the union of their segments' permissions: sharing is fine without W+X. */
START_TEST(test_valid_shared_pages_without_wx)
{
    struct te_spec spec;
    struct elf_image out;
    const char *why = NULL;

    memset(&spec, 0, sizeof(spec));
    spec.entry = BASE;
    te_add(&spec, PT_LOAD, PF_R | PF_X, BASE, 0x100, 0x1800);
    te_add(&spec, PT_LOAD, PF_R, BASE + 0x1800, 0x100, 0x1000);      /* shares text's page */
    te_add(&spec, PT_LOAD, PF_R | PF_W, BASE + 0x2800, 0x10, 0x100); /* shares rodata's */
    size_t size = te_build(&spec, img, sizeof(img));

    ck_assert_msg(parse_exact(img, size, &out, &why) == 0, "refused: %s", why);
    ck_assert_uint_eq(out.nr_segments, 3);
    ck_assert_uint_eq(out.highest, BASE + 0x2900);
}
END_TEST

/* ---- malformed images: one broken rule each ---- */

struct bad_case {
    const char *name;
    void (*spec_fn)(struct te_spec *spec);       /* changes the default spec (may be NULL) */
    void (*patch_fn)(uint8_t *im, size_t *size); /* changes the built bytes (may be NULL) */
    const char *why;                             /* expected substring of the reason */
};

static void p_magic(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_ident[EI_MAG1] = 'X';
}
static void p_class32(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_ident[EI_CLASS] = ELFCLASS32;
}
static void p_class_none(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_ident[EI_CLASS] = ELFCLASSNONE;
}
static void p_big_endian(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_ident[EI_DATA] = ELFDATA2MSB;
}
static void p_ident_version(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_ident[EI_VERSION] = 2;
}
static void p_version(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_version = 0;
}
static void p_dyn(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_type = ET_DYN;
}
static void p_rel(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_type = ET_REL;
}
static void p_machine(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_machine = EM_386;
}
static void p_aarch64(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_machine = EM_AARCH64;
}
static void p_phentsize_small(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phentsize = sizeof(Elf64_Phdr) - 1;
}
static void p_phentsize_big(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phentsize = 64;
}
static void p_phnum0(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phnum = 0;
}
static void p_phnum65(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phnum = 65;
}
static void p_phnum_max(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phnum = 0xffff;
}
static void p_phoff_past_end(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phoff = *size;
}
static void p_phoff_truncated(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phoff = *size - sizeof(Elf64_Phdr); /* fits one of four */
}
static void p_phoff_wraps(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_phoff = UINT64_MAX - 8;
}
static void p_phdrs_cut(uint8_t *im, size_t *size)
{
    *size = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) + 10;
}
static void p_size_63(uint8_t *im, size_t *size)
{
    *size = sizeof(Elf64_Ehdr) - 1;
}
static void p_size_0(uint8_t *im, size_t *size)
{
    *size = 0;
}
static void p_seg_past_end(uint8_t *im, size_t *size)
{
    te_phdr(im, 1)->p_offset = *size - te_phdr(im, 1)->p_filesz + 1;
}
static void p_seg_offset_wraps(uint8_t *im, size_t *size)
{
    te_phdr(im, 0)->p_offset = UINT64_MAX - 0x10;
}
static void p_image_cut(uint8_t *im, size_t *size)
{
    *size = te_phdr(im, 2)->p_offset + 0x10; /* data segment cut short */
}
static void p_filesz_gt_memsz(uint8_t *im, size_t *size)
{
    te_phdr(im, 1)->p_memsz = te_phdr(im, 1)->p_filesz - 1;
}
static void p_entry_in_data(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_entry = BASE + 0x3004;
}
static void p_entry_in_rodata(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_entry = BASE + 0x2000;
}
static void p_entry_after_text(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_entry = BASE + 0x2000; /* one past the last text byte */
}
static void p_entry_before_text(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_entry = BASE - 1;
}
static void p_entry_zero(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_entry = 0;
}
static void p_entry_max(uint8_t *im, size_t *size)
{
    te_ehdr(im)->e_entry = UINT64_MAX;
}
static void p_note_descsz(uint8_t *im, size_t *size)
{
    uint32_t four = 4;

    memcpy(im + te_phdr(im, 3)->p_offset + 4, &four, 4); /* n_descsz */
}
static void p_note_truncated(uint8_t *im, size_t *size)
{
    te_phdr(im, 3)->p_filesz -= 4;
}
static void p_note_namesz_huge(uint8_t *im, size_t *size)
{
    uint32_t huge = 0xfffffff0u;

    memcpy(im + te_phdr(im, 3)->p_offset, &huge, 4); /* n_namesz */
}
static void p_note_descsz_huge(uint8_t *im, size_t *size)
{
    uint32_t huge = 0xffffffffu;

    memcpy(im + te_phdr(im, 3)->p_offset + 4, &huge, 4);
}
static void p_note_past_end(uint8_t *im, size_t *size)
{
    te_phdr(im, 3)->p_offset = *size - 8;
}
static void p_note_offset_wraps(uint8_t *im, size_t *size)
{
    te_phdr(im, 3)->p_offset = UINT64_MAX;
}

static void s_below_min(struct te_spec *s)
{
    s->seg[1].vaddr = TE_MIN_VA - 0x1000;
}
static void s_end_past_max(struct te_spec *s)
{
    s->seg[2].vaddr = TE_MAX_VA - 0x800; /* memsz 0x1000 */
}
static void s_start_at_max(struct te_spec *s)
{
    s->seg[2].vaddr = TE_MAX_VA;
}
static void s_wraps(struct te_spec *s)
{
    s->seg[2].memsz = UINT64_MAX - BASE - 0x3000 + 0x1001; /* vaddr + memsz wraps past 2^64 */
}
static void s_memsz_max(struct te_spec *s)
{
    s->seg[2].memsz = UINT64_MAX;
}
static void s_vaddr_high(struct te_spec *s)
{
    s->seg[1].vaddr = 0xffffffff80000000ull;
}
static void s_overlap(struct te_spec *s)
{
    s->seg[1].vaddr = BASE + 0x1fff; /* last byte of text */
}
static void s_overlap_inside(struct te_spec *s)
{
    te_add(s, PT_LOAD, PF_R, BASE + 0x3100, 0x10, 0x10); /* inside the data bss */
}
static void s_overlap_same(struct te_spec *s)
{
    te_add(s, PT_LOAD, PF_R | PF_X, BASE, 0x10, 0x2000);
}
static void s_overlap_cover(struct te_spec *s)
{
    te_add(s, PT_LOAD, PF_R, BASE - 0x1000, 0x10, 0x10000); /* covers everything */
}
static void s_wx(struct te_spec *s)
{
    s->seg[2].flags = PF_R | PF_W | PF_X;
}
static void s_wx_text(struct te_spec *s)
{
    s->seg[0].flags = PF_W | PF_X;
}
static void s_no_exec(struct te_spec *s)
{
    s->seg[0].flags = PF_R;
}
static void s_wx_share_page(struct te_spec *s)
{
    s->seg[0].memsz = 0x800; /* text [0, 0x800), data right after it in the same page */
    s->seg[2].vaddr = BASE + 0x800;
    s->seg[2].memsz = 0x100;
    s->nr = 3; /* drop the note: its page is gone */
}
static void s_wx_share_last_page(struct te_spec *s)
{
    s->seg[0].memsz = 0x1800; /* text ends mid-page ... */
    s->seg[1].vaddr = BASE + 0x1800;
    s->seg[1].flags = PF_R | PF_W; /* ... where a writable segment starts */
}
static void s_17_segments(struct te_spec *s)
{
    for (unsigned int i = 0; i < 14; i++)
        te_add(s, PT_LOAD, PF_R, BASE + 0x10000 + i * 0x1000, 0x10, 0x1000);
}
static void s_interp(struct te_spec *s)
{
    struct te_seg *seg = te_add(s, PT_INTERP, PF_R, 0, 0, 0);

    memcpy(seg->data, "/lib/ld.so", 11);
    seg->data_len = 11;
}
static void s_dynamic(struct te_spec *s)
{
    te_add(s, PT_DYNAMIC, PF_R | PF_W, BASE + 0x3000, 0x10, 0x10);
}
static void s_note_misaligned(struct te_spec *s)
{
    te_add_hypercall_note(s, BASE + 0x1008);
}
static void s_note_in_data(struct te_spec *s)
{
    te_add_hypercall_note(s, BASE + 0x3000);
}
static void s_note_in_rodata(struct te_spec *s)
{
    te_add_hypercall_note(s, BASE + 0x2000);
}
static void s_note_past_text(struct te_spec *s)
{
    s->seg[0].memsz = 0x1800; /* the page at +0x1000 is half outside the text */
    te_add_hypercall_note(s, BASE + 0x1000);
}
static void s_note_outside(struct te_spec *s)
{
    te_add_hypercall_note(s, 0x7000000);
}
static void s_note_max(struct te_spec *s)
{
    te_add_hypercall_note(s, 0xfffffffffffff000ull);
}
static void s_note_desc4(struct te_spec *s)
{
    struct te_seg *seg = te_add(s, PT_NOTE, PF_R, 0, 0, 0);
    uint32_t va = (uint32_t)(BASE + 0x1000);

    seg->data_len = te_note(seg->data, "Skiff", 1, &va, 4);
}
static void s_note_desc16(struct te_spec *s)
{
    struct te_seg *seg = te_add(s, PT_NOTE, PF_R, 0, 0, 0);
    uint64_t va[2] = {BASE + 0x1000, 0};

    seg->data_len = te_note(seg->data, "Skiff", 1, va, 16);
}
static void s_only_note(struct te_spec *s)
{
    s->nr = 0;
    te_add_hypercall_note(s, BASE + 0x1000);
}
static void s_all_empty(struct te_spec *s)
{
    for (unsigned int i = 0; i < s->nr; i++)
        s->seg[i].filesz = s->seg[i].memsz = 0;
}
static void s_no_load(struct te_spec *s)
{
    for (unsigned int i = 0; i < s->nr; i++)
        s->seg[i].type = PT_GNU_STACK;
}

static const struct bad_case bad_cases[] = {
    {"bad magic", NULL, p_magic, "magic"},
    {"32-bit class", NULL, p_class32, "64-bit"},
    {"no class", NULL, p_class_none, "64-bit"},
    {"big-endian", NULL, p_big_endian, "little-endian"},
    {"bad ident version", NULL, p_ident_version, "version"},
    {"bad e_version", NULL, p_version, "version"},
    {"ET_DYN", NULL, p_dyn, "ET_EXEC"},
    {"ET_REL", NULL, p_rel, "ET_EXEC"},
    {"i386", NULL, p_machine, "x86_64"},
    {"aarch64", NULL, p_aarch64, "x86_64"},
    {"phentsize 55", NULL, p_phentsize_small, "entry size"},
    {"phentsize 64", NULL, p_phentsize_big, "entry size"},
    {"phnum 0", NULL, p_phnum0, "no program headers"},
    {"phnum 65", NULL, p_phnum65, "too many program headers"},
    {"phnum 65535", NULL, p_phnum_max, "too many program headers"},
    {"phoff at end", NULL, p_phoff_past_end, "program headers past the end"},
    {"phdr table truncated", NULL, p_phoff_truncated, "program headers past the end"},
    {"phoff wraps", NULL, p_phoff_wraps, "program headers past the end"},
    {"image ends inside phdrs", NULL, p_phdrs_cut, "program headers past the end"},
    {"63 bytes", NULL, p_size_63, "smaller than an ELF header"},
    {"0 bytes", NULL, p_size_0, "smaller than an ELF header"},
    {"segment data past end", NULL, p_seg_past_end, "segment data past the end"},
    {"segment offset wraps", NULL, p_seg_offset_wraps, "segment data past the end"},
    {"image cut in data", NULL, p_image_cut, "segment data past the end"},
    {"filesz > memsz", NULL, p_filesz_gt_memsz, "file size larger"},
    {"below min_va", s_below_min, NULL, "outside the allowed address range"},
    {"end past max_va", s_end_past_max, NULL, "outside the allowed address range"},
    {"start at max_va", s_start_at_max, NULL, "outside the allowed address range"},
    {"vaddr+memsz wraps", s_wraps, NULL, "outside the allowed address range"},
    {"memsz 2^64-1", s_memsz_max, NULL, "outside the allowed address range"},
    {"hypervisor-space vaddr", s_vaddr_high, NULL, "outside the allowed address range"},
    {"overlap by one byte", s_overlap, NULL, "overlapping"},
    {"overlap inside bss", s_overlap_inside, NULL, "overlapping"},
    {"same range twice", s_overlap_same, NULL, "overlapping"},
    {"one covers all", s_overlap_cover, NULL, "overlapping"},
    {"W+X data", s_wx, NULL, "writable and executable"},
    {"W+X text", s_wx_text, NULL, "writable and executable"},
    {"entry in data", NULL, p_entry_in_data, "entry point"},
    {"entry in rodata", NULL, p_entry_in_rodata, "entry point"},
    {"entry one past text", NULL, p_entry_after_text, "entry point"},
    {"entry before text", NULL, p_entry_before_text, "entry point"},
    {"entry 0", NULL, p_entry_zero, "entry point"},
    {"entry 2^64-1", NULL, p_entry_max, "entry point"},
    {"no executable segment", s_no_exec, NULL, "entry point"},
    {"W and X share a page", s_wx_share_page, NULL, "writable and executable segments share"},
    {"W and X share the last page", s_wx_share_last_page, NULL, "writable and executable"},
    {"17 loadable segments", s_17_segments, NULL, "too many loadable segments"},
    {"PT_INTERP", s_interp, NULL, "dynamically linked"},
    {"PT_DYNAMIC", s_dynamic, NULL, "dynamically linked"},
    {"note misaligned", s_note_misaligned, NULL, "hypercall page"},
    {"note in data", s_note_in_data, NULL, "hypercall page"},
    {"note in rodata", s_note_in_rodata, NULL, "hypercall page"},
    {"note page leaves text", s_note_past_text, NULL, "hypercall page"},
    {"note outside image", s_note_outside, NULL, "hypercall page"},
    {"note at 2^64-4096", s_note_max, NULL, "hypercall page"},
    {"note descsz 4 (patched)", NULL, p_note_descsz, "note"},
    {"note descsz 4", s_note_desc4, NULL, "bad hypercall-page note size"},
    {"note descsz 16", s_note_desc16, NULL, "bad hypercall-page note size"},
    {"note truncated", NULL, p_note_truncated, "truncated ELF note"},
    {"note namesz huge", NULL, p_note_namesz_huge, "truncated ELF note"},
    {"note descsz huge", NULL, p_note_descsz_huge, "truncated ELF note"},
    {"note segment past end", NULL, p_note_past_end, "note segment past the end"},
    {"note offset wraps", NULL, p_note_offset_wraps, "note segment past the end"},
    {"no PT_LOAD", s_only_note, NULL, "no loadable segments"},
    {"only empty PT_LOADs", s_all_empty, NULL, "no loadable segments"},
    {"no PT_LOAD, other types", s_no_load, NULL, "no loadable segments"},
};

START_TEST(test_malformed)
{
    const struct bad_case *c = &bad_cases[_i];
    struct te_spec spec;
    struct elf_image out;
    const char *why = NULL;

    te_default_spec(&spec, BASE, true);
    if (c->spec_fn)
        c->spec_fn(&spec);
    size_t size = te_build(&spec, img, sizeof(img));
    if (c->patch_fn)
        c->patch_fn(img, &size);
    int rc = parse_exact(img, size, &out, &why);
    ck_assert_msg(rc == -ENOEXEC, "%s: rc %d, want -ENOEXEC", c->name, rc);
    ck_assert_msg(why != NULL, "%s: no reason given", c->name);
    ck_assert_msg(strstr(why, c->why) != NULL, "%s: reason \"%s\" lacks \"%s\"", c->name, why,
                  c->why);
}
END_TEST

/* The unchanged default image parses, so each bad case breaks only its own rule. */
START_TEST(test_malformed_baseline_is_valid)
{
    struct elf_image out;
    const char *why = NULL;
    size_t size = build_default(true);

    ck_assert_int_eq(parse_exact(img, size, &out, &why), 0);
}
END_TEST

/* ---- random mutation ---- */

static bool overlaps(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

static bool share_page(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr / 4096 <= (b->vaddr + b->memsz - 1) / 4096 &&
           b->vaddr / 4096 <= (a->vaddr + a->memsz - 1) / 4096;
}

static bool exec_holds(const struct elf_image *e, uint64_t va, uint64_t len)
{
    for (unsigned int i = 0; i < e->nr_segments; i++) {
        const struct elf_segment *s = &e->segments[i];
        if ((s->perms & ELF_SEG_X) && va >= s->vaddr && va - s->vaddr <= s->memsz &&
            len <= s->memsz - (va - s->vaddr))
            return true;
    }
    return false;
}

/* Everything elf_parse promises about an image it accepted. */
static void check_invariants(const struct elf_image *e, size_t size)
{
    CORE_CHECK(e->nr_segments >= 1 && e->nr_segments <= ELF_MAX_SEGMENTS, "segments: %u",
               e->nr_segments);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned int i = 0; i < e->nr_segments; i++) {
        const struct elf_segment *s = &e->segments[i];
        CORE_CHECK(s->memsz > 0 && s->filesz <= s->memsz, "segment %u sizes", i);
        CORE_CHECK(s->offset <= size && s->filesz <= size - s->offset, "segment %u file range", i);
        CORE_CHECK(s->vaddr >= limits.min_va && s->vaddr < limits.max_va &&
                       s->memsz <= limits.max_va - s->vaddr,
                   "segment %u outside limits", i);
        CORE_CHECK(!((s->perms & ELF_SEG_W) && (s->perms & ELF_SEG_X)), "segment %u W+X", i);
        for (unsigned int j = 0; j < i; j++) {
            const struct elf_segment *t = &e->segments[j];
            CORE_CHECK(!overlaps(s, t), "segments %u and %u overlap", i, j);
            bool wx = ((s->perms | t->perms) & ELF_SEG_W) && ((s->perms | t->perms) & ELF_SEG_X);
            CORE_CHECK(!wx || !share_page(s, t), "segments %u and %u make a W+X page", i, j);
        }
        lo = MIN(lo, s->vaddr);
        hi = MAX(hi, s->vaddr + s->memsz);
    }
    CORE_CHECK(e->lowest == lo && e->highest == hi, "lowest/highest wrong");
    CORE_CHECK(exec_holds(e, e->entry, 1), "entry 0x%llx not in text",
               (unsigned long long)e->entry);
    CORE_CHECK(e->hypercall_page == 0 ||
                   (e->hypercall_page % 4096 == 0 && exec_holds(e, e->hypercall_page, 4096)),
               "bad hypercall page accepted");
}

/* Offset of a byte to change: mostly in the headers and the note, where they matter. */
static size_t pick_offset(const uint8_t *im, size_t full, bool note, uint64_t *rng)
{
    size_t headers = sizeof(Elf64_Ehdr) + te_ehdr((uint8_t *)im)->e_phnum * sizeof(Elf64_Phdr);

    switch (core_rng_below(rng, 4)) {
    case 0:
    case 1:
        return (size_t)core_rng_below(rng, MIN(headers, full));
    case 2:
        if (note)
            return (size_t)(full - 32 + core_rng_below(rng, 32)); /* the note is last */
        return (size_t)core_rng_below(rng, full);
    default:
        return (size_t)core_rng_below(rng, full);
    }
}

/* Changes 1-4 bytes and sometimes cuts the image short. */
static void mutate(uint8_t *im, size_t *size, size_t full, bool note, uint64_t *rng)
{
    unsigned int changes = 1 + (unsigned int)core_rng_below(rng, 4);
    size_t at[4];

    for (unsigned int c = 0; c < changes; c++)
        at[c] = pick_offset(im, full, note, rng); /* before any change moves the headers */
    for (unsigned int c = 0; c < changes; c++) {
        switch (core_rng_below(rng, 4)) {
        case 0:
            im[at[c]] ^= (uint8_t)(1u << core_rng_below(rng, 8));
            break;
        case 1:
            im[at[c]] = (uint8_t)core_rng(rng);
            break;
        case 2:
            im[at[c]] = core_rng_below(rng, 2) ? 0xff : 0x00;
            break;
        default:
            im[at[c]]++;
            break;
        }
    }
    if (core_rng_below(rng, 16) == 0)
        *size = (size_t)core_rng_below(rng, full + 1);
}

START_TEST(test_random_mutations)
{
    static _Alignas(16) uint8_t work[TE_IMG_SIZE];
    uint64_t rng = 0xe1f5eed;
    unsigned int accepted = 0, rejected = 0;

    for (unsigned int iter = 0; iter < 6000; iter++) {
        struct te_spec spec;
        bool note = iter % 2 == 0;
        te_default_spec(&spec, BASE, note);
        size_t full = te_build(&spec, work, sizeof(work)), size = full;
        mutate(work, &size, full, note, &rng);

        struct elf_image out;
        const char *why = NULL;
        int rc = parse_exact(work, size, &out, &why);
        if (rc == 0) {
            check_invariants(&out, size);
            accepted++;
        } else {
            CORE_CHECK(rc == -ENOEXEC && why && why[0], "iteration %u: rc %d", iter, rc);
            rejected++;
        }
    }
    /* Both outcomes must occur, or the loop tests nothing. */
    ck_assert_uint_gt(accepted, 100);
    ck_assert_uint_gt(rejected, 100);
}
END_TEST

static Suite *elf_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *good = tcase_create("valid");
    TCase *bad = tcase_create("malformed");
    TCase *fuzz = tcase_create("mutations");

    tcase_add_test(good, test_valid_with_note);
    tcase_add_test(good, test_valid_without_note);
    tcase_add_test(good, test_valid_bss_only_and_empty_segments);
    tcase_add_test(good, test_valid_at_the_limits);
    tcase_add_test(good, test_valid_adjacent_segments_and_other_notes);
    tcase_add_test(good, test_valid_shared_pages_without_wx);
    suite_add_tcase(s, good);

    tcase_add_test(bad, test_malformed_baseline_is_valid);
    tcase_add_loop_test(bad, test_malformed, 0, (int)ARRAY_SIZE(bad_cases));
    suite_add_tcase(s, bad);

    tcase_add_test(fuzz, test_random_mutations);
    suite_add_tcase(s, fuzz);
    return s;
}

int main(void)
{
    return core_run_suite(elf_suite());
}
