package org.tutti.loadgen;

import java.nio.ByteBuffer;

/** Where the sending logic puts a datagram: the transport's socket for that client. */
interface PacketOut {
    /** Sends {@code datagram[0, length)} from {@code client}'s socket; false if the socket refused it. */
    boolean send(SimClient client, ByteBuffer datagram, int length);
}
