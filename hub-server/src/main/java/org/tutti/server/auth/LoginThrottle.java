package org.tutti.server.auth;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down an address that keeps failing to log in: after its n-th failure within
 * {@link #FORGET_MILLIS}, its next answer waits 250 ms × 2^(n−1), at most {@link #MAX_DELAY_MILLIS}.
 * A success clears the address. At most {@link #MAX_ADDRESSES} addresses are remembered (the oldest go
 * first), so a spray from many addresses cannot grow it without bound. Thread-safe.
 */
public final class LoginThrottle {
    static final long FORGET_MILLIS = 15 * 60_000L;
    static final long MAX_DELAY_MILLIS = 8_000;
    static final int MAX_ADDRESSES = 10_000;

    private record Failures(int count, long lastMillis) {
    }

    private final Map<InetAddress, Failures> byAddress = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** How long to wait before answering {@code address} now. */
    public synchronized long delayMillis(InetAddress address, long nowMillis) {
        Failures failures = byAddress.get(address);
        if (failures == null || nowMillis - failures.lastMillis() > FORGET_MILLIS) {
            return 0;
        }
        return Math.min(MAX_DELAY_MILLIS, 250L << Math.min(failures.count() - 1, 10));
    }

    /** How long {@code address} must still wait before it may try again (for logins that cannot be held back). */
    public synchronized long retryAfterMillis(InetAddress address, long nowMillis) {
        Failures failures = byAddress.get(address);
        if (failures == null) {
            return 0;
        }
        return Math.max(0, failures.lastMillis() + delayMillis(address, nowMillis) - nowMillis);
    }

    /** Notes a failed login; returns how many in a row this address has now. */
    public synchronized int failed(InetAddress address, long nowMillis) {
        Failures before = byAddress.get(address);
        int count = before == null || nowMillis - before.lastMillis() > FORGET_MILLIS ? 1 : before.count() + 1;
        byAddress.put(address, new Failures(count, nowMillis));
        return count;
    }

    public synchronized void succeeded(InetAddress address) {
        byAddress.remove(address);
    }
}
