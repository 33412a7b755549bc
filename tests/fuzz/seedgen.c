/*
 * seedgen.c - writes the fuzzers' seed corpora at build time: valid ELF
 * images (checked with elf_parse), start-info trees from start_info_build(),
 * command lines, encoded hypercalls (fuzz_hypercall.h) and xl-style domain
 * configs, and console ring scripts.
 *
 *   fuzz_seedgen OUTDIR    creates OUTDIR/{elf,start_info,cmdline,hypercall,config,console_ring,blkback}/
 */
#include <elf.h>
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <public/elfnote.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/skiff.h>
#include <public/sysctl.h>
#include <public/version.h>
#include <skiff/elf.h>
#include <skiff/start_info.h>

#include "fuzz_hypercall.h"

static const char *out_dir;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_seedgen: %s: %s\n", what, detail);
    exit(1);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        die("mkdir", path);
}

static void write_seed(const char *fuzzer, const char *name, const void *data, size_t len)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", out_dir, fuzzer);
    make_dir(path);
    snprintf(path, sizeof(path), "%s/%s/%s", out_dir, fuzzer, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        die("write", path);
}

/* ---- ELF images ---- */

#define ELF_BASE 0x200000ull

struct elf_seed {
    unsigned char bytes[1024];
    size_t size;
    Elf64_Ehdr *eh;
};

static void elf_begin(struct elf_seed *s, uint64_t entry)
{
    memset(s, 0, sizeof(*s));
    s->eh = (Elf64_Ehdr *)s->bytes;
    memcpy(s->eh->e_ident, ELFMAG, SELFMAG);
    s->eh->e_ident[EI_CLASS] = ELFCLASS64;
    s->eh->e_ident[EI_DATA] = ELFDATA2LSB;
    s->eh->e_ident[EI_VERSION] = EV_CURRENT;
    s->eh->e_type = ET_EXEC;
    s->eh->e_machine = EM_X86_64;
    s->eh->e_version = EV_CURRENT;
    s->eh->e_entry = entry;
    s->eh->e_phoff = sizeof(Elf64_Ehdr);
    s->eh->e_ehsize = sizeof(Elf64_Ehdr);
    s->eh->e_phentsize = sizeof(Elf64_Phdr);
    s->size = sizeof(Elf64_Ehdr);
}

/* Reserves room for n program headers; call once, before adding data. */
static void elf_reserve_phdrs(struct elf_seed *s, unsigned int n)
{
    s->eh->e_phnum = (Elf64_Half)n;
    s->size += n * sizeof(Elf64_Phdr);
}

/* Appends len bytes of data; returns their file offset. */
static uint64_t elf_data(struct elf_seed *s, const void *data, size_t len)
{
    uint64_t off = s->size;

    if (s->size + len > sizeof(s->bytes))
        die("elf seed", "too big");
    memcpy(s->bytes + off, data, len);
    s->size += len;
    return off;
}

static void elf_phdr(struct elf_seed *s, unsigned int i, const Elf64_Phdr *ph)
{
    memcpy(s->bytes + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), ph, sizeof(*ph));
}

static void elf_load(struct elf_seed *s, unsigned int i, uint32_t flags, uint64_t vaddr,
                     const void *data, size_t filesz, uint64_t memsz)
{
    Elf64_Phdr ph = {.p_type = PT_LOAD,
                     .p_flags = flags,
                     .p_vaddr = vaddr,
                     .p_paddr = vaddr,
                     .p_filesz = filesz,
                     .p_memsz = memsz,
                     .p_align = 4096};

    ph.p_offset = elf_data(s, data, filesz);
    elf_phdr(s, i, &ph);
}

