package org.tutti.server.jack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackPortConnectCallback;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.JackServer;

/**
 * A JACK client closed while its notification callback runs Java leaves the JVM alive. libjack's close
 * cancels the notification thread wherever it is; before {@link NotificationCallbacks} this loop crashed
 * its JVM (SIGSEGV in DetachCurrentThread) within 40–160 closes, which fails the build as a crashed fork.
 */
class NotificationCallbacksTest {
    private static final int CLOSES = 300;
    /** Each callback holds the notification thread in Java this long, so most closes meet one. */
    private static final long CALLBACK_NANOS = 500_000;

    @Test
    void clientsClosedWhileTheirPortConnectCallbacksRunLeaveTheJvmAlive() throws Exception {
        JackServer server = JackServer.shared();
        String name = "notify" + ProcessHandle.current().pid();
        AtomicLong callbacks = new AtomicLong();
        // Every connection the rewirer makes or breaks is a notification to every client, the closed ones too.
        try (GraphRewirer rewirer = GraphRewirer.start(server, name + "-rewirer")) {
            for (int i = 0; i < CLOSES; i++) {
                JackClient client = JackConnection.open(server.name(), name + "-closed");
                NotificationCallbacks notifications = new NotificationCallbacks();
                client.setPortConnectCallback(new JackPortConnectCallback() {
                    @Override
                    public void portsConnected(JackClient c, String source, String destination) {
                        notifications.run(() -> hold(callbacks));
                    }

                    @Override
                    public void portsDisconnected(JackClient c, String source, String destination) {
                        notifications.run(() -> hold(callbacks));
                    }
                });
                client.activate();
                Thread.sleep(20 + i % 7);
                notifications.close(client);
                assertEquals(0, notifications.running(), "a callback still running after close " + i);
            }
        }
        assertTrue(callbacks.get() > 10L * CLOSES, "the closed clients' callbacks ran: " + callbacks.get());
    }

    private static void hold(AtomicLong callbacks) {
        long end = System.nanoTime() + CALLBACK_NANOS;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        callbacks.incrementAndGet();
    }
}
