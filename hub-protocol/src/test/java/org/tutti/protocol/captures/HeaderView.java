package org.tutti.protocol.captures;

import java.nio.ByteBuffer;

/**
 * How a test reads the 16-byte header of the packet at {@code buffer[offset]}. The capture tests go
 * through this interface so that {@link CaptureSensitivityTest} can run the very same assertions
 * with deliberately wrong readers and show that they would catch the mistake.
 * {@link WireViews#REAL} is the implementation over the production {@code PacketHeader}.
 */
interface HeaderView {
    long timestamp(ByteBuffer buffer, int offset);

    int sequenceNumber(ByteBuffer buffer, int offset);

    int bufferSize(ByteBuffer buffer, int offset);

    int samplingRateCode(ByteBuffer buffer, int offset);

    int bitResolution(ByteBuffer buffer, int offset);

    int channelsWanted(ByteBuffer buffer, int offset);

    /** Byte 15 exactly as on the wire. */
    int channelsCarriedField(ByteBuffer buffer, int offset);

    /** Channels the packet carries (byte 15, where 0 means byte 14 and 255 means none). */
    int channelsCarried(ByteBuffer buffer, int offset);
}