/* A PT_NOTE with a GNU note and the Skiff hypercall-page note. */
static void elf_notes(struct elf_seed *s, unsigned int i, uint64_t hypercall_page)
{
    unsigned char notes[64] = {0};
    Elf64_Nhdr gnu = {.n_namesz = 4, .n_descsz = 4, .n_type = NT_GNU_ABI_TAG};
    Elf64_Nhdr skiff = {.n_namesz = sizeof(SKIFF_ELFNOTE_NAME),
                        .n_descsz = 8,
                        .n_type = SKIFF_ELFNOTE_HYPERCALL_PAGE};

    memcpy(notes, &gnu, sizeof(gnu));
    memcpy(notes + 12, "GNU", 4);
    memcpy(notes + 20, &skiff, sizeof(skiff));
    memcpy(notes + 32, SKIFF_ELFNOTE_NAME, sizeof(SKIFF_ELFNOTE_NAME));
    memcpy(notes + 40, &hypercall_page, 8);
    Elf64_Phdr ph = {.p_type = PT_NOTE, .p_flags = PF_R, .p_filesz = 48, .p_align = 4};
    ph.p_offset = elf_data(s, notes, 48);
    elf_phdr(s, i, &ph);
}

static void elf_finish(struct elf_seed *s, const char *name)
{
    static const struct elf_limits lim = {0x1000, 64ull << 20};
    struct elf_image img;
    const char *why = "";

    if (elf_parse(s->bytes, s->size, &lim, &img, &why) != 0)
        die(name, why);
    write_seed("elf", name, s->bytes, s->size);
}

static const unsigned char code[32] = {0xf4, 0xeb, 0xfd}; /* hlt; jmp .-1 */
static const unsigned char data[16] = "skiff seed data";

static void seed_elf(void)
{
    struct elf_seed s;

    elf_begin(&s, ELF_BASE);
    elf_reserve_phdrs(&s, 1);
    elf_load(&s, 0, PF_R | PF_X, ELF_BASE, code, sizeof(code), sizeof(code));
    elf_finish(&s, "minimal");

    elf_begin(&s, ELF_BASE + 0x10);
    elf_reserve_phdrs(&s, 3);
    elf_load(&s, 0, PF_R | PF_X, ELF_BASE, code, sizeof(code), 0x2000);
    elf_load(&s, 1, PF_R | PF_W, 0x400000, data, sizeof(data), 0x3000);
    elf_notes(&s, 2, ELF_BASE + 0x1000);
    elf_finish(&s, "text-bss-note");

    elf_begin(&s, 0x300000);
    elf_reserve_phdrs(&s, 5);
    elf_load(&s, 0, PF_R, ELF_BASE, data, sizeof(data), 0x1000);
    elf_load(&s, 1, PF_R | PF_X, 0x300000, code, sizeof(code), 0x1000);
    elf_load(&s, 2, PF_R | PF_W, 0x301000, data, sizeof(data), sizeof(data));
    elf_load(&s, 3, PF_R, 0x302000, data, 0, 0x800);
    Elf64_Phdr stack = {.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W};
    elf_phdr(&s, 4, &stack);
    elf_finish(&s, "four-segments");
}

/* ---- start info ---- */

static void write_start_info(const char *name, const struct start_info_desc *d)
{
    static uint64_t buf[SKIFF_START_INFO_MAX_SIZE / sizeof(uint64_t)];

    if (start_info_build(buf, sizeof(buf), d) != 0)
        die("start_info_build", name);
    write_seed("start_info", name, buf, fdt_totalsize(buf));
}

