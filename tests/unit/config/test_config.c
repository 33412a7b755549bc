/*
 * test_config.c - unit tests for dom0-tools/config/: good files and the
 * values they give, a table of bad files each with its exact error line,
 * the lexer's edge cases (quotes, escapes, comments, CRLF, no newline at
 * the end, multi-line lists), warnings, limits and overflow, the example
 * configs in tests/guests/configs, and seeded random corruption. Every parse
 * runs on an exact-size heap copy without a NUL, so ASan sees any overread.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/start_info.h>

#include "builder.h"
#include "config.h"
#include "dom0.h"
#include "lib/lib_test.h"
#include "ustar.h"

/* The parser's limits are the builder's and dom0's. */
_Static_assert(CONFIG_DEFAULT_MEM_MIB == DOMAINS_DEFAULT_MEM_MIB, "default memory");
_Static_assert(CONFIG_MAX_MEM_MIB == DOMAINS_MAX_MEM_MIB, "maximum memory");
_Static_assert(CONFIG_NAME_MAX == BUILDER_NAME_MAX + 1, "name length");
_Static_assert(CONFIG_PATH_MAX == USTAR_NAME_MAX, "boot-store names");
_Static_assert(CONFIG_CMDLINE_MAX == SKIFF_CMDLINE_MAX, "command line");
_Static_assert(CONFIG_MAX_VCPUS == SKIFF_LEGACY_MAX_VCPUS, "vcpus");

static struct domain_config cfg;
static struct config_report rep;

/* Parses n bytes of text from an exact-size copy. */
static int parse_n(const char *text, size_t n)
{
    char *copy = malloc(n ? n : 1);

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, text, n);
    int rc = config_parse("t.cfg", copy, n, &cfg, &rep);
    free(copy);
    return rc;
}

static int parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void parse_ok(const char *text)
{
    int rc = parse(text);

    ck_assert_msg(rc == 0, "rc %d: %s", rc, rep.error);
    ck_assert_str_eq(rep.error, "");
}

#define HEAD "name = \"d\"\nkernel = \"k.elf\"\n"

/* ---- good files ---- */

START_TEST(test_minimal_defaults)
{
    parse_ok("name = 'hello'\nkernel = 'hello.elf'\n");
    ck_assert_str_eq(cfg.name, "hello");
    ck_assert_str_eq(cfg.kernel, "hello.elf");
    ck_assert_str_eq(cfg.cmdline, "");
    ck_assert_uint_eq(cfg.memory_mib, 8);
    ck_assert_uint_eq(cfg.vcpus, 1);
    ck_assert_int_eq(cfg.on_poweroff, CONFIG_ACTION_DESTROY);
    ck_assert_int_eq(cfg.on_reboot, CONFIG_ACTION_RESTART);
    ck_assert_int_eq(cfg.on_crash, CONFIG_ACTION_DESTROY);
    ck_assert_uint_eq(cfg.nr_disks, 0);
    ck_assert_uint_eq(cfg.nr_vifs, 0);
    ck_assert_uint_eq(rep.nr_warnings, 0);
}
END_TEST

