package org.tutti.protocol.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens the real JackTrip captures stored as test resources under {@code /captures/<name>/}
 * (see {@code src/test/resources/captures/README.md} in hub-protocol). They are read from the
 * classpath, so they work from hub-protocol's own tests and from its test-jar alike, and need
 * nothing outside the repository.
 *
 * <pre>{@code
 * Capture c1 = Captures.open(Captures.C1_2CH16);
 * UdpDatagram frame750 = c1.udp(750);
 * }</pre>
 *
 * Opened captures are cached for the life of the JVM; they are immutable apart from the byte
 * arrays they expose, which callers must not modify.
 */
public final class Captures {
    /** Port of the hub's TCP listener in every capture ({@code jacktrip -S -B 14464}). */
    public static final int HUB_TCP_PORT = 14464;
    /** The hub's UDP port for its first client slot ({@code -U 14500}); the second slot is 14501. */
    public static final int HUB_UDP_BASE = 14500;
    /** The first real client's UDP port ({@code -B 14600}); a second client uses 14601. */
    public static final int CLIENT_UDP_PORT = 14600;

    public static final String C1_2CH16 = "c1_2ch16";
    public static final String C2_1CH24 = "c2_1ch24";
    public static final String C3_R2 = "c3_r2";
    public static final String C5_NONAME_P4_UPMIX = "c5_noname_p4_upmix";
    public static final String C6_AUTH_REAL = "c6_auth_real";
    public static final String C7_AUTH_NOTREQUIRED = "c7_auth_notrequired";
    public static final String C8_AUTH_REQUIRED = "c8_auth_required";
    public static final String C9_HUBFIRST_ASYM = "c9_hubfirst_asym";
    public static final String C10_SRATE_MISMATCH = "c10_srate_mismatch";
    public static final String C11_BUFSIZE_MISMATCH = "c11_bufsize_mismatch";
    public static final String C13_IPV6 = "c13_ipv6";
    public static final String P1_HANDSHAKE_VARIANTS = "p1_handshake_variants";
    public static final String P2_ERRORS_TIMEOUTS = "p2_errors_timeouts";
    public static final String P3_AUTH = "p3_auth";
    public static final String X2_HUB170_C272 = "x2_hub170_c272";

    /** Every capture stored with the tests. */
    public static final List<String> ALL = List.of(C1_2CH16, C2_1CH24, C3_R2, C5_NONAME_P4_UPMIX, C6_AUTH_REAL,
            C7_AUTH_NOTREQUIRED, C8_AUTH_REQUIRED, C9_HUBFIRST_ASYM, C10_SRATE_MISMATCH, C11_BUFSIZE_MISMATCH,
            C13_IPV6, P1_HANDSHAKE_VARIANTS, P2_ERRORS_TIMEOUTS, P3_AUTH, X2_HUB170_C272);

    /**
     * The captures whose both sides are unmodified JackTrip programs. In {@code p1}, {@code p2}
     * and {@code p3} the client side is {@code fakeclient.py}, a probe written from the spec.
     */
    public static final List<String> REAL_CLIENTS = ALL.stream().filter(name -> !name.startsWith("p")).toList();

    private static final String ROOT = "/captures/";
    private static final Map<String, Capture> CACHE = new ConcurrentHashMap<>();

    private Captures() {
    }

    /** The capture {@code <name>/<name>.pcap}, read and dissected (cached). */
    public static Capture open(String name) {
        return CACHE.computeIfAbsent(name, n -> new Capture(n, CaptureFile.parse(bytes(n, n + ".pcap"))));
    }

    /** The raw bytes of {@code file} in capture folder {@code name}. */
    public static byte[] bytes(String name, String file) {
        return resource(ROOT + name + "/" + file);
    }

    private static byte[] resource(String path) {
        try (InputStream in = Captures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path + " on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** A text file (e.g. {@code commands.txt}) from capture folder {@code name}, as UTF-8. */
    public static String text(String name, String file) {
        return new String(bytes(name, file), StandardCharsets.UTF_8);
    }

    /** A file directly under {@code /captures/} (e.g. the tshark reference table), as UTF-8. */
    public static String sharedText(String file) {
        return new String(resource(ROOT + file), StandardCharsets.UTF_8);
    }
}