static void seed_start_info(void)
{
    struct start_info_desc d = {
        .domid = 0,
        .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
        .vcpus = 1,
        .name = "dom0",
        .cmdline = "console=hvc0 loglvl=debug root=/dev/xvda",
        .mem_bytes = 64ull << 20,
        .shared_info = 0x1000,
        .hypercall_page = 0x201000,
        .start_info_base = 0x3f000,
        .start_info_size = 0x1000,
        .grant_window_base = 0x8000000000,
        .grant_window_size = 0x4000000,
        .nr_free = 3,
        .free = {{0x2000, 0x1fe000}, {0x400000, 0x100000}, {0x600000, 0x3a00000}},
        .nr_modules = 2,
        .modules = {{0x500000, 0x20000, "initrd"}, {0x520000, 0x1000, "config verbose=1"}},
        .has_machine_base = true,
        .machine_base = 0x4000000,
        .hv_version = "0.1"};

    write_start_info("dom0", &d);
    d = (struct start_info_desc){.domid = 3,
                                 .vcpus = 1,
                                 .name = "guest-3",
                                 .cmdline = "",
                                 .mem_bytes = 16ull << 20,
                                 .shared_info = 0x2000,
                                 .start_info_base = 0x3000,
                                 .start_info_size = 0x1000,
                                 .grant_window_base = 0x8000000000,
                                 .grant_window_size = 0x400000,
                                 .nr_free = 1,
                                 .free = {{0x100000, 0xf00000}},
                                 .hv_version = "0.1"};
    write_start_info("domu", &d);
}

/* ---- command lines ---- */

static void seed_cmdline(void)
{
    static const char *const lines[] = {
        "loglvl=debug console=com1 dom0_mem=512M tick_hz=0x64 no-smep smap=off umip",
        "flag no-flag=5 other-flag=yes n=0x10 mem=4G tiny= s=abc str=hello",
        "hv_selftest=fault loglvl=all no-umip smep=1 dom0_mem=1048576K",
        "\tmem=16383G  n=18446744073709551614 s=toolong bogus=1 no-n flag=maybe",
    };
    static const size_t word_lengths[] = {255, 256, 300}; /* around cmdline.c's word buffer */
    char name[16], word[300];

    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        snprintf(name, sizeof(name), "line%zu", i);
        write_seed("cmdline", name, lines[i], strlen(lines[i]));
    }
    memset(word, 'x', sizeof(word));
    memcpy(word, "str=", 4);
    for (size_t i = 0; i < sizeof(word_lengths) / sizeof(word_lengths[0]); i++) {
        snprintf(name, sizeof(name), "word%zu", word_lengths[i]);
        write_seed("cmdline", name, word, word_lengths[i]);
    }
}

/* ---- hypercalls ---- */

struct hc_seed {
    unsigned char bytes[512];
    size_t len;
};

static void hc_put(struct hc_seed *s, const void *p, size_t n)
{
    if (s->len + n > sizeof(s->bytes))
        die("hypercall seed", "too big");
    memcpy(s->bytes + s->len, p, n);
    s->len += n;
}

static void hc_value(struct hc_seed *s, uint8_t kind, uint64_t raw)
{
    hc_put(s, &kind, 1);
    hc_put(s, &raw, 8);
}

/*
 * Starts a call record: flags, the number, five plain argument values and the
 * count of patches that follow (hc_patch). A seed may hold several records.
 */
static void hc_call(struct hc_seed *s, uint8_t flags, uint64_t nr, const uint64_t args[5],
                    uint8_t nr_patches)
{
    hc_put(s, &flags, 1);
    hc_value(s, FV_RAW, nr);
    for (int i = 0; i < 5; i++)
        hc_value(s, FV_RAW, args[i]);
    hc_put(s, &nr_patches, 1);
}

static void hc_patch(struct hc_seed *s, uint16_t gpa, const void *p, uint8_t n)
{
    hc_put(s, &gpa, 2);
    hc_put(s, &n, 1);
    hc_put(s, p, n);
}

/* Each seed starts with the RAM fill byte: zero, or a pattern every other seed. */
static void hc_write(struct hc_seed *s, const char *name)
{
    static uint8_t fill;
    uint8_t seed[sizeof(s->bytes) + 1];

    seed[0] = fill;
    fill ^= 0xa5;
    memcpy(seed + 1, s->bytes, s->len);
    write_seed("hypercall", name, seed, s->len + 1);
    s->len = 0;
}

