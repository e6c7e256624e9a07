package org.tutti.protocol.handshake;

/** How far a handshake parse got. Incomplete input is never an error and never a guess. */
public enum ParseStatus {
    /** Not enough bytes yet. */
    NEED_MORE,
    /**
     * Only the 4-byte port so far. A legacy (≤ 1.2) client stops here; a modern one sends 64 name
     * bytes with it. The caller decides how long to wait before treating it as legacy.
     */
    PORT_ONLY,
    /** The full 68-byte request (or the complete authenticated request). */
    COMPLETE,
    /** The client sent the auth marker 65536 instead of a port. */
    AUTH_REQUESTED,
    /** The bytes cannot be a valid request (for example a negative or oversized length). */
    MALFORMED
}
