/*
 * core_test.c - the helpers of core_test.h: fake machine fixture, domain
 * factory, raw guest RAM access, frame hoarding and the ELF64 builder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/elfnote.h>
#include <skiff/bootinfo.h>
#include <skiff/cmdline.h>
#include <skiff/frame.h>

#include "core_test.h"

size_t core_machine_bytes = CORE_MEM_BYTES;

void core_setup(void)
{
    fake_machine_init(core_machine_bytes);
    fake_console_clear();
    fake_exit_jmp = NULL;
    dom0 = NULL;
}

void core_teardown(void)
{
    fake_exit_jmp = NULL;
    fake_machine_fini();
}

int core_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- domains ---- */

struct domain *core_create(domid_t domid, const char *name, bool privileged)
{
    const struct domain_config cfg = {
        .domid = domid,
        .name = name,
        .privileged = privileged,
        .window_pages = 16,
    };

    return domain_create(&cfg);
}

struct domain *core_domain(domid_t domid, bool privileged, uint64_t nr_pages, bool contiguous)
{
    struct domain *d = core_create(domid, domid == 0 ? "Domain-0" : "test-domain", privileged);

    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(domain_alloc_ram(d, nr_pages, contiguous), 0);
    d->state = DOMAIN_RUNNING;
    return d;
}

uint8_t *core_guest_page(const struct domain *d, uint64_t gfn)
{
    CORE_CHECK(gfn >= 1 && gfn < d->physmap.nr_pages, "gfn %llu outside RAM",
               (unsigned long long)gfn);
    return arch_maddr_to_virt(maddr(d->physmap.p2m[gfn] & PAGE_MASK));
}

/* Calls fn on each page-sized piece of [gpa, gpa+len). */
static void for_each_piece(const struct domain *d, uint64_t gpa, size_t len,
                           void (*fn)(uint8_t *guest, uint8_t *buf, size_t n, int byte),
                           uint8_t *buf, int byte)
{
    while (len > 0) {
        size_t off = gpa & ~PAGE_MASK;
        size_t n = MIN(len, PAGE_SIZE - off);
        fn(core_guest_page(d, gpa >> PAGE_SHIFT) + off, buf, n, byte);
        gpa += n;
        if (buf)
            buf += n;
        len -= n;
    }
}

static void piece_read(uint8_t *guest, uint8_t *buf, size_t n, int byte)
{
    memcpy(buf, guest, n);
}

static void piece_write(uint8_t *guest, uint8_t *buf, size_t n, int byte)
{
    memcpy(guest, buf, n);
}

static void piece_fill(uint8_t *guest, uint8_t *buf, size_t n, int byte)
{
    memset(guest, byte, n);
}

void core_guest_read(const struct domain *d, uint64_t gpa, void *buf, size_t len)
{
    for_each_piece(d, gpa, len, piece_read, buf, 0);
}

void core_guest_write(const struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
    for_each_piece(d, gpa, len, piece_write, (uint8_t *)buf, 0);
}

void core_guest_fill(const struct domain *d, uint64_t gpa, int byte, size_t len)
{
    for_each_piece(d, gpa, len, piece_fill, NULL, byte);
}

uint8_t *core_guest_snapshot(const struct domain *d)
{
    uint8_t *snap = calloc(d->physmap.nr_pages, PAGE_SIZE);

    ck_assert_ptr_nonnull(snap);
    for (uint64_t g = 1; g < d->physmap.nr_pages; g++)
        memcpy(snap + g * PAGE_SIZE, core_guest_page(d, g), PAGE_SIZE);
    return snap;
}

void core_assert_guest_unchanged(const struct domain *d, const uint8_t *snap, const char *what)
{
    for (uint64_t g = 1; g < d->physmap.nr_pages; g++) {
        const uint8_t *now = core_guest_page(d, g);
        for (size_t i = 0; i < PAGE_SIZE; i++)
            CORE_CHECK(now[i] == snap[g * PAGE_SIZE + i],
                       "%s changed guest byte 0x%llx (0x%02x -> 0x%02x)", what,
                       (unsigned long long)(g * PAGE_SIZE + i), snap[g * PAGE_SIZE + i], now[i]);
    }
}

/* ---- frame hoarding ---- */

void core_hoard_until(struct core_hoard *h, uint64_t leave)
{
    uint64_t take = frame_free_count() > leave ? frame_free_count() - leave : 0;

    h->nr = 0;
    h->frames = malloc((take + 1) * sizeof(mfn_t));
    ck_assert_ptr_nonnull(h->frames);
    while (h->nr < take) {
        mfn_t f = frame_alloc();
        ck_assert(mfn_valid(f));
        h->frames[h->nr++] = f;
    }
    if (take > 0)
        ck_assert_uint_eq(frame_free_count(), leave);
}

void core_hoard_release(struct core_hoard *h)
{
    for (uint64_t i = 0; i < h->nr; i++)
        frame_free(h->frames[i]);
    free(h->frames);
    h->frames = NULL;
    h->nr = 0;
}

/* ---- boot modules ---- */

static uint64_t module_frames(const struct boot_module *m)
{
    return ALIGN_UP(m->end - m->start, PAGE_SIZE) / PAGE_SIZE;
}