static void seed_hypercall_simple(void)
{
    struct hc_seed s = {.len = 0};

    hc_call(&s, 0, __HYPERVISOR_xen_version, (uint64_t[5]){XENVER_version}, 0);
    hc_write(&s, "version");
    hc_call(&s, 0, __HYPERVISOR_xen_version, (uint64_t[5]){XENVER_extraversion, 0x2000}, 0);
    hc_write(&s, "extraversion");
    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_xen_version,
            (uint64_t[5]){XENVER_get_features, 0x2ff8}, 1);
    hc_patch(&s, 0x2ff8, (const uint32_t[2]){0, 0}, 8);
    hc_write(&s, "features");
    hc_call(&s, 0, __HYPERVISOR_xen_version, (uint64_t[5]){XENVER_pagesize}, 0);
    hc_write(&s, "pagesize");
    hc_call(&s, 1, __HYPERVISOR_set_trap_table, (uint64_t[5]){0x3000}, 0);
    hc_write(&s, "trap-table");
    hc_call(&s, 0, SKIFF_NR_HYPERCALLS - 1, (uint64_t[5]){0}, 0);
    hc_write(&s, "unknown");
}

static void seed_hypercall_console(void)
{
    static const char hello[] = "hello from the fuzzer\n";
    struct hc_seed s = {.len = 0};

    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_console_io,
            (uint64_t[5]){CONSOLEIO_write, sizeof(hello) - 1, 0x3000}, 1);
    hc_patch(&s, 0x3000, hello, sizeof(hello) - 1);
    hc_write(&s, "console-write");
    hc_call(&s, 0, __HYPERVISOR_console_io, (uint64_t[5]){CONSOLEIO_write, 5000, 0x1000}, 1);
    hc_patch(&s, 0x1ffc, "line\nnext", 9);
    hc_write(&s, "console-write-continued");
    hc_call(&s, 0, __HYPERVISOR_console_io, (uint64_t[5]){CONSOLEIO_read, 64, 0x4000}, 0);
    hc_write(&s, "console-read");
}

static void seed_hypercall_ops(void)
{
    struct sched_shutdown down = {SHUTDOWN_crash};
    struct skiff_sysctl op = {.cmd = SKIFF_SYSCTL_physinfo,
                              .interface_version = SKIFF_SYSCTL_INTERFACE_VERSION};
    struct hc_seed s = {.len = 0};

    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_sched_op,
            (uint64_t[5]){SCHEDOP_shutdown, 0x5000}, 1);
    hc_patch(&s, 0x5000, &down, sizeof(down));
    hc_write(&s, "shutdown");
    hc_call(&s, 0, __HYPERVISOR_sched_op, (uint64_t[5]){SCHEDOP_yield}, 0);
    hc_write(&s, "yield");
    hc_call(&s, 0, __HYPERVISOR_sysctl, (uint64_t[5]){0x6000}, 1);
    hc_patch(&s, 0x6000, &op, 8);
    hc_write(&s, "sysctl-physinfo");
    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_sysctl, (uint64_t[5]){0x6000}, 1);
    hc_patch(&s, 0x6000, &op, 8);
    hc_write(&s, "sysctl-unprivileged");
}

