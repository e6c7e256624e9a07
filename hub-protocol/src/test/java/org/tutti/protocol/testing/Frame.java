package org.tutti.protocol.testing;

import java.time.Instant;

/**
 * One captured frame, as stored in the file.
 *
 * @param number         1-based position among the file's packet records, as Wireshark and tshark
 *                       number frames ({@code frame.number})
 * @param timestamp      capture time, or {@code null} for a pcapng Simple Packet Block, which has none
 * @param linkType       the {@link LinkType} of the interface it was captured on
 * @param originalLength the frame's length on the wire; {@code data} is shorter if the snap length cut it
 * @param data           the captured bytes, starting with the link-layer header. Shared, not copied:
 *                       do not modify
 */
public record Frame(int number, Instant timestamp, int linkType, int originalLength, byte[] data) {

    /** Whether the capture holds the whole frame (the snap length did not cut it). */
    public boolean isComplete() {
        return data.length >= originalLength;
    }

    @Override
    public String toString() {
        return "Frame[" + number + " " + timestamp + " " + LinkType.name(linkType) + " " + data.length + "/"
                + originalLength + " bytes]";
    }
}
