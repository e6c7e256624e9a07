package org.tutti.loadgen;

import io.netty.channel.unix.Socket;

/** A non-blocking UDP socket of Netty's native layer: a file descriptor io_uring can use. */
final class NativeUdpSocket extends Socket {
    private NativeUdpSocket(int fd) {
        super(fd);
    }

    static NativeUdpSocket open(boolean ipv6) {
        return new NativeUdpSocket(newSocketDgram0(ipv6));
    }
}