/* Grant operations on the grants the harness sets up (fuzz_hypercall.h). */
static void seed_hypercall_grants(void)
{
    const uint64_t win = SKIFF_GRANT_WINDOW_BASE;
    struct gnttab_map_grant_ref map = {.host_addr = win + 4096,
                                       .flags = GNTMAP_host_map,
                                       .ref = FUZZ_HC_GRANT_RW_REF,
                                       .dom = FUZZ_HC_PRIV_DOMID};
    struct gnttab_unmap_grant_ref unmap = {.host_addr = win + 4096, .handle = 0};
    struct gnttab_map_grant_ref dev = {
        .flags = GNTMAP_device_map, .ref = FUZZ_HC_GRANT_RO_REF, .dom = FUZZ_HC_DOMU_DOMID};
    struct gnttab_copy copy = {
        .source = {.u.ref = FUZZ_HC_GRANT_RO_REF, .domid = FUZZ_HC_PRIV_DOMID, .offset = 16},
        .dest = {.u.gmfn = 5, .domid = DOMID_SELF, .offset = 32},
        .len = 100,
        .flags = GNTCOPY_source_gref};
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    struct hc_seed s = {.len = 0};

    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_grant_table_op,
            (uint64_t[5]){GNTTABOP_map_grant_ref, 0x7000, 1}, 1);
    hc_patch(&s, 0x7000, &map, sizeof(map));
    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_grant_table_op,
            (uint64_t[5]){GNTTABOP_unmap_grant_ref, 0x7100, 1}, 1);
    hc_patch(&s, 0x7100, &unmap, sizeof(unmap));
    hc_write(&s, "grant-map-unmap");
    hc_call(&s, 0, __HYPERVISOR_grant_table_op, (uint64_t[5]){GNTTABOP_map_grant_ref, 0x7000, 1},
            1);
    hc_patch(&s, 0x7000, &dev, sizeof(dev));
    hc_write(&s, "grant-device-map");
    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_grant_table_op,
            (uint64_t[5]){GNTTABOP_copy, 0x8000, 1}, 1);
    hc_patch(&s, 0x8000, &copy, sizeof(copy));
    hc_write(&s, "grant-copy");
    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_grant_table_op,
            (uint64_t[5]){GNTTABOP_query_size, 0x8000, 1}, 1);
    hc_patch(&s, 0x8000, &q, sizeof(q));
    hc_write(&s, "grant-query-size");
}

/* Several calls in one input: later calls see what earlier ones left. */
static void seed_hypercall_sequence(void)
{
    static const char line[] = "domU says hi\n";
    struct sched_shutdown poweroff = {SHUTDOWN_poweroff};
    struct hc_seed s = {.len = 0};

    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_console_io,
            (uint64_t[5]){CONSOLEIO_write, sizeof(line) - 1, 0xb000}, 1);
    hc_patch(&s, 0xb000, line, sizeof(line) - 1);
    hc_call(&s, 0, __HYPERVISOR_xen_version, (uint64_t[5]){XENVER_extraversion, 0xbff8}, 0);
    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_sched_op,
            (uint64_t[5]){SCHEDOP_shutdown, 0xc000}, 1);
    hc_patch(&s, 0xc000, &poweroff, sizeof(poweroff));
    hc_call(&s, FUZZ_HC_UNPRIVILEGED, __HYPERVISOR_xen_version, (uint64_t[5]){XENVER_version}, 0);
    hc_write(&s, "sequence");
}

/* ---- console ring scripts (fuzz_console_ring.c): 5-byte steps ---- */

static void put_step(unsigned char *p, unsigned char op, uint32_t v)
{
    p[0] = op;
    memcpy(p + 1, &v, sizeof(v));
}

static void seed_console_ring(void)
{
    unsigned char s[5 * 8];

    /* guest writes 3000 (2048 fit), dom0 reads 100 then all; then wrap and a bad index */
    put_step(s + 0, 3, 3000);
    put_step(s + 5, 2, 100);
    put_step(s + 10, 2, 5000);
    put_step(s + 15, 0, 0xfffffff0u);
    put_step(s + 20, 1, 0xffffff00u);
    put_step(s + 25, 2, 4000);
    put_step(s + 30, 6, 700);
    put_step(s + 35, 7, 300);
    write_seed("console_ring", "script-1", s, sizeof(s));
    put_step(s + 0, 0, 5000); /* out_prod far ahead: -EIO */
    write_seed("console_ring", "script-hostile", s, 10);
}

/* ---- blkback scripts (fuzz_blkback.c): a header, then op bytes and operands ---- */

struct blk_seed {
    unsigned char bytes[1024];
    size_t len;
};

static void blk_put(struct blk_seed *s, const void *p, size_t n)
{
    memcpy(s->bytes + s->len, p, n);
    s->len += n;
}

static void blk_op(struct blk_seed *s, unsigned char op)
{
    blk_put(s, &op, 1);
}

