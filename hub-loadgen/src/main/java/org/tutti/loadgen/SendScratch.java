package org.tutti.loadgen;

import java.nio.ByteBuffer;
import org.tutti.protocol.udp.PacketHeader;

/** Buffers one sending thread builds packets in; reused for every packet of every client. */
final class SendScratch {
    final RunClock clock;
    final PacketHeader header = new PacketHeader();
    final ByteBuffer packet;
    final ByteBuffer datagram;
    /** One sample, for the marker. */
    final float[] one = new float[1];

    SendScratch(LoadConfig config, RunClock clock) {
        this.clock = clock;
        this.packet = ByteBuffer.allocateDirect(config.packetSize());
        this.datagram = ByteBuffer.allocateDirect(config.datagramSize());
    }
}
