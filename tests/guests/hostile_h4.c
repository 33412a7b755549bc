/*
 * hostile_h4.c - HOSTILE.md H4: output structures are fully defined: bytes
 * the hypervisor does not mean to return are zero, never left-over
 * hypervisor data or the guest's own old contents.
 */
#include <string.h>

#include <skiff/hypercall.h>
#include <skiff/test.h>

static void extraversion_zero_padded(void)
{
    char extra[XEN_EXTRAVERSION_LEN];

    memset(extra, 0xaa, sizeof(extra));
    TEST_EQ(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    size_t len = strnlen(extra, sizeof(extra));
    TEST_CHECK(len < sizeof(extra));
    for (size_t i = len; i < sizeof(extra); i++)
        TEST_EQ((unsigned char)extra[i], 0);
}

static void physinfo_reply_zero_padded(void)
{
    struct skiff_sysctl op;

    memset(&op, 0xaa, sizeof(op));
    op.cmd = SKIFF_SYSCTL_physinfo;
    op.interface_version = SKIFF_SYSCTL_INTERFACE_VERSION;
    TEST_EQ(HYPERVISOR_sysctl(&op), 0);
    const unsigned char *u = (const unsigned char *)&op.u;
    for (size_t i = sizeof(op.u.physinfo); i < sizeof(op.u); i++)
        TEST_EQ(u[i], 0);
    TEST_CHECK(op.u.physinfo.free_pages != 0xaaaaaaaaaaaaaaaaull);
}

static void features_of_unknown_word(void)
{
    struct xen_feature_info fi;

    memset(&fi, 0xaa, sizeof(fi));
    fi.submap_idx = 5;
    TEST_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    TEST_EQ(fi.submap, 0);
    TEST_EQ(fi.submap_idx, 5);
}

int main(void)
{
    extraversion_zero_padded();
    physinfo_reply_zero_padded();
    features_of_unknown_word();
    return test_finish();
}
