package org.tutti.reflector;

import java.util.concurrent.atomic.AtomicLong;

/** Control-plane counters (handshakes and slot lifecycle). Data-path counters live in the data plane. */
public final class ReflectorStats {
    final AtomicLong handshakes = new AtomicLong();
    final AtomicLong legacyHandshakes = new AtomicLong();
    final AtomicLong authMarkers = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong endedByExit = new AtomicLong();
    final AtomicLong endedByTimeout = new AtomicLong();

    /** Clients given a port (68-byte and legacy requests). */
    public long handshakes() {
        return handshakes.get();
    }

    /** Of those, 4-byte (pre-1.3) requests. */
    public long legacyHandshakes() {
        return legacyHandshakes.get();
    }

    /** Auth markers answered with NOTREQUIRED. */
    public long authMarkers() {
        return authMarkers.get();
    }

    /** Requests closed without a reply: no free slot, or no UDP port could be bound. */
    public long refused() {
        return refused.get();
    }

    /** Connections closed without a usable request (nothing, or a zero port, before the timeout). */
    public long malformed() {
        return malformed.get();
    }

    public long endedByExit() {
        return endedByExit.get();
    }

    public long endedByTimeout() {
        return endedByTimeout.get();
    }
}
