package org.tutti.protocol.testing;

/** A capture file that is not valid pcap or pcapng, or is cut short. */
public final class CaptureFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaptureFormatException(String message) {
        super(message);
    }
}
