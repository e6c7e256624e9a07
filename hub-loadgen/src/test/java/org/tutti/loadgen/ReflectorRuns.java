package org.tutti.loadgen;

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
}
