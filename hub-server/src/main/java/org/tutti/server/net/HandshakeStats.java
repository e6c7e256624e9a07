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
    /** With -A: a client that did not ask to authenticate (answered REQUIRED). */
    public final LongAdder authRequired = new LongAdder();
    public final LongAdder wrongCredentials = new LongAdder();
    public final LongAdder wrongTime = new LongAdder();
    /** TLS handshakes that failed or stalled past the deadline. */
    public final LongAdder tlsFailed = new LongAdder();
    /** Logins refused unread because too many were waiting to be checked. */
    public final LongAdder authBusy = new LongAdder();
}
