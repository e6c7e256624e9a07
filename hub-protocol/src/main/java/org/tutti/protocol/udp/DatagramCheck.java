package org.tutti.protocol.udp;

/**
 * What {@link DatagramValidator} found in one datagram. {@link #fatal()} results end the session
 * (JackTrip refuses them with exit ×2); the others drop just that datagram.
 */
public enum DatagramCheck {
    OK(false, "ok"),
    EXIT(false, "exit packet"),
    CONTROL(false, "63-byte control packet that is not an exit packet"),
    TOO_SHORT(false, "shorter than the 16-byte header"),
    INVALID_SAMPLE_RATE(false, "sample-rate code outside 0..7"),
    SAMPLE_RATE_MISMATCH(true, "sample rate differs from the hub's"),
    INVALID_BIT_RESOLUTION(false, "bit resolution is not 8, 16, 24 or 32"),
    BIT_RESOLUTION_MISMATCH(true, "bit resolution not accepted by this hub"),
    NO_FRAMES(false, "buffer size is 0"),
    TOO_MANY_FRAMES(false, "buffer size above the hub's limit"),
    NO_CHANNELS(false, "packet neither carries nor asks for any channel"),
    TOO_MANY_CHANNELS(false, "channel count above the hub's limit"),
    SIZE_MISMATCH(false, "length is not a whole number of packets of the size the header declares");

    private final boolean fatal;
    private final String description;

    DatagramCheck(boolean fatal, String description) {
        this.fatal = fatal;
        this.description = description;
    }

    /** A settings mismatch: the session cannot continue. */
    public boolean fatal() {
        return fatal;
    }

    /** Malformed or unusable audio: count it and drop the datagram. */
    public boolean malformed() {
        return this != OK && this != EXIT && !fatal;
    }

    public String description() {
        return description;
    }
}
