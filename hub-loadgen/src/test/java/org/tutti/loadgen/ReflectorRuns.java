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

    /** epoll and io_uring depend on the kernel: a case for a transport it lacks does not apply here. */
    static void assumeAvailable(IoKind io) {
        boolean available;
        try {
            io.ensureAvailable();
            available = true;
        } catch (Throwable e) {
            available = false;
        }
        assumeTrue(available, io + " is not available here");
    }
}
