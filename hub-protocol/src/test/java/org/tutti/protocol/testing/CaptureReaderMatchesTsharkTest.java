package org.tutti.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pcap/pcapng reader and dissector agree with tshark on every frame of every stored capture:
 * frame number, timestamp (µs), frame length, protocol, addresses, ports, payload length and
 * payload CRC-32, and for TCP the raw sequence number and flags. The tshark side was recorded once in
 * {@code captures/tshark-reference.tsv} (see {@code tshark-reference.py}); tshark is not run here.
 */
class CaptureReaderMatchesTsharkTest {
    private static final Reference REFERENCE = Reference.load();

    static List<String> captures() {
        return Captures.ALL;
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyFrameMatchesTshark(String name) {
        List<String> table = render(Captures.open(name));
        Map<Integer, String> recorded = REFERENCE.rows.get(name);

        for (Map.Entry<Integer, String> row : recorded.entrySet()) {
            assertEquals(row.getValue(), table.get(row.getKey() - 1), name + " frame " + row.getKey());
        }
        assertEquals(REFERENCE.frameCounts.get(name), table.size(), name + " frame count");
        assertEquals(REFERENCE.digests.get(name), sha256(String.join("", table.stream().map(r -> r + "\n").toList())),
                name + ": the full table differs from tshark's; run tshark-reference.py and diff");
    }

    @Test
    void theReferenceCoversEveryStoredCapture() {
        assertEquals(Captures.ALL.stream().sorted().toList(), REFERENCE.digests.keySet().stream().sorted().toList());
    }

    @Test
    void theStoredCapturesAreTheUnmodifiedOriginals() {
        String sums = Captures.sharedText("SHA256SUMS");
        int checked = 0;
        for (String line : sums.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String[] path = parts[1].split("/");
            assertEquals(parts[0], sha256(Captures.bytes(path[0], path[1])), parts[1]);
            checked++;
        }
        assertEquals(Captures.ALL.size(), checked);
    }

    /** One tab-separated row per frame, in tshark-reference.py's format. */
    static List<String> render(Capture capture) {
        List<String> rows = new ArrayList<>();
        for (Frame frame : capture.frames()) {
            StringBuilder row = new StringBuilder();
            long micros = frame.timestamp().getEpochSecond() * 1_000_000L + frame.timestamp().getNano() / 1_000;
            row.append(frame.number()).append('\t').append(micros).append('\t').append(frame.originalLength());
            Optional<TransportPacket> packet = PacketDissector.dissect(frame);
            if (packet.isEmpty()) {
                rows.add(row.append("\t-").toString());
                continue;
            }
            TransportPacket p = packet.get();
            CRC32 crc = new CRC32();
            crc.update(p.payload());
            row.append('\t').append(p instanceof UdpDatagram ? "udp" : "tcp")
                    .append('\t').append(address(p.source().getAddress())).append('\t').append(p.sourcePort())
                    .append('\t').append(address(p.destination().getAddress())).append('\t').append(p.destinationPort())
                    .append('\t').append(p.payload().length).append('\t').append(Long.toHexString(crc.getValue()));
            if (p instanceof TcpSegment tcp) {
                row.append('\t').append(tcp.sequence()).append('\t').append(tcp.flags());
            }
            rows.add(row.toString());
        }
        return rows;
    }

    private static String address(InetAddress address) {
        String text = address.getHostAddress();
        // Drop a scope id ("%lo") if the JDK adds one; tshark does not print it.
        return address instanceof Inet6Address && text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
    }

    private static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The parsed tshark-reference.tsv. */
    private static final class Reference {
        final Map<String, String> digests = new LinkedHashMap<>();
        final Map<String, Integer> frameCounts = new LinkedHashMap<>();
        final Map<String, Map<Integer, String>> rows = new LinkedHashMap<>();

        static Reference load() {
            Reference reference = new Reference();
            for (String line : Captures.sharedText("tshark-reference.tsv").split("\n")) {
                if (line.startsWith("#digest\t")) {
                    String[] parts = line.split("\t");
                    reference.digests.put(parts[1], parts[3]);
                    reference.frameCounts.put(parts[1], Integer.parseInt(parts[2]));
                    reference.rows.put(parts[1], new LinkedHashMap<>());
                } else if (!line.startsWith("#") && !line.isBlank()) {
                    int tab = line.indexOf('\t');
                    String row = line.substring(tab + 1);
                    int frame = Integer.parseInt(row.substring(0, row.indexOf('\t')));
                    reference.rows.get(line.substring(0, tab)).put(frame, row);
                }
            }
            assertTrue(reference.rows.values().stream().mapToInt(Map::size).sum() > 500, "reference rows loaded");
            return reference;
        }
    }
}
