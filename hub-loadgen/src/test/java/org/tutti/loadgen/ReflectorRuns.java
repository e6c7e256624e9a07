package org.tutti.loadgen;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.tutti.reflector.Reflector;

/** Steps the tests against an in-process reflector share. */
final class ReflectorRuns {
    private ReflectorRuns() {
    }

    /** Waits (up to 3 s) until every client has left the reflector. */
    static void awaitEmpty(Reflector reflector) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (reflector.activeClients() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** epoll and io_uring: required on Linux x86_64; elsewhere a case for a transport the kernel lacks does not apply. */
    static void assumeAvailable(IoKind io) {
        Throwable failure = null;
        try {
            io.ensureAvailable();
        } catch (Throwable e) {
            failure = e;
        }
        // Netty ships epoll and io_uring for Linux x86_64, where Tutti and CI run: there a transport that
        // fails to load is a fault to see, not a case to skip. Elsewhere the kernel may lack it.
        if ("Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"))) {
            org.junit.jupiter.api.Assertions.assertNull(failure, io + " failed to load on Linux x86_64: " + failure);
        }
        assumeTrue(failure == null, io + " is not available here");
    }
}
