/*
 * public/io/xenbus.h - the states of a split device's two ends, as each
 * writes them to its <dir>/state node in xenstore (a decimal number).
 * Values and meaning are Xen's (io/xenbus.h).
 *
 * The usual handshake (backend: dom0's blkback; frontend: a guest):
 *   toolstack  writes both directories; both ends Initialising (1)
 *   backend    writes its features, then InitWait (2)
 *   frontend   reads them, shares its ring (ring-ref, event-channel), Initialised (3)
 *   backend    maps the ring, binds the channel, writes what the frontend
 *              needs to use it (sectors, ...), Connected (4)
 *   frontend   Connected (4)
 * Either end leaves through Closing (5) to Closed (6); a frontend that
 * goes back to Initialising (1) after Closed asks to be connected again.
 */
#ifndef SKIFF_PUBLIC_IO_XENBUS_H
#define SKIFF_PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown = 0,      /* no state node, or not a number */
    XenbusStateInitialising = 1, /* being set up */
    XenbusStateInitWait = 2,     /* backend: features written, waiting for the frontend */
    XenbusStateInitialised = 3,  /* frontend: ring shared, waiting for the backend */
    XenbusStateConnected = 4,    /* in use */
    XenbusStateClosing = 5,      /* going away: finish or fail what is in flight */
    XenbusStateClosed = 6,       /* gone; resources released */
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured = 8,
};

#endif /* SKIFF_PUBLIC_IO_XENBUS_H */
