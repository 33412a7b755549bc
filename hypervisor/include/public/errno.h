/*
 * public/errno.h - error numbers returned by Skiff hypercalls.
 *
 * Hypercalls return the negative of one of these. The values are Xen's
 * (which are Linux's), so a Xen-literate reader and Xen-derived code see the
 * numbers they expect. Each hypercall's documentation lists the ones it
 * returns.
 *
 * Used as an X-macro: define SKIFF_ERRNO(name, value) before including to get
 * the list; without it this header defines enum skiff_errno with SKIFF_<name>.
 */
#ifndef SKIFF_ERRNO
#ifndef SKIFF_PUBLIC_ERRNO_H
#define SKIFF_PUBLIC_ERRNO_H
#define SKIFF_ERRNO_DEFAULT_INCLUDE
#define SKIFF_ERRNO(name, value) SKIFF_##name = value,
enum skiff_errno {
#endif
#endif

#ifdef SKIFF_ERRNO
    SKIFF_ERRNO(EPERM, 1)         /* Operation not permitted */
    SKIFF_ERRNO(ENOENT, 2)        /* No such entry */
    SKIFF_ERRNO(ESRCH, 3)         /* No such domain */
    SKIFF_ERRNO(EIO, 5)           /* I/O error */
    SKIFF_ERRNO(ENXIO, 6)         /* No such device or address */
    SKIFF_ERRNO(E2BIG, 7)         /* Argument list too long */
    SKIFF_ERRNO(ENOEXEC, 8)       /* Exec format error */
    SKIFF_ERRNO(EBADF, 9)         /* Bad file number */
    SKIFF_ERRNO(EAGAIN, 11)       /* Try again */
    SKIFF_ERRNO(ENOMEM, 12)       /* Out of memory */
    SKIFF_ERRNO(EACCES, 13)       /* Permission denied */
    SKIFF_ERRNO(EFAULT, 14)       /* Bad address */
    SKIFF_ERRNO(EBUSY, 16)        /* Device or resource busy */
    SKIFF_ERRNO(EEXIST, 17)       /* Already exists */
    SKIFF_ERRNO(ENODEV, 19)       /* No such device */
    SKIFF_ERRNO(EINVAL, 22)       /* Invalid argument */
    SKIFF_ERRNO(ENOSPC, 28)       /* No space left */
    SKIFF_ERRNO(EROFS, 30)        /* Read-only */
    SKIFF_ERRNO(ERANGE, 34)       /* Result out of range */
    SKIFF_ERRNO(ENAMETOOLONG, 36) /* Name too long */
    SKIFF_ERRNO(ENOSYS, 38)       /* Function not implemented */
    SKIFF_ERRNO(ENOTEMPTY, 39)    /* Not empty */
    SKIFF_ERRNO(ENODATA, 61)      /* No data available */
    SKIFF_ERRNO(ETIME, 62)        /* Timer expired */
    SKIFF_ERRNO(EOVERFLOW, 75)    /* Value too large */
    SKIFF_ERRNO(EOPNOTSUPP, 95)   /* Operation not supported */
    SKIFF_ERRNO(ENOBUFS, 105)     /* No buffer space available */
    SKIFF_ERRNO(EISCONN, 106)     /* Already connected */
    SKIFF_ERRNO(ENOTCONN, 107)    /* Not connected */
    SKIFF_ERRNO(ETIMEDOUT, 110)   /* Timed out */
#undef SKIFF_ERRNO
#endif

#ifdef SKIFF_ERRNO_DEFAULT_INCLUDE
#undef SKIFF_ERRNO_DEFAULT_INCLUDE
};
#endif