START_TEST(test_all_keys)
{
    parse_ok("# a full file\n"
             "name = \"web-1\"   # trailing comment\n"
             "kernel = \"guests/web.elf\"\n"
             "memory = 0x20; vcpus = 2\n"
             "cmdline = \"console=hvc0 mode=spin\"\n"
             "on_poweroff = 'preserve'\non_reboot = 'destroy'\non_crash = 'restart'\n"
             "type = 'pvh'\nbuilder = 'generic'\n"
             "disk = [ 'format=raw, vdev=xvda, access=rw, target=disk.img',\n"
             "         'data.img,raw,xvdb,ro', ]\n"
             "vif = [ 'mac=00:16:3E:0a:0b:0c, bridge=xenbr0, ip=10.0.0.2' ]\n");
    ck_assert_str_eq(cfg.name, "web-1");
    ck_assert_str_eq(cfg.kernel, "guests/web.elf");
    ck_assert_uint_eq(cfg.memory_mib, 32);
    ck_assert_uint_eq(cfg.vcpus, 2);
    ck_assert_str_eq(cfg.cmdline, "console=hvc0 mode=spin");
    ck_assert_int_eq(cfg.on_poweroff, CONFIG_ACTION_PRESERVE);
    ck_assert_int_eq(cfg.on_reboot, CONFIG_ACTION_DESTROY);
    ck_assert_int_eq(cfg.on_crash, CONFIG_ACTION_RESTART);
    ck_assert_uint_eq(cfg.nr_disks, 2);
    ck_assert_str_eq(cfg.disks[0].target, "disk.img");
    ck_assert_str_eq(cfg.disks[0].vdev, "xvda");
    ck_assert(!cfg.disks[0].readonly);
    ck_assert_uint_eq(cfg.disks[0].line, 11);
    ck_assert_str_eq(cfg.disks[1].target, "data.img");
    ck_assert_str_eq(cfg.disks[1].vdev, "xvdb");
    ck_assert(cfg.disks[1].readonly);
    ck_assert_uint_eq(cfg.disks[1].line, 12);
    ck_assert_uint_eq(cfg.nr_vifs, 1);
    ck_assert(cfg.vifs[0].has_mac);
    static const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0x0a, 0x0b, 0x0c};
    ck_assert_mem_eq(cfg.vifs[0].mac, mac, 6);
    ck_assert_str_eq(cfg.vifs[0].bridge, "xenbr0");
    ck_assert_str_eq(cfg.vifs[0].ip, "10.0.0.2");
    ck_assert_uint_eq(rep.nr_warnings, 0);
}
END_TEST

START_TEST(test_disk_forms)
{
    /* xl's equivalent spellings of one disk. */
    static const char *const specs[] = {
        "d.img,,xvda",
        "d.img,raw,xvda,rw",
        "format=raw, vdev=xvda, access=rw, target=d.img",
        "vdev=xvda, d.img",
        "  d.img ,  raw , xvda , w ",
        "d.img,raw,vdev=xvda,devtype=disk",
    };
    char text[256];

    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        snprintf(text, sizeof(text), HEAD "disk = ['%s']\n", specs[i]);
        parse_ok(text);
        ck_assert_uint_eq(cfg.nr_disks, 1);
        ck_assert_msg(strcmp(cfg.disks[0].target, "d.img") == 0, "%s: target '%s'", specs[i],
                      cfg.disks[0].target);
        ck_assert_str_eq(cfg.disks[0].vdev, "xvda");
        ck_assert(!cfg.disks[0].readonly);
        ck_assert_int_eq(cfg.disks[0].format, CONFIG_DISK_RAW);
    }
    /* target= takes the rest of the spec, commas included. */
    parse_ok(HEAD "disk = ['vdev=hdc, access=r, target=a,b c']\n");
    ck_assert_str_eq(cfg.disks[0].target, "a,b c");
    ck_assert_str_eq(cfg.disks[0].vdev, "hdc");
    ck_assert(cfg.disks[0].readonly);
}
END_TEST

START_TEST(test_vif_forms)
{
    parse_ok(HEAD "vif = [ '', 'bridge=br-0.1', 'ip=192.168.100.255,', "
                  "' mac = 02:00:00:00:00:01 ' ]\n");
    ck_assert_uint_eq(cfg.nr_vifs, 4);
    ck_assert(!cfg.vifs[0].has_mac);
    ck_assert_str_eq(cfg.vifs[0].bridge, "");
    ck_assert_str_eq(cfg.vifs[1].bridge, "br-0.1");
    ck_assert_str_eq(cfg.vifs[2].ip, "192.168.100.255");
    ck_assert(cfg.vifs[3].has_mac);
    ck_assert_uint_eq(cfg.vifs[3].mac[0], 2);
    ck_assert_uint_eq(cfg.vifs[3].mac[5], 1);
}
END_TEST

START_TEST(test_strings_and_escapes)
{
    parse_ok(HEAD "cmdline = \"a\\tb\\\\c\\\"d\\'e\\x41\\101\\n#not a comment\"\n");
    ck_assert_str_eq(cfg.cmdline, "a\tb\\c\"d'eAA\n#not a comment");
    parse_ok(HEAD "cmdline = 'single \"quoted\" \\x42'\n");
    ck_assert_str_eq(cfg.cmdline, "single \"quoted\" B");
    parse_ok(HEAD "cmdline = ''\n");
    ck_assert_str_eq(cfg.cmdline, "");
    parse_ok(HEAD "cmdline = \"caf\xc3\xa9\"\n"); /* bytes above 0x7f pass through */
    ck_assert_str_eq(cfg.cmdline, "caf\xc3\xa9");
}
END_TEST

