/**
 * Test support shared by every module that speaks the JackTrip hub protocol: reading real packet
 * captures and finding the datagrams and handshakes in them. Published in hub-protocol's test-jar.
 *
 * <p>The pieces, bottom up:
 * <ul>
 *   <li>{@link org.tutti.protocol.testing.CaptureFile} reads classic pcap (µs and ns, either byte
 *       order) and pcapng (SHB, IDB, EPB, SPB and the obsolete PB; unknown blocks are skipped) into
 *       {@link org.tutti.protocol.testing.Frame}s, numbered from 1 as Wireshark numbers them.</li>
 *   <li>{@link org.tutti.protocol.testing.PacketDissector} takes a frame apart (Ethernet, Linux
 *       cooked SLL/SLL2, raw IP, BSD loopback; IPv4 and IPv6) into a
 *       {@link org.tutti.protocol.testing.UdpDatagram} or a {@link org.tutti.protocol.testing.TcpSegment}.</li>
 *   <li>{@link org.tutti.protocol.testing.TcpConnection} groups segments into connections and
 *       reassembles each direction's byte stream (in sequence order, retransmissions dropped).</li>
 *   <li>{@link org.tutti.protocol.testing.Capture} is one dissected capture with the look-ups tests
 *       need, and {@link org.tutti.protocol.testing.Captures} opens the real JackTrip captures
 *       stored under {@code src/test/resources/captures/} from the classpath.</li>
 * </ul>
 *
 * <p>Everything here is deliberately independent of the main protocol classes, so that tests which
 * check those classes against real traffic do not depend on the code under test to find the traffic.
 * Nothing here calls tshark; the reader was checked against tshark once and the reference values are
 * stored next to the captures ({@code captures/tshark-reference.tsv}).
 */
package org.tutti.protocol.testing;