/* Step 0: a blkif_request with one segment of granted ref `ref`, sectors 0..last. */
static void blk_request(struct blk_seed *s, uint8_t op, uint8_t nseg, uint64_t id, uint64_t sector,
                        uint32_t ref, uint8_t last)
{
    unsigned char rq[112] = {0};

    rq[0] = op;
    rq[1] = nseg;
    memcpy(rq + 8, &id, 8);
    memcpy(rq + 16, &sector, 8);
    for (unsigned int i = 0; i < nseg && i < 11; i++) {
        memcpy(rq + 24 + 8 * i, &ref, 4);
        rq[24 + 8 * i + 5] = last;
    }
    blk_op(s, 0);
    blk_op(s, sizeof(rq));
    blk_put(s, rq, sizeof(rq));
}

static void blk_run(struct blk_seed *s)
{
    blk_op(s, 1); /* kick */
    blk_op(s, 2); /* complete */
    blk_op(s, 0);
    blk_op(s, 1);
    blk_op(s, 8); /* take responses */
}

static void seed_blkback(void)
{
    struct blk_seed s = {.len = 0};
    static const unsigned char header[4] = {0x02, 31, 7, 0x15}; /* MAP, flush, indirect */

    blk_put(&s, header, sizeof(header));
    blk_request(&s, 1, 3, 1, 0, 8, 7);   /* write */
    blk_request(&s, 0, 2, 2, 8, 9, 3);   /* read */
    blk_request(&s, 3, 0, 3, 0, 0, 0);   /* flush */
    blk_request(&s, 3, 1, 4, 16, 10, 0); /* flush with data */
    blk_run(&s);
    write_seed("blkback", "map", s.bytes, s.len);
    s.bytes[0] = 0x03; /* COPY */
    write_seed("blkback", "copy", s.bytes, s.len);
    s.len = sizeof(header);
    blk_request(&s, 99, 1, 5, 0, 8, 0); /* unknown op */
    blk_op(&s, 1);
    blk_op(&s, 3); /* req_prod far ahead */
    uint64_t prod = 1000;
    blk_put(&s, &prod, sizeof(prod));
    blk_op(&s, 1);
    write_seed("blkback", "hostile", s.bytes, s.len);
}

/* ---- domain configs (dom0-tools/config) ---- */

static void seed_config(void)
{
    static const char *const files[] = {
        "name = \"hello\"\nkernel = \"hello.elf\"\nmemory = 8\nvcpus = 1\n",
        "# all keys\nname = 'web'\nkernel = 'web.elf'\nmemory = 0x20; vcpus = 2\n"
        "cmdline = \"console=hvc0 \\x41\\101\\t\"\non_poweroff = 'preserve'\n"
        "on_reboot = 'destroy'\non_crash = 'restart'\ntype = 'pv'\nbuilder = 'generic'\n",
        "name=\"d\"\r\nkernel=\"k\"\r\nroot = '/dev/xvda1'\r\nextra = 'quiet'\r\n",
        "name = 'd'\nkernel = 'k'\ndisk = [\n  'format=raw, vdev=xvda, access=rw, target=a,b',\n"
        "  'data.img,raw,xvdb,ro', # comment\n  'vdev=hdc, e.img, discard',\n]\n"
        "disk += [ 'f.img,,sda' ]\n",
        "name = 'd'\nkernel = 'k'\nvif = [ 'mac=00:16:3e:00:00:01, bridge=xenbr0, ip=10.0.0.2',\n"
        "  'bridge=br0, model=e1000', '' ]\nmaxmem = 512\nvfb = [ 'vnc=1' ]\n",
        "name = 'd'\nkernel = 'k'\ncmdline = 'x'\nextra = 'y'",
    };
    char name[32];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(name, sizeof(name), "config-%zu", i);
        write_seed("config", name, files[i], strlen(files[i]));
    }
}

/* ---- xenstore: message sequences (format: fuzz_xenstore.h) ---- */