START_TEST(test_layout_edge_cases)
{
    /* CRLF, no newline at the end, blank lines, comments, ';', '=' without spaces. */
    parse_ok("\r\n# c\r\nname=\"crlf\"\r\n\r\n  kernel\t=\t'k'  ;  memory=4;\r\nvcpus = 3");
    ck_assert_str_eq(cfg.name, "crlf");
    ck_assert_str_eq(cfg.kernel, "k");
    ck_assert_uint_eq(cfg.memory_mib, 4);
    ck_assert_uint_eq(cfg.vcpus, 3);
    /* A list over many lines with comments inside and a trailing comma. */
    parse_ok(HEAD "disk = [\n  # first\n  'a.img,,xvda' , # one\n\n  'b.img,,xvdb',\n\n]\n"
                  "vif = [\n]\n");
    ck_assert_uint_eq(cfg.nr_disks, 2);
    ck_assert_uint_eq(cfg.disks[1].line, 7);
    ck_assert_uint_eq(cfg.nr_vifs, 0);
    /* '+=' appends to lists; numbers may be quoted as in xl. */
    parse_ok(HEAD "disk += ['a.img,,xvda']\ndisk += ['b.img,,xvdb']\nmemory = \"12\"\n");
    ck_assert_uint_eq(cfg.nr_disks, 2);
    ck_assert_uint_eq(cfg.memory_mib, 12);
    /* Empty text gives the "missing" error, not a crash. */
    ck_assert_int_eq(parse_n("", 0), -EINVAL);
    ck_assert_str_eq(rep.error, "t.cfg: 'name' is missing");
}
END_TEST

START_TEST(test_extra_and_root)
{
    parse_ok(HEAD "extra = 'mode=spin'\n");
    ck_assert_str_eq(cfg.cmdline, "mode=spin");
    parse_ok(HEAD "root = '/dev/xvda1 ro'\nextra = 'quiet'\n");
    ck_assert_str_eq(cfg.cmdline, "root=/dev/xvda1 ro quiet");
    parse_ok(HEAD "root = '/dev/xvda1'\n");
    ck_assert_str_eq(cfg.cmdline, "root=/dev/xvda1");
    parse_ok(HEAD "extra = 'x'\ncmdline = 'y'\n");
    ck_assert_str_eq(cfg.cmdline, "y");
    ck_assert_uint_eq(rep.nr_warnings, 1);
    ck_assert_str_eq(rep.warnings[0], "t.cfg:3: 'extra' and 'root' are ignored: 'cmdline' is set");
}
END_TEST

START_TEST(test_warnings)
{
    parse_ok(HEAD "maxmem = 512\ncpus = \"0-3\"\nvfb = [ 'vnc=1' ]\n"
                  "disk = [ 'd.img,,xvda,discard,backend=dom0' ]\n"
                  "vif = [ 'model=e1000, vifname=v1' ]\n");
    ck_assert_uint_eq(rep.nr_warnings, 7);
    ck_assert_uint_eq(rep.warnings_dropped, 0);
    ck_assert_str_eq(rep.warnings[0], "t.cfg:3: 'maxmem' is not supported by Skiff, ignored");
    ck_assert_str_eq(rep.warnings[2], "t.cfg:5: 'vfb' is not supported by Skiff, ignored");
    ck_assert_str_eq(rep.warnings[3],
                     "t.cfg:6: disk 1: 'discard' is not supported by Skiff, ignored");
    ck_assert_str_eq(rep.warnings[4],
                     "t.cfg:6: disk 1: 'backend' is not supported by Skiff, ignored");
    ck_assert_str_eq(rep.warnings[6],
                     "t.cfg:7: vif 1: 'vifname' is not supported by Skiff, ignored");
    ck_assert_uint_eq(cfg.nr_disks, 1);
    /* More than CONFIG_MAX_WARNINGS are counted. */
    parse_ok(HEAD "uuid='1'\nuuid='2'\nuuid='3'\nuuid='4'\nuuid='5'\nuuid='6'\nuuid='7'\n"
                  "uuid='8'\nuuid='9'\nuuid='10'\n");
    ck_assert_uint_eq(rep.nr_warnings, CONFIG_MAX_WARNINGS);
    ck_assert_uint_eq(rep.warnings_dropped, 2);
}
END_TEST

