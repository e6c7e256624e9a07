package org.tutti.server.auth;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.web.ControlTls;

/**
 * What {@code -A} needs, loaded once at start (a bad file stops the hub with a message that says
 * which and why): the TLS context from {@code --certfile} and {@code --keyfile}, the credentials from
 * {@code --credsfile}, the per-address throttle, and one thread for the password checks (SHA-512
 * crypt takes milliseconds; the handshake event loop must not), with a short queue so a flood of
 * logins is refused rather than queued.
 */
public final class HubAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.auth");

    private final SslContext tls;
    private final CredentialsFile credentials;
    private final LoginThrottle throttle = new LoginThrottle();
    private final ThreadPoolExecutor checks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(64), runnable -> {
                Thread thread = new Thread(runnable, "tutti-auth");
                thread.setDaemon(true);
                return thread;
            });

    private HubAuthentication(SslContext tls, CredentialsFile credentials) {
        this.tls = tls;
        this.credentials = credentials;
    }

    /** @throws IllegalArgumentException naming the file that cannot be used, and why */
    public static HubAuthentication load(Path certificate, Path key, Path credentialsFile) {
        if (certificate == null || key == null || credentialsFile == null) {
            throw new IllegalArgumentException("-A needs --certfile, --keyfile and --credsfile, as jacktrip -S -A does");
        }
        SslContext tls = ControlTls.load(certificate, key, "-A");
        try {
            CredentialsFile credentials = CredentialsFile.load(credentialsFile, LOG::warn);
            if (credentials.users() == 0) {
                LOG.warn("credentials file {} lets nobody in", credentialsFile);
            }
            LOG.info("authentication on: {} users in {}", credentials.users(), credentialsFile);
            return new HubAuthentication(tls, credentials);
        } catch (IOException e) {
            throw new IllegalArgumentException("-A: cannot read the credentials file " + credentialsFile + ": " + e, e);
        }
    }

    public SslContext tls() {
        return tls;
    }

    public CredentialsFile credentials() {
        return credentials;
    }

    public LoginThrottle throttle() {
        return throttle;
    }

    /** Where password checks run (rejects when 64 are waiting). */
    public Executor checks() {
        return checks;
    }

    public CredentialsFile.Result check(String user, String password) {
        return credentials.check(user, password, LocalDateTime.now());
    }

    public void close() {
        checks.shutdownNow();
    }
}
