package org.tutti.loadgen;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Mix mode's latency markers: one client at a time (round robin over the streaming clients) puts
 * an impulse into its next packet every interval; every client that hears it records the time since
 * it was sent. Shared by the sending and receiving threads; touched about ten times a second.
 */
final class Markers {
    private final long intervalNanos;
    private final SimClient[] clients;
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    private volatile int emitter;
    private volatile long lastId;
    private volatile long lastSentNanos;

    Markers(long intervalNanos, SimClient[] clients) {
        this.intervalNanos = intervalNanos;
        this.clients = clients;
    }

    /** Whether {@code client} should put a marker into the packet it is building at {@code now}; claims it if so. */
    boolean claim(SimClient client, long now) {
        if (client.index != emitter) {
            return false;
        }
        long due = nextAt.get();
        if (due != Long.MIN_VALUE && now - due < 0) {
            return false;
        }
        if (!nextAt.compareAndSet(due, now + intervalNanos)) {
            return false;
        }
        lastSentNanos = now;
        lastId = lastId + 1;
        emitter = nextEmitter(client.index);
        return true;
    }

    private int nextEmitter(int current) {
        for (int i = 1; i <= clients.length; i++) {
            int candidate = (current + i) % clients.length;
            SimClient c = clients[candidate];
            if (c != null && c.isStreaming()) {
                return candidate;
            }
        }
        return current;
    }

    /** Moves on when the client due to emit is not streaming (yet, or any more) or has stopped sending. */
    void maintain(long now) {
        SimClient current = clients[emitter];
        if (current == null || !current.isStreaming()) {
            emitter = nextEmitter(emitter);
            return;
        }
        long due = nextAt.get();
        if (due != Long.MIN_VALUE && now - due > 4 * intervalNanos && nextAt.compareAndSet(due, now)) {
            emitter = nextEmitter(emitter);
        }
    }

    long lastId() {
        return lastId;
    }

    long lastSentNanos() {
        return lastSentNanos;
    }

    long intervalNanos() {
        return intervalNanos;
    }
}