/* ---- bad files: each with its one exact error line ---- */

struct bad_case {
    const char *text;
    int rc;
    const char *error;
};

static const struct bad_case bad_cases[] = {
    /* syntax */
    {"name = 'a'\nname = 'b'\n", -EINVAL, "t.cfg:2: name: set twice (first on line 1)"},
    {"memroy = 4\n", -EINVAL, "t.cfg:1: unknown key 'memroy'"},
    {"ramdisk = 'initrd'\n", -EINVAL, "t.cfg:1: 'ramdisk' is not supported by Skiff"},
    {"name 'a'\n", -EINVAL, "t.cfg:1: expected '=' after the key"},
    {"name =\n", -EINVAL, "t.cfg:1: expected a value after '='"},
    {"name = 'a' 'b'\n", -EINVAL, "t.cfg:1: expected the end of the line after the value"},
    {"= 'a'\n", -EINVAL, "t.cfg:1: expected a key at the start of a setting"},
    {"\n\nname = 'abc\n", -EINVAL, "t.cfg:3: unterminated string"},
    {"name = \"abc", -EINVAL, "t.cfg:1: unterminated string"},
    {"name = 'a\\q'\n", -EINVAL, "t.cfg:1: bad escape sequence in a string"},
    {"name = 'a\\x'\n", -EINVAL, "t.cfg:1: bad escape sequence in a string"},
    {"name = 'a\\0b'\n", -EINVAL, "t.cfg:1: NUL (\\0) in a string"},
    {"name = 'a\\777'\n", -EINVAL, "t.cfg:1: bad escape sequence in a string"},
    {"name = a\n", -EINVAL, "t.cfg:1: expected a value after '='"},
    {"name = @\n", -EINVAL, "t.cfg:1: unexpected character '@'"},
    {"\xef\xbb\xbfname = 'a'\n", -EINVAL, "t.cfg:1: unexpected byte 0xef"},
    {"name = 'a'\n\x01", -EINVAL, "t.cfg:2: unexpected byte 0x01"},
    {"name = 'a'\nkernel = 'k'\nx\0y = 1\n", -EINVAL, "t.cfg:3: NUL byte in the text"},
    {"disk = [ 'a,,xvda'\n\n", -EINVAL, "t.cfg:3: unterminated list (opened on line 1)"},
    {"disk = [ 'a,,xvda' 'b,,xvdb' ]\n", -EINVAL, "t.cfg:1: expected ',' or ']' in the list"},
    {"disk = [ , ]\n", -EINVAL, "t.cfg:1: expected a value or ']' in the list"},
    {"disk = [ ['a'] ]\n", -EINVAL, "t.cfg:1: lists inside lists are not supported"},
    {"disk = 'a,,xvda'\n", -EINVAL, "t.cfg:1: disk: expected a list, like disk = [ '...' ]"},
    {"disk = [ 1 ]\n", -EINVAL, "t.cfg:1: disk: expected quoted strings in the list"},
    {"name = [ 'a' ]\n", -EINVAL, "t.cfg:1: name: expected a single value, not a list"},
    {"name = 'd'\nkernel = [\n]\n", -EINVAL, /* fuzz_config found it: kernel was left unset */
     "t.cfg:2: kernel: expected a single value, not a list"},
    {"name = 12\n", -EINVAL, "t.cfg:1: name: expected a quoted string"},
    {"name += 'a'\n", -EINVAL, "t.cfg:1: name: '+=' only appends to lists"},
    {"disk = []\ndisk = []\n", -EINVAL, "t.cfg:2: disk: set twice (first on line 1)"},
    /* required keys */
    {"kernel = 'k'\n", -EINVAL, "t.cfg: 'name' is missing"},
    {"name = 'a'\n", -EINVAL, "t.cfg: 'kernel' is missing"},
    /* values */
    {"name = ''\n", -EINVAL, "t.cfg:1: name: must be 1..31 characters"},
    {"name = 'a b'\n", -EINVAL, "t.cfg:1: name: only printable characters without spaces"},
    {"name = 'abcdefghijklmnopqrstuvwxyz012345'\n", -EINVAL,
     "t.cfg:1: name: must be 1..31 characters"},
    {"kernel = ''\n", -EINVAL, "t.cfg:1: kernel: empty"},
    {"memory = 0\n", -ERANGE, "t.cfg:1: memory: 0 is out of range (1..262144)"},
    {"memory = 262145\n", -ERANGE, "t.cfg:1: memory: 262145 is out of range (1..262144)"},
    {"memory = 18446744073709551616\n", -ERANGE,
     "t.cfg:1: memory: 18446744073709551616 is out of range (1..262144)"},
    {"memory = 0xffffffffffffffffff\n", -ERANGE,
     "t.cfg:1: memory: 0xffffffffffffffffff is out of range (1..262144)"},
    {"memory = -1\n", -EINVAL, "t.cfg:1: memory: '-1' is not a number"},
    {"memory = 12M\n", -EINVAL, "t.cfg:1: memory: '12M' is not a number"},
    {"memory = 0x\n", -EINVAL, "t.cfg:1: memory: '0x' is not a number"},
    {"memory = ''\n", -EINVAL, "t.cfg:1: memory: '' is not a number"},
    {"memory = ' 8'\n", -EINVAL, "t.cfg:1: memory: ' 8' is not a number"},
    {"vcpus = 33\n", -ERANGE, "t.cfg:1: vcpus: 33 is out of range (1..32)"},
    {"vcpus = 4294967297\n", -ERANGE, "t.cfg:1: vcpus: 4294967297 is out of range (1..32)"},
    {"on_crash = 'coredump-destroy'\n", -EINVAL,
     "t.cfg:1: on_crash: 'coredump-destroy' is not supported (use destroy, restart or preserve)"},
    {"on_reboot = 'rename-restart'\n", -EINVAL,
     "t.cfg:1: on_reboot: 'rename-restart' is not supported (use destroy, restart or preserve)"},
    {"on_poweroff = 'Destroy'\n", -EINVAL,
     "t.cfg:1: on_poweroff: unknown action 'Destroy' (use destroy, restart or preserve)"},
    {"type = 'hvm'\n", -EINVAL, "t.cfg:1: type: 'hvm' is not supported (Skiff runs PV guests)"},
    {"builder = 'hvm'\n", -EINVAL,
     "t.cfg:1: builder: 'hvm' is not supported (Skiff runs PV guests)"},
    /* disks */
    {"disk = [ 'a.img' ]\n", -EINVAL, "t.cfg:1: disk 1: no vdev"},
    {"disk = [ ',,xvda' ]\n", -EINVAL, "t.cfg:1: disk 1: no target"},
    {"disk = [ '' ]\n", -EINVAL, "t.cfg:1: disk 1: no target"},
    {"disk = [ 'a,,xvda', 'b,,xvda' ]\n", -EINVAL, "t.cfg:1: disk 2: vdev 'xvda' is used twice"},
    {"disk = [ 'a,,xvda',\n'b,,vda' ]\n", -EINVAL,
     "t.cfg:2: disk 2: bad vdev 'vda' (xvdX, hdX or sdX)"},
    {"disk = [ 'a,,xvd1' ]\n", -EINVAL, "t.cfg:1: disk 1: bad vdev 'xvd1' (xvdX, hdX or sdX)"},
    {"disk = [ 'a,qcow2,xvda' ]\n", -EINVAL,
     "t.cfg:1: disk 1: format 'qcow2' is not supported (raw only)"},
    {"disk = [ 'a,raw,xvda,rx' ]\n", -EINVAL, "t.cfg:1: disk 1: bad access 'rx' (ro or rw)"},
    {"disk = [ 'a,raw,xvda,rw,more' ]\n", -EINVAL,
     "t.cfg:1: disk 1: too many positional parameters at 'more'"},
    {"disk = [ 'a,,xvda,vdev=xvdb' ]\n", -EINVAL, "t.cfg:1: disk 1: 'vdev' given twice"},
    {"disk = [ 'a,,xvda,colour=red' ]\n", -EINVAL, "t.cfg:1: disk 1: unknown key 'colour'"},
    {"disk = [ 'a,,xvda,cdrom' ]\n", -EINVAL, "t.cfg:1: disk 1: cdrom is not supported"},
    {"disk = [ 'a,,hdc,devtype=cdrom' ]\n", -EINVAL,
     "t.cfg:1: disk 1: devtype 'cdrom' is not supported"},
    {"disk = [ 'phy:/dev/sda,xvda,w' ]\n", -EINVAL,
     "t.cfg:1: disk 1: the deprecated 'prefix:target' form is not supported"},
    {"disk = [ 'a,,xvdaaaaaaaaaaaaaaaaaaaaaa' ]\n", -E2BIG,
     "t.cfg:1: disk 1: vdev: longer than 15 bytes"},
    /* vifs */
    {"vif = [ 'bridge' ]\n", -EINVAL, "t.cfg:1: vif 1: 'bridge' is not key=value"},
    {"vif = [ 'mac=00:16:3e:00:00' ]\n", -EINVAL,
     "t.cfg:1: vif 1: bad mac '00:16:3e:00:00' (xx:xx:xx:xx:xx:xx)"},
    {"vif = [ 'mac=00:16:3e:00:00:0g' ]\n", -EINVAL,
     "t.cfg:1: vif 1: bad mac '00:16:3e:00:00:0g' (xx:xx:xx:xx:xx:xx)"},
    {"vif = [ 'mac=00-16-3e-00-00-01' ]\n", -EINVAL,
     "t.cfg:1: vif 1: bad mac '00-16-3e-00-00-01' (xx:xx:xx:xx:xx:xx)"},
    {"vif = [ 'mac=01:16:3e:00:00:01' ]\n", -EINVAL,
     "t.cfg:1: vif 1: mac '01:16:3e:00:00:01' is a multicast address"},
    {"vif = [ 'mac=00:16:3e:00:00:01', 'mac=00:16:3E:00:00:01' ]\n", -EINVAL,
     "t.cfg:1: vif 2: mac '00:16:3E:00:00:01' is used twice"},
    {"vif = [ 'mac=00:16:3e:00:00:01,mac=00:16:3e:00:00:02' ]\n", -EINVAL,
     "t.cfg:1: vif 1: 'mac' given twice"},
    {"vif = [ 'ip=10.0.0.256' ]\n", -EINVAL, "t.cfg:1: vif 1: bad ip '10.0.0.256'"},
    {"vif = [ 'ip=10.0.0' ]\n", -EINVAL, "t.cfg:1: vif 1: bad ip '10.0.0'"},
    {"vif = [ 'ip=10.0.0.1 10.0.0.2' ]\n", -EINVAL, "t.cfg:1: vif 1: bad ip '10.0.0.1 10.0.0.2'"},
    {"vif = [ 'ip=1..2.3' ]\n", -EINVAL, "t.cfg:1: vif 1: bad ip '1..2.3'"},
    {"vif = [ 'bridge=' ]\n", -EINVAL, "t.cfg:1: vif 1: bad bridge ''"},
    {"vif = [ 'bridge=a/b' ]\n", -EINVAL, "t.cfg:1: vif 1: bad bridge 'a/b'"},
    {"vif = [ 'bridge=b0123456789abcdef' ]\n", -EINVAL,
     "t.cfg:1: vif 1: bad bridge 'b0123456789abcdef'"},
    {"vif = [ 'bridge=a,bridge=b' ]\n", -EINVAL, "t.cfg:1: vif 1: 'bridge' given twice"},
    {"vif = [ 'speed=10' ]\n", -EINVAL, "t.cfg:1: vif 1: unknown key 'speed'"},
    /* echoed values are made printable and cut */
    {"on_crash = \"a\\nb\"\n", -EINVAL,
     "t.cfg:1: on_crash: unknown action 'a?b' (use destroy, restart or preserve)"},
    {"memory = '0123456789012345678901234567890123456789012345'\n", -ERANGE,
     "t.cfg:1: memory: 0123456789012345678901234567890123456789... is out of range "
     "(1..262144)"},
};

