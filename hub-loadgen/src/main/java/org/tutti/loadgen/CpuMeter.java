package org.tutti.loadgen;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The load generator's own CPU use, so benchmark scripts can subtract it from the machine's. */
final class CpuMeter {
    private static final double CLOCK_TICK = 0.01;
    private static final Path STAT = Path.of("/proc/self/stat");

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** One reading. */
    record Sample(long wallNanos, long processCpuNanos, double userSeconds, double systemSeconds, long gcCount,
                  long gcMillis, Map<String, Long> threadCpuNanos) {
    }

    Sample sample() {
        long wall = System.nanoTime();
        long cpu = os.getProcessCpuTime();
        double user = -1;
        double system = -1;
        try {
            String stat = Files.readString(STAT);
            // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user = Long.parseLong(fields[11]) * CLOCK_TICK;
            system = Long.parseLong(fields[12]) * CLOCK_TICK;
        } catch (IOException | RuntimeException e) {
            // not Linux: the process total from the MXBean still works
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        Map<String, Long> perThread = new HashMap<>();
        if (threads.isThreadCpuTimeSupported()) {
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    perThread.merge(info.getThreadName(), t, Long::sum);
                }
            }
        }
        return new Sample(wall, cpu, user, system, gcCount, gcMillis, perThread);
    }
}
