/*
 * xs_wire.h - xenstored's view of the XenStore wire protocol: the public
 * header (hypervisor/include/public/io/xs_wire.h), which guests use too.
 */
#ifndef DOM0_XS_WIRE_H
#define DOM0_XS_WIRE_H

#include <public/io/xs_wire.h>

#endif /* DOM0_XS_WIRE_H */
