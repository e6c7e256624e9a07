package org.tutti.server.api;

import java.util.concurrent.atomic.LongAdder;

/** API request outcomes, for metrics. */
public final class ApiStats {
    public final LongAdder ok = new LongAdder();
    public final LongAdder clientErrors = new LongAdder();
    public final LongAdder unauthorized = new LongAdder();
    public final LongAdder serverErrors = new LongAdder();
    /** TLS handshakes that failed or timed out (with HTTPS on). */
    public final LongAdder tlsFailures = new LongAdder();
}
