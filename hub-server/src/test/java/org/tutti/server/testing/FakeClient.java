package org.tutti.server.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tutti.protocol.handshake.HandshakeExchange;
import org.tutti.protocol.handshake.HandshakeReply;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;
import org.tutti.protocol.udp.SampleRate;

/**
 * A JackTrip client written from the protocol, for tests that need exact control over what is sent
 * (sequence numbers, formats, malformed datagrams) and see exactly what comes back.
 */
public final class FakeClient implements AutoCloseable {
    private final DatagramChannel channel;
    private final InetSocketAddress hub;
    private final PacketHeader header = new PacketHeader();
    private final ByteBuffer out = ByteBuffer.allocate(65536);
    private final ByteBuffer in = ByteBuffer.allocate(65536);
    public int frames = 128;
    public int rateCode = SampleRate.SR48.code();
    public BitResolution resolution = BitResolution.BIT16;
    public int channelsSent = 2;
    public int channelsWanted = 2;
    private int sequence;

    private FakeClient(DatagramChannel channel, InetSocketAddress hub) {
        this.channel = channel;
        this.hub = hub;
    }

    /** Does the TCP handshake and returns the hub's reply (a port, or an auth code). */
    public static int handshake(int tcpPort, int clientUdpPort, String name) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", tcpPort)) {
            socket.setSoTimeout(5000);
            return HandshakeExchange.exchange(socket, new HandshakeRequest(clientUdpPort, name, false));
        }
    }

    /** Handshakes as {@code name} and opens the UDP socket on {@code localPort}. */
    public static FakeClient connect(int tcpPort, int localPort, String name) throws IOException {
        int hubPort = handshake(tcpPort, localPort, name);
        if (!HandshakeReply.isPort(hubPort)) {
            throw new IOException("hub replied " + hubPort + " instead of a port");
        }
        return open(localPort, hubPort);
    }

    /** A UDP socket on {@code localPort} talking to the hub's {@code hubPort}. */
    public static FakeClient open(int localPort, int hubPort) throws IOException {
        return open("127.0.0.1", localPort, hubPort);
    }

    /**
     * A UDP socket on {@code address:localPort} (any loopback address: 127.0.0.2 is another host as
     * far as the hub can tell; 0 = any port) talking to the hub's {@code hubPort}.
     */
    public static FakeClient open(String address, int localPort, int hubPort) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.bind(new InetSocketAddress(address, localPort));
        channel.configureBlocking(false);
        return new FakeClient(channel, new InetSocketAddress("127.0.0.1", hubPort));
    }

    public int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    public int nextSequence() {
        return sequence;
    }

    /** Sends one audio packet with the next sequence number; {@code audio[c][n]}. */
    public void send(float[][] audio) throws IOException {
        sendWithSequence(sequence, audio);
        sequence = (sequence + 1) & 0xFFFF;
    }

    /** Sends silence packets. */
    public void sendSilence(int packets) throws IOException {
        float[][] silence = new float[channelsSent][frames];
        for (int i = 0; i < packets; i++) {
            send(silence);
        }
    }

    /**
     * Streams silence at real-time pace for {@code packets} packets, leaving out (as lost on the way)
     * the ones {@code lose} picks by packet number.
     */
    public void stream(int packets, java.util.function.IntPredicate lose, int sampleRate) throws IOException {
        float[][] silence = new float[channelsSent][frames];
        long period = frames * 1_000_000_000L / sampleRate;
        long next = System.nanoTime();
        for (int i = 0; i < packets; i++) {
            if (lose.test(i)) {
                skip();
            } else {
                send(silence);
            }
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 200_000) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait - 100_000);
            }
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
        }
    }

    /** Skips a sequence number (a lost packet). */
    public void skip() {
        sequence = (sequence + 1) & 0xFFFF;
    }

    public void sendWithSequence(int seq, float[][] audio) throws IOException {
        int length = build(seq, audio, out, 0);
        out.limit(length).position(0);
        channel.send(out, hub);
        out.clear();
    }

    /** Builds a packet into {@code target} at {@code offset}; returns its length. */
    public int build(int seq, float[][] audio, ByteBuffer target, int offset) {
        header.wrap(target, offset).timestamp(System.currentTimeMillis() * 1000).sequenceNumber(seq).bufferSize(frames)
                .samplingRateCode(rateCode).bitResolution(resolution.bits()).channelsWanted(channelsWanted)
                .channelsCarried(channelsSent);
        if (channelsSent == 0) {
            header.channelsCarriedField(PacketHeader.CARRIED_NONE);
        }
        PayloadCodec.encode(audio, 0, channelsSent, frames, resolution, target, offset);
        return PacketLayout.packetSize(frames, channelsSent, resolution.bytesPerSample());
    }

    public void sendRaw(byte[] datagram) throws IOException {
        channel.send(ByteBuffer.wrap(datagram), hub);
    }

    public void sendExit() throws IOException {
        for (int i = 0; i < ExitPacket.REPEAT; i++) {
            sendRaw(ExitPacket.bytes());
        }
    }

    /** Every datagram that arrives within {@code millis}. */
    public List<byte[]> receive(long millis) throws IOException {
        List<byte[]> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            in.clear();
            if (channel.receive(in) != null) {
                in.flip();
                byte[] copy = new byte[in.remaining()];
                in.get(copy);
                got.add(copy);
            } else {
                JackServer.sleep(1);
            }
        }
        return got;
    }

    /** Decodes a received audio datagram. */
    public static float[][] decode(byte[] datagram) {
        ByteBuffer buffer = ByteBuffer.wrap(datagram);
        PacketHeader h = new PacketHeader().wrap(buffer, 0);
        BitResolution res = BitResolution.fromBits(h.bitResolution());
        float[][] audio = new float[h.channelsCarried()][h.bufferSize()];
        PayloadCodec.decode(buffer, 0, h.bufferSize(), h.channelsCarried(), res, audio, audio.length, 0);
        return audio;
    }

    public static boolean isExit(byte[] datagram) {
        return ExitPacket.isExit(ByteBuffer.wrap(datagram), 0, datagram.length);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
