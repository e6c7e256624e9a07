package org.tutti.protocol.captures;

import java.nio.ByteBuffer;

/**
 * How a test decodes a packet's planar payload into float channels; the sample-side counterpart of
 * {@link HeaderView}. {@link WireViews#REAL} is the implementation over the production
 * {@code PayloadCodec}.
 */
interface SampleView {
    /** Decodes {@code channels} × {@code frames} samples of {@code bits} bits from the packet at {@code packetStart}. */
    float[][] decode(ByteBuffer buffer, int packetStart, int frames, int channels, int bits);
}
