package org.tutti.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Datagrams the kernel dropped because a socket's receive buffer was full, for the hub's UDP ports,
 * read from {@code /proc/net/udp} and {@code /proc/net/udp6}. The kernel's per-socket counter
 * vanishes with the socket, so this keeps a running total per socket inode: the sum only grows.
 */
public final class KernelUdpDrops {
    private static final Path[] TABLES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};

    private final int firstPort;
    private final int lastPort;
    private final Map<Long, Long> lastByInode = new HashMap<>();
    private final Map<Integer, Long> byPort = new HashMap<>();
    private long total;
    private boolean available = true;

    public KernelUdpDrops(int firstPort, int lastPort) {
        this.firstPort = firstPort;
        this.lastPort = lastPort;
    }

    /** Re-reads the tables; returns the running total of drops on the hub's ports. */
    public synchronized long total() {
        refresh();
        return total;
    }

    /** Drops counted on one port's current socket (for per-participant series). */
    public synchronized long forPort(int port) {
        return byPort.getOrDefault(port, 0L);
    }

    public boolean available() {
        return available;
    }

    private void refresh() {
        if (!available) {
            return;
        }
        Map<Long, Long> seen = new HashMap<>();
        byPort.clear();
        boolean readAny = false;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
                readAny = true;
            } catch (IOException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                parse(lines.get(i).trim(), seen);
            }
        }
        if (!readAny) {
            available = false;
            return;
        }
        for (var entry : seen.entrySet()) {
            long previous = lastByInode.getOrDefault(entry.getKey(), 0L);
            total += Math.max(0, entry.getValue() - previous);
        }
        lastByInode.clear();
        lastByInode.putAll(seen);
    }

    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
    private void parse(String line, Map<Long, Long> seen) {
        String[] fields = line.split("\\s+");
        if (fields.length < 13) {
            return;
        }
        String local = fields[1];
        int colon = local.lastIndexOf(':');
        if (colon < 0) {
            return;
        }
        try {
            int port = Integer.parseInt(local.substring(colon + 1), 16);
            if (port < firstPort || port > lastPort) {
                return;
            }
            long inode = Long.parseLong(fields[9]);
            long drops = Long.parseLong(fields[fields.length - 1]);
            seen.put(inode, drops);
            byPort.merge(port, drops, Long::sum);
        } catch (NumberFormatException e) {
            // a format we do not know: ignore the line
        }
    }
}