START_TEST(test_bad_files)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *c = &bad_cases[i];
        /* The one case with a NUL inside gives its length by hand. */
        size_t n = strstr(c->error, "NUL byte") ? strlen(c->text) + 7 : strlen(c->text);
        int rc = parse_n(c->text, n);
        ck_assert_msg(rc == c->rc, "case %zu: rc %d, want %d (%s)", i, rc, c->rc, rep.error);
        ck_assert_msg(strcmp(rep.error, c->error) == 0, "case %zu:\n got  '%s'\n want '%s'", i,
                      rep.error, c->error);
        /* A failed parse leaves the defaults. */
        ck_assert_str_eq(cfg.name, "");
        ck_assert_uint_eq(cfg.nr_disks, 0);
        ck_assert_uint_eq(cfg.memory_mib, CONFIG_DEFAULT_MEM_MIB);
    }
}
END_TEST

/* ---- limits ---- */

/* A heap buffer filled by appending; the caller frees it. */
static char *text_buf(size_t size)
{
    char *t = malloc(size);

    ck_assert_ptr_nonnull(t);
    t[0] = '\0';
    return t;
}

START_TEST(test_limits)
{
    char *t = text_buf(CONFIG_FILE_MAX + 64);

    /* File size. */
    memset(t, '\n', CONFIG_FILE_MAX + 1);
    ck_assert_int_eq(parse_n(t, CONFIG_FILE_MAX + 1), -E2BIG);
    ck_assert_str_eq(rep.error, "t.cfg: larger than 65536 bytes");
    /* Line length: CONFIG_LINE_MAX is fine, one more is not. */
    memset(t, ' ', CONFIG_LINE_MAX + 1);
    memcpy(t, "name='a'", 8);
    ck_assert_int_eq(parse_n(t, CONFIG_LINE_MAX), -EINVAL);
    ck_assert_str_eq(rep.error, "t.cfg: 'kernel' is missing");
    ck_assert_int_eq(parse_n(t, CONFIG_LINE_MAX + 1), -E2BIG);
    ck_assert_str_eq(rep.error, "t.cfg:1: line longer than 2048 bytes");
    /* String length: 1023 bytes fit, 1024 do not. */
    strcpy(t, HEAD "cmdline = '");
    size_t at = strlen(t);
    memset(t + at, 'x', CONFIG_STRING_MAX - 1);
    strcpy(t + at + CONFIG_STRING_MAX - 1, "'\n");
    parse_ok(t);
    ck_assert_uint_eq(strlen(cfg.cmdline), CONFIG_CMDLINE_MAX - 1);
    memset(t + at, 'x', CONFIG_STRING_MAX);
    strcpy(t + at + CONFIG_STRING_MAX, "'\n");
    ck_assert_int_eq(parse(t), -E2BIG);
    ck_assert_str_eq(rep.error, "t.cfg:3: string longer than 1023 bytes");
    /* root= and extra together too long. */
    memset(t, 0, 64);
    strcpy(t, HEAD "root = '/dev/xvda'\nextra = '");
    at = strlen(t);
    memset(t + at, 'y', 1010);
    strcpy(t + at + 1010, "'\n");
    ck_assert_int_eq(parse(t), -E2BIG);
    ck_assert_str_eq(rep.error,
                     "t.cfg:3: root: 'root=' and 'extra' together longer than 1023 bytes");
    free(t);
}
END_TEST

