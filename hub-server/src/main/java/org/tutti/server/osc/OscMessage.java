package org.tutti.server.osc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little of OSC 1.0 that JackTrip 2.x's hub speaks on its control port: messages with string,
 * float32 and int32 arguments, and bundles whose time tag holds plain Unix seconds (as JackTrip writes
 * it, not NTP time). Big-endian, strings NUL-terminated and padded to 4 bytes.
 *
 * @param address   e.g. "/get"
 * @param arguments String, Float or Integer, in order
 */
public record OscMessage(String address, List<Object> arguments) {

    /** Thrown for a datagram that is not an OSC message this server understands. */
    public static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** Decodes one message (not a bundle) from {@code data[0, length)}. */
    public static OscMessage decode(byte[] data, int length) throws MalformedException {
        ByteBuffer in = ByteBuffer.wrap(data, 0, length).order(ByteOrder.BIG_ENDIAN);
        String address = string(in);
        if (!address.startsWith("/")) {
            throw new MalformedException("not an OSC message (address \"" + printable(address) + "\")");
        }
        String tags = in.hasRemaining() ? string(in) : ",";
        if (!tags.startsWith(",")) {
            throw new MalformedException("no type tags");
        }
        List<Object> arguments = new ArrayList<>();
        for (char tag : tags.substring(1).toCharArray()) {
            switch (tag) {
                case 's' -> arguments.add(string(in));
                case 'f' -> arguments.add(need(in, 4).getFloat());
                case 'i' -> arguments.add(need(in, 4).getInt());
                default -> throw new MalformedException("type tag '" + printable(String.valueOf(tag))
                        + "' is not supported");
            }
        }
        return new OscMessage(address, arguments);
    }

    /** This message, encoded. */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(size()).order(ByteOrder.BIG_ENDIAN);
        write(out);
        return out.array();
    }

    /** A bundle of {@code messages} with JackTrip's time tag: {@code unixSeconds} as a 64-bit integer. */
    public static byte[] bundle(long unixSeconds, List<OscMessage> messages) {
        int size = 16;
        for (OscMessage message : messages) {
            size += 4 + message.size();
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
        putString(out, "#bundle");
        out.putLong(unixSeconds);
        for (OscMessage message : messages) {
            out.putInt(message.size());
            message.write(out);
        }
        return out.array();
    }

    private int size() {
        StringBuilder tags = new StringBuilder(",");
        int size = padded(address) ;
        int values = 0;
        for (Object argument : arguments) {
            if (argument instanceof String text) {
                tags.append('s');
                values += padded(text);
            } else if (argument instanceof Float) {
                tags.append('f');
                values += 4;
            } else if (argument instanceof Integer) {
                tags.append('i');
                values += 4;
            } else {
                throw new IllegalArgumentException("OSC argument " + argument);
            }
        }
        return size + padded(tags.toString()) + values;
    }

    private void write(ByteBuffer out) {
        putString(out, address);
        StringBuilder tags = new StringBuilder(",");
        for (Object argument : arguments) {
            tags.append(argument instanceof String ? 's' : argument instanceof Float ? 'f' : 'i');
        }
        putString(out, tags.toString());
        for (Object argument : arguments) {
            if (argument instanceof String text) {
                putString(out, text);
            } else if (argument instanceof Float value) {
                out.putFloat(value);
            } else {
                out.putInt((Integer) argument);
            }
        }
    }

    private static int padded(String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length + 1;
        return (bytes + 3) & ~3;
    }

    private static void putString(ByteBuffer out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.put(bytes);
        for (int i = bytes.length; i < ((bytes.length + 4) & ~3); i++) {
            out.put((byte) 0);
        }
    }

    private static String string(ByteBuffer in) throws MalformedException {
        int start = in.position();
        int end = start;
        while (end < in.limit() && in.get(end) != 0) {
            end++;
        }
        if (end >= in.limit()) {
            throw new MalformedException("a string without its NUL");
        }
        String text = new String(in.array(), start, end - start, StandardCharsets.UTF_8);
        int next = start + ((end - start + 4) & ~3);
        if (next > in.limit()) {
            throw new MalformedException("a string's padding runs past the datagram");
        }
        in.position(next);
        return text;
    }

    private static ByteBuffer need(ByteBuffer in, int bytes) throws MalformedException {
        if (in.remaining() < bytes) {
            throw new MalformedException("an argument runs past the datagram");
        }
        return in;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
            if (out.length() >= 40) {
                break;
            }
        }
        return out.toString();
    }
}