struct xs_seed {
    unsigned char bytes[4096];
    size_t len;
};

/* Appends a record: domid, then a message of `type` with payload p (plen bytes). */
static void xs_msg(struct xs_seed *s, uint8_t domid, uint32_t type, uint32_t tx, const char *p,
                   size_t plen)
{
    uint32_t h[4] = {type, 1, tx, (uint32_t)plen};
    uint16_t len = (uint16_t)(sizeof(h) + plen);

    if (s->len + 3 + len > sizeof(s->bytes))
        die("xenstore seed", "too long");
    s->bytes[s->len++] = domid;
    memcpy(s->bytes + s->len, &len, 2);
    memcpy(s->bytes + s->len + 2, h, sizeof(h));
    memcpy(s->bytes + s->len + 2 + sizeof(h), p, plen);
    s->len += 2 + len;
}

#define XS_MSG(s, dom, type, tx, lit) xs_msg(s, dom, type, tx, lit, sizeof(lit) - 1)

/* Xen's message numbers (xs_wire.h), spelled out so this file needs no xenstore header. */
enum {
    XSR_DIR = 1,
    XSR_READ,
    XSR_PERMS,
    XSR_WATCH,
    XSR_UNWATCH,
    XSR_TSTART,
    XSR_TEND,
    XSR_INTRO,
    XSR_RELEASE,
    XSR_PATH,
    XSR_WRITE,
    XSR_MKDIR,
    XSR_RM,
    XSR_SETPERMS
};

static void seed_xenstore(void)
{
    struct xs_seed s = {.len = 0};

    XS_MSG(&s, 1, XSR_WRITE, 0,
           "device/vbd/768/state\0"
           "1");
    XS_MSG(&s, 1, XSR_READ, 0, "device/vbd/768/state\0");
    XS_MSG(&s, 1, XSR_DIR, 0, "device/vbd\0");
    XS_MSG(&s, 1, XSR_SETPERMS, 0, "device\0n1\0r2\0");
    XS_MSG(&s, 2, XSR_WATCH, 0, "/local/domain/1/device\0be\0");
    XS_MSG(&s, 1, XSR_RM, 0, "device/vbd\0");
    XS_MSG(&s, 2, XSR_PERMS, 0, "/local/domain/1/device\0");
    write_seed("xenstore", "frontend", s.bytes, s.len);

    s.len = 0;
    XS_MSG(&s, 1, XSR_TSTART, 0, "\0");
    XS_MSG(&s, 1, XSR_MKDIR, 1, "a/b\0");
    XS_MSG(&s, 1, XSR_WRITE, 0,
           "a\0"
           "x");
    XS_MSG(&s, 1, XSR_TEND, 1, "T\0");
    XS_MSG(&s, 1, XSR_TSTART, 0, "\0");
    XS_MSG(&s, 1, XSR_TEND, 2, "F\0");
    write_seed("xenstore", "transactions", s.bytes, s.len);

    s.len = 0;
    XS_MSG(&s, 0, XSR_WATCH, 0, "@releaseDomain\0r\0");
    XS_MSG(&s, 0, XSR_INTRO, 0,
           "5\0"
           "4096\0"
           "3\0");
    XS_MSG(&s, 0, XSR_PATH, 0, "5\0");
    XS_MSG(&s, 0, XSR_RELEASE, 0, "2\0");
    XS_MSG(&s, 1, XSR_UNWATCH, 0, "x\0y\0");
    write_seed("xenstore", "domains", s.bytes, s.len);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_seedgen OUTDIR\n");
        return 2;
    }
    out_dir = argv[1];
    make_dir(out_dir);
    seed_elf();
    seed_start_info();
    seed_cmdline();
    seed_hypercall_simple();
    seed_hypercall_console();
    seed_hypercall_ops();
    seed_hypercall_grants();
    seed_hypercall_sequence();
    seed_config();
    seed_xenstore();
    seed_console_ring();
    seed_blkback();
    return 0;
}
