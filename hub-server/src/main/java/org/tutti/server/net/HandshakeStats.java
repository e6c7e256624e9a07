package org.tutti.server.net;

import java.util.concurrent.atomic.LongAdder;

/** Handshake outcomes, for logs and metrics. */
public final class HandshakeStats {
    public final LongAdder accepted = new LongAdder();
    public final LongAdder refused = new LongAdder();
    public final LongAdder authNotRequired = new LongAdder();
    public final LongAdder garbage = new LongAdder();
    public final LongAdder timedOut = new LongAdder();
    public final LongAdder overLimit = new LongAdder();
    public final LongAdder errors = new LongAdder();
}
