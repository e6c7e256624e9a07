package org.tutti.reflector;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.tutti.transport.Transport;

/** {@code reflector}: the command line of {@link Reflector}. */
@Command(name = "reflector", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        description = {
            "A JackTrip-compatible hub that does no audio work. It answers the TCP",
            "handshake (68-byte or legacy 4-byte request: int32 LE port base+slot, lowest",
            "free slot; auth marker: NOTREQUIRED) and sends every datagram a client sends",
            "straight back to its source. An exit packet (63 x 0xFF, answered with exit",
            "x2) or --timeout of silence ends the client's slot. It is the physical floor",
            "a real hub's CPU cost is compared with.",
            ""},
        footer = {"", "Runs until SIGINT/SIGTERM, then sends exit x2 to every client."})
public final class Main implements Callable<Integer> {
    @Option(names = {"-B", "--port"}, paramLabel = "PORT", defaultValue = "4464",
            description = "TCP handshake port (default ${DEFAULT-VALUE}; 0 = any free port, printed at start).")
    int port;

    @Option(names = {"-U", "--udp-base"}, paramLabel = "PORT",
            description = "First client UDP port; slot k gets PORT+k (default 61002 + (TCP port - 4464), as JackTrip).")
    Integer udpBase;

    @Option(names = {"-t", "--transport"}, paramLabel = "NAME", defaultValue = "nio",
            description = "Data plane: nio (java.nio Selector; default, measured cheapest), epoll (Netty native) or "
                + "io_uring (Netty, batched submissions).")
    String transport;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Listen on this address only (default: all).")
    String bind;

    @Option(names = "--ipv6",
            description = "Dual-stack UDP sockets (IPv6 and IPv4 clients). Default: IPv4 sockets, cheaper per datagram.")
    boolean ipv6;

    @Option(names = "--max-clients", paramLabel = "N", defaultValue = "1024",
            description = "Number of slots (JackTrip: 1024). Default ${DEFAULT-VALUE}.")
    int maxClients;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Free a slot after this long without a datagram (JackTrip: 10). Default ${DEFAULT-VALUE}.")
    double timeoutSeconds;

    @Option(names = "--name-wait-ms", paramLabel = "MS", defaultValue = "200",
            description = "After a 4-byte request, wait this long for the 64 name bytes before taking it as legacy.")
    int nameWaitMillis;

    @Option(names = "--max-datagram", paramLabel = "BYTES", defaultValue = "65535",
            description = "Largest datagram echoed whole. Default ${DEFAULT-VALUE}.")
    int maxDatagram;

    @Option(names = "--batch-us", paramLabel = "MICROS", defaultValue = "0",
            description = "nio: sleep MICROS after each pass over the ready sockets, so one wake-up serves more "
                + "datagrams (less CPU, up to MICROS added delay). Default ${DEFAULT-VALUE}.")
    int batchMicros;

    @Option(names = {"-I", "--stats-interval"}, paramLabel = "SECONDS", defaultValue = "0",
            description = "Print clients, datagrams/s and own CPU every SECONDS (0 = never).")
    double statsInterval;

    public static void main(String[] args) {
        // Netty's leak detector samples buffers with stack traces: measurable cost at 100k packets/s.
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Transport chosen = Transport.select(transport);
        int tcp = port;
        int base = udpBase != null ? udpBase : ReflectorConfig.jackTripUdpBase(tcp == 0 ? 4464 : tcp);
        InetAddress address = bind == null ? null : InetAddress.getByName(bind);
        ReflectorConfig config = new ReflectorConfig(address, tcp, base, maxClients, chosen,
                Duration.ofMillis((long) (timeoutSeconds * 1000)), Duration.ofMillis(nameWaitMillis), maxDatagram,
                Duration.ofNanos(batchMicros * 1000L), ipv6);
        Reflector reflector = Reflector.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reflector.close();
            stopped.countDown();
        }, "reflector-shutdown"));
        System.out.printf(Locale.ROOT, "reflector: tcp %d, udp %d..%d, transport %s%n", reflector.tcpPort(), base,
                base + maxClients - 1, chosen.label());
        System.out.flush();
        if (statsInterval > 0) {
            printStats(reflector, stopped);
        }
        stopped.await();
        return 0;
    }

    private void printStats(Reflector reflector, CountDownLatch stopped) throws InterruptedException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long intervalNanos = (long) (statsInterval * 1e9);
        long lastTime = System.nanoTime();
        long lastCpu = os.getProcessCpuTime();
        long lastDatagrams = reflector.datagramsEchoed();
        while (!stopped.await(intervalNanos, java.util.concurrent.TimeUnit.NANOSECONDS)) {
            long now = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            long datagrams = reflector.datagramsEchoed();
            double seconds = (now - lastTime) / 1e9;
            System.out.printf(Locale.ROOT, "clients %d  echoed %.0f/s  not echoed %d  cpu %.1f%%  handshakes %d  exits %d"
                    + "  timeouts %d%n", reflector.activeClients(), (datagrams - lastDatagrams) / seconds,
                    reflector.echoesDropped(),
                    100.0 * (cpu - lastCpu) / 1e9 / seconds, reflector.stats().handshakes(),
                    reflector.stats().endedByExit(), reflector.stats().endedByTimeout());
            System.out.flush();
            lastTime = now;
            lastCpu = cpu;
            lastDatagrams = datagrams;
        }
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"reflector " + (version == null ? "(development build)" : version)};
        }
    }
}
