package org.tutti.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.transport.Transport;

/**
 * The warm-up runs at every hub start on the hub's own transport: on each of them, every audio
 * event loop sends and receives all its datagrams, and no socket is left open after.
 */
class DatagramPathWarmUpTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void everyLoopSendsAndReceivesItsDatagramsAndClosesItsSockets(Transport transport) throws Exception {
        transport.ensureAvailable();
        EventLoopGroup group = transport.newGroup(2, "warm-up-test");
        try {
            UdpEndpoints endpoints = new UdpEndpoints(group, transport, InetAddress.getLoopbackAddress(),
                    DatagramValidator.forHubRate(48000));
            long socketsBefore = udpSocketsOfThisProcess();
            DatagramPathWarmUp.Result result = endpoints.warmUp(528);
            int sent = 2 * DatagramPathWarmUp.PACKETS;
            assertEquals(new DatagramPathWarmUp.Result(sent, sent), result);
            // NIO closes a socket registered with a selector only when its loop next enters select(), which
            // on a busy machine can come after close() has returned: wait for that, not longer. A socket
            // the warm-up leaves open never goes and still fails this.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long socketsAfter = udpSocketsOfThisProcess();
            while (socketsAfter != socketsBefore && System.nanoTime() < deadline) {
                Thread.sleep(10);
                socketsAfter = udpSocketsOfThisProcess();
            }
            assertEquals(socketsBefore, socketsAfter, "UDP sockets open before and after");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** This process's file descriptors that are UDP sockets (their inodes listed in /proc/net/udp or udp6). */
    private static long udpSocketsOfThisProcess() throws IOException {
        Set<String> udp = new HashSet<>();
        for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) { // dual-stack sockets are in udp6
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && !fields[0].equals("sl")) {
                    udp.add("socket:[" + fields[9] + "]");
                }
            }
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return udp.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }
}
