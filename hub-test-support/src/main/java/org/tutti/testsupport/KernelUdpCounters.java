package org.tutti.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's UDP counters for the whole machine ({@code /proc/net/snmp}), to attribute a datagram
 * lost on loopback: the kernel drops one only when the receiving socket's buffer is full, which on a
 * loopback test means its reader stopped (a stalled machine) for longer than the buffer lasts.
 */
public final class KernelUdpCounters {
    private static final Path SNMP = Path.of("/proc/net/snmp");

    private KernelUdpCounters() {
    }

    /** Datagrams dropped for a full receive buffer since boot ({@code RcvbufErrors}). */
    public static long receiveBufferErrors() {
        return field("RcvbufErrors");
    }

    private static long field(String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(SNMP);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SNMP + ": " + e.getMessage(), e);
        }
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Udp: ") && lines.get(i + 1).startsWith("Udp: ")) {
                String[] names = lines.get(i).trim().split("\\s+");
                String[] values = lines.get(i + 1).trim().split("\\s+");
                for (int k = 1; k < names.length && k < values.length; k++) {
                    if (names[k].equals(name)) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        throw new IllegalStateException(SNMP + " has no Udp " + name);
    }
}