START_TEST(test_list_limits)
{
    char *t = text_buf(16384);
    char item[64];

    /* 16 disks fit, 17 do not. */
    strcpy(t, HEAD "disk = [\n");
    for (int i = 0; i < CONFIG_MAX_DISKS + 1; i++) {
        snprintf(item, sizeof(item), "'d%d.img,,xvd%c%c',\n", i, 'a' + i / 26, 'a' + i % 26);
        strcat(t, item);
    }
    strcat(t, "]\n");
    ck_assert_int_eq(parse(t), -E2BIG);
    ck_assert_str_eq(rep.error, "t.cfg:20: disk: more than 16 disks");
    /* 8 vifs fit, 9 do not. */
    strcpy(t, HEAD "vif = [");
    for (int i = 0; i < CONFIG_MAX_VIFS; i++)
        strcat(t, "'', ");
    strcat(t, "]\n");
    parse_ok(t);
    ck_assert_uint_eq(cfg.nr_vifs, CONFIG_MAX_VIFS);
    strcpy(t + strlen(t) - 2, "'']\n");
    ck_assert_int_eq(parse(t), -E2BIG);
    ck_assert_str_eq(rep.error, "t.cfg:3: vif: more than 8 vifs");
    /* An ignored key's list is bounded too. */
    strcpy(t, HEAD "vfb = [");
    for (int i = 0; i < CONFIG_LIST_MAX + 1; i++)
        strcat(t, "1,");
    strcat(t, "]\n");
    ck_assert_int_eq(parse(t), -E2BIG);
    ck_assert_str_eq(rep.error, "t.cfg:3: list longer than 64 items");
    /* Long keys and numbers. */
    memset(t, 'k', 100);
    strcpy(t + 100, " = 1\n");
    ck_assert_int_eq(parse(t), -E2BIG);
    ck_assert_str_eq(rep.error, "t.cfg:1: word longer than 63 characters");
    free(t);
}
END_TEST