void core_add_module(struct boot_info *bi, const void *bytes, size_t size, const char *cmdline)
{
    struct boot_module *m = &bi->modules[bi->nr_modules];
    uint64_t frames = MAX(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE, (size_t)1);
    mfn_t f;

    ck_assert_uint_lt(bi->nr_modules, BOOT_MAX_MODULES);
    ck_assert_int_eq(frame_pool_alloc_range(&hv_frames, frames, 1, &f), 0);
    memcpy(arch_maddr_to_virt(mfn_to_maddr(f)), bytes, size);
    m->start = mfn_to_maddr(f).ma;
    m->end = m->start + size;
    snprintf(m->cmdline, sizeof(m->cmdline), "%s", cmdline);
    bi->nr_modules++;
}

void core_free_modules(struct boot_info *bi)
{
    for (unsigned int i = 0; i < bi->nr_modules; i++) {
        uint64_t n = MAX(module_frames(&bi->modules[i]), (uint64_t)1);
        frame_pool_free(&hv_frames, maddr_to_mfn(maddr(bi->modules[i].start)), n);
    }
    bi->nr_modules = 0;
}

void core_dom0_boot_info(struct boot_info *bi, uint64_t base, bool note)
{
    static uint8_t image[TE_IMG_SIZE];
    struct te_spec spec;

    memset(bi, 0, sizeof(*bi));
    bi->loader = "unit-test";
    te_default_spec(&spec, base, note);
    size_t size = te_build(&spec, image, sizeof(image));
    core_add_module(bi, image, size, "dom0 console=hvc0");
    ck_assert_int_eq(hv_parse_cmdline("dom0_mem=8M"), 0);
}

/* ---- ELF builder ---- */

struct te_seg *te_add(struct te_spec *spec, uint32_t type, uint32_t flags, uint64_t vaddr,
                      uint64_t filesz, uint64_t memsz)
{
    ck_assert_uint_lt(spec->nr, TE_MAX_PH);
    struct te_seg *s = &spec->seg[spec->nr++];

    memset(s, 0, sizeof(*s));
    s->type = type;
    s->flags = flags;
    s->vaddr = vaddr;
    s->filesz = filesz;
    s->memsz = memsz;
    return s;
}

size_t te_note(uint8_t *out, const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
    uint32_t namesz = (uint32_t)strlen(name) + 1;
    uint32_t hdr[3] = {namesz, descsz, type};
    size_t name_pad = ALIGN_UP((size_t)namesz, 4), desc_pad = ALIGN_UP((size_t)descsz, 4);

    memset(out, 0, sizeof(hdr) + name_pad + desc_pad);
    memcpy(out, hdr, sizeof(hdr));
    memcpy(out + sizeof(hdr), name, namesz);
    memcpy(out + sizeof(hdr) + name_pad, desc, descsz);
    return sizeof(hdr) + name_pad + desc_pad;
}

struct te_seg *te_add_hypercall_note(struct te_spec *spec, uint64_t va)
{
    struct te_seg *s = te_add(spec, PT_NOTE, PF_R, 0, 0, 0);

    s->data_len = te_note(s->data, SKIFF_ELFNOTE_NAME, SKIFF_ELFNOTE_HYPERCALL_PAGE, &va, 8);
    return s;
}

void te_default_spec(struct te_spec *spec, uint64_t base, bool with_note)
{
    memset(spec, 0, sizeof(*spec));
    spec->entry = base + 0x10;
    te_add(spec, PT_LOAD, PF_R | PF_X, base, 0x300, 0x2000);
    te_add(spec, PT_LOAD, PF_R, base + 0x2000, 0x100, 0x100);
    te_add(spec, PT_LOAD, PF_R | PF_W, base + 0x3000, 0x80, 0x1000);
    if (with_note)
        te_add_hypercall_note(spec, base + 0x1000);
}

static void write_ehdr(const struct te_spec *spec, uint8_t *buf)
{
    Elf64_Ehdr eh;

    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = spec->entry;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (Elf64_Half)spec->nr;
    memcpy(buf, &eh, sizeof(eh));
}

size_t te_build(const struct te_spec *spec, uint8_t *buf, size_t cap)
{
    size_t pos = ALIGN_UP(sizeof(Elf64_Ehdr) + spec->nr * sizeof(Elf64_Phdr), (size_t)16);

    ck_assert_uint_le(pos, cap);
    memset(buf, 0, cap);
    write_ehdr(spec, buf);
    for (unsigned int i = 0; i < spec->nr; i++) {
        const struct te_seg *s = &spec->seg[i];
        uint64_t filesz = s->data_len ? s->data_len : s->filesz;
        Elf64_Phdr ph = {.p_type = s->type,
                         .p_flags = s->flags,
                         .p_offset = pos,
                         .p_vaddr = s->vaddr,
                         .p_paddr = s->vaddr,
                         .p_filesz = filesz,
                         .p_memsz = s->memsz ? s->memsz : filesz,
                         .p_align = 16};
        ck_assert_msg(filesz <= cap - pos, "te_build: segment %u does not fit", i);
        for (uint64_t b = 0; b < filesz; b++)
            buf[pos + b] = s->data_len ? s->data[b] : te_pattern(i, b);
        memcpy(buf + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), &ph, sizeof(ph));
        pos = ALIGN_UP(pos + filesz, (size_t)16);
    }
    return MIN(pos, cap);
}
