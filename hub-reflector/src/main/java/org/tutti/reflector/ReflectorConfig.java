package org.tutti.reflector;

import java.net.InetAddress;
import java.time.Duration;
import org.tutti.transport.Transport;

/**
 * Everything the reflector needs to run.
 *
 * @param bindAddress  address for the TCP listener and every UDP socket ({@code null} = all addresses)
 * @param tcpPort      handshake port; 0 picks a free one (see {@link Reflector#tcpPort()})
 * @param udpBase      first client UDP port; client slot k gets {@code udpBase + k}
 * @param maxClients   number of slots (JackTrip: 1024)
 * @param transport    data-plane implementation
 * @param timeout      a slot is freed when no datagram arrives for this long (JackTrip: 10 s)
 * @param nameWait     how long to wait for the 64 name bytes after a 4-byte request before taking it as legacy
 * @param maxDatagram  largest datagram echoed without truncation
 * @param batch        nio: pause after each pass over the ready sockets (fewer wake-ups, up to that much added delay)
 * @param ipv6         dual-stack (IPv6 and IPv4) UDP sockets when no IPv4 bind address is given; otherwise
 *                     IPv4 sockets, which are cheaper per datagram for IPv4 clients
 */
public record ReflectorConfig(InetAddress bindAddress, int tcpPort, int udpBase, int maxClients, Transport transport,
                              Duration timeout, Duration nameWait, int maxDatagram, Duration batch, boolean ipv6) {
    public static final int DEFAULT_TCP_PORT = 4464;
    /** JackTrip's UDP base for the default TCP port. */
    public static final int DEFAULT_UDP_BASE = 61002;
    public static final int JACKTRIP_MAX_CLIENTS = 1024;

    public ReflectorConfig {
        if (tcpPort < 0 || tcpPort > 65535) {
            throw new IllegalArgumentException("TCP port out of range: " + tcpPort);
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("max clients must be at least 1: " + maxClients);
        }
        if (udpBase < 1 || udpBase + maxClients - 1 > 65535) {
            throw new IllegalArgumentException("UDP ports " + udpBase + ".." + (udpBase + maxClients - 1)
                    + " are not all valid; lower --udp-base or --max-clients");
        }
        if (maxDatagram < 64 || maxDatagram > 65535) {
            throw new IllegalArgumentException("max datagram must be 64..65535: " + maxDatagram);
        }
    }

    /** Whether the UDP sockets are IPv4 only (the default for IPv4 or no bind address, unless {@link #ipv6}). */
    public boolean ipv4Sockets() {
        if (bindAddress != null) {
            return bindAddress instanceof java.net.Inet4Address;
        }
        return !ipv6;
    }

    /** JackTrip's default UDP base for a TCP port: 61002 + (port − 4464). */
    public static int jackTripUdpBase(int tcpPort) {
        return DEFAULT_UDP_BASE + (tcpPort - DEFAULT_TCP_PORT);
    }

    /** Defaults for tests: loopback, given ports, NIO, 10 s timeout. */
    public static ReflectorConfig loopback(int tcpPort, int udpBase, int maxClients, Transport transport) {
        return new ReflectorConfig(InetAddress.getLoopbackAddress(), tcpPort, udpBase, maxClients, transport,
                Duration.ofSeconds(10), Duration.ofMillis(200), 65535, Duration.ZERO, false);
    }
}
