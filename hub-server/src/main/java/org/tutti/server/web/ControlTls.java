package org.tutti.server.web;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS server contexts from a PEM certificate chain and an unencrypted PEM private key: HTTPS on the
 * control port, and the handshake port's TLS with {@code -A}.
 */
public final class ControlTls {
    private ControlTls() {
    }

    /** The server context, or null for plain HTTP when both paths are null. */
    public static SslContext load(Path certificate, Path key) {
        if (certificate == null && key == null) {
            return null;
        }
        return load(certificate, key, "HTTPS");
    }

    /**
     * The server context for {@code use} (named in every message: "HTTPS", "-A").
     *
     * @throws IllegalArgumentException saying which file cannot be used and why
     */
    public static SslContext load(Path certificate, Path key, String use) {
        for (Path file : new Path[] {certificate, key}) {
            if (file == null || !Files.isReadable(file)) {
                throw new IllegalArgumentException(use + ": cannot read " + file
                        + " (a PEM certificate and a PEM private key the hub may read)");
            }
        }
        try {
            return SslContextBuilder.forServer(certificate.toFile(), key.toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(use + ": cannot use certificate " + certificate + " with key " + key
                    + ": " + e.getMessage() + " (the key must be unencrypted PKCS#8: 'BEGIN PRIVATE KEY';"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key)", e);
        }
    }
}
