package org.tutti.protocol.testing;

import java.util.HexFormat;

/** Hex strings for assertion messages and for writing expected bytes the way tshark prints them. */
public final class Hex {
    private static final HexFormat SPACED = HexFormat.ofDelimiter(" ");

    private Hex() {
    }

    /** {@code "08 39 00 00"}. */
    public static String of(byte[] bytes) {
        return SPACED.formatHex(bytes);
    }

    /** {@code "08 39 00 00"} for {@code bytes[from, to)}. */
    public static String of(byte[] bytes, int from, int to) {
        return SPACED.formatHex(bytes, from, to);
    }

    /** Parses hex with or without spaces: {@code "08 39 00 00"} or {@code "08390000"}. */
    public static byte[] parse(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", "").replace("\n", ""));
    }
}