/* ---- the example configs ---- */

static int parse_file(const char *name)
{
    char path[512], buf[4096];

    snprintf(path, sizeof(path), "%s/%s", SKIFF_CONFIG_EXAMPLES, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return parse_n(buf, n);
}

START_TEST(test_examples)
{
    ck_assert_int_eq(parse_file("hello.cfg"), 0);
    ck_assert_str_eq(cfg.name, "hello");
    ck_assert_str_eq(cfg.kernel, "hello.elf");
    ck_assert_int_eq(parse_file("spinner.cfg"), 0);
    ck_assert_str_eq(cfg.cmdline, "mode=spin");
    ck_assert_int_eq(cfg.on_crash, CONFIG_ACTION_RESTART);
    ck_assert_int_eq(parse_file("devices.cfg"), 0);
    ck_assert_uint_eq(cfg.nr_disks, 2);
    ck_assert_uint_eq(cfg.nr_vifs, 2);
    ck_assert_uint_eq(rep.nr_warnings, 0);
}
END_TEST

/* ---- random corruption: any bytes give 0 or one printable error line ---- */

static bool printable_line(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s >= 0x7f)
            return false;
    return true;
}

START_TEST(test_random_corruption)
{
    static const char base[] = HEAD "memory = 16\nextra = \"a\\tb\"\n"
                                    "disk = [ 'format=raw, vdev=xvda, target=d.img',\n"
                                    "  'e.img,,xvdb,ro', ]\nvif = [ 'mac=00:16:3e:00:00:01' ]\n";
    static const char alphabet[] = "'\"[],=+#;\\\n\r\t x0:-\x00\xff";
    uint64_t rng = 0x5eedc0f19ull;
    char buf[sizeof(base)];

    for (int round = 0; round < 20000; round++) {
        memcpy(buf, base, sizeof(base));
        size_t n = sizeof(base) - 1 - rng_below(&rng, 8);
        for (int k = 0, m = 1 + (int)rng_below(&rng, 4); k < m; k++)
            buf[rng_below(&rng, n)] = alphabet[rng_below(&rng, sizeof(alphabet) - 1)];
        int rc = parse_n(buf, n);
        ck_assert(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -ERANGE);
        ck_assert(rc == 0 ? rep.error[0] == '\0' : rep.error[0] != '\0');
        ck_assert(printable_line(rep.error));
        for (unsigned int w = 0; w < rep.nr_warnings; w++)
            ck_assert(printable_line(rep.warnings[w]));
        ck_assert_uint_le(cfg.nr_disks, CONFIG_MAX_DISKS);
    }
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("dom0_config");
    TCase *tc = tcase_create("config");

    tcase_add_test(tc, test_minimal_defaults);
    tcase_add_test(tc, test_all_keys);
    tcase_add_test(tc, test_disk_forms);
    tcase_add_test(tc, test_vif_forms);
    tcase_add_test(tc, test_strings_and_escapes);
    tcase_add_test(tc, test_layout_edge_cases);
    tcase_add_test(tc, test_extra_and_root);
    tcase_add_test(tc, test_warnings);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_list_limits);
    tcase_add_test(tc, test_examples);
    tcase_add_test(tc, test_random_corruption);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(config_suite());
}
