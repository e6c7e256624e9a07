package org.tutti.server.session;

/** Why a session ended, for logs and metrics, and whether the client gets exit packets. */
public enum SessionEndReason {
    CLIENT_EXIT("the client sent its exit packet", true),
    SILENCE_TIMEOUT("no audio for the session timeout", true),
    NO_AUDIO("no datagram arrived after the handshake", false),
    SAMPLE_RATE_MISMATCH("its sample rate differs from the hub's", true),
    BIT_RESOLUTION_MISMATCH("its bit resolution is not accepted by this hub", true),
    KICKED("kicked by the operator", true),
    REPLACED("the same client reconnected", false),
    HUB_SHUTDOWN("the hub is shutting down", true),
    NETWORK_ERROR("its UDP socket failed", true),
    STREAM_FAILED("the hub could not set up its stream", true);

    private final String description;
    private final boolean sendsExit;

    SessionEndReason(String description, boolean sendsExit) {
        this.description = description;
        this.sendsExit = sendsExit;
    }

    public String description() {
        return description;
    }

    /**
     * Whether to send exit ×2 (as JackTrip does on every end). Never when the client's address now
     * belongs to a newer session; that rule is applied separately.
     */
    public boolean sendsExit() {
        return sendsExit;
    }

    /** A refusal rather than a leave (logged as such). */
    public boolean refusal() {
        return this == SAMPLE_RATE_MISMATCH || this == BIT_RESOLUTION_MISMATCH;
    }
}
