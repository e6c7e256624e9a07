package org.tutti.server.web;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** HTTPS for the control port from a PEM certificate chain and a PKCS#8 private key. */
public final class ControlTls {
    private ControlTls() {
    }

    /** The server context, or null for plain HTTP when both paths are null. */
    public static SslContext load(Path certificate, Path key) {
        if (certificate == null && key == null) {
            return null;
        }
        for (Path file : new Path[] {certificate, key}) {
            if (file == null || !Files.isReadable(file)) {
                throw new IllegalArgumentException("HTTPS: cannot read " + file
                        + " (give both --http-tls-cert and --http-tls-key, PEM files the hub may read)");
            }
        }
        try {
            return SslContextBuilder.forServer(certificate.toFile(), key.toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("HTTPS: cannot use certificate " + certificate + " with key " + key
                    + ": " + e.getMessage() + " (the key must be unencrypted PKCS#8: 'BEGIN PRIVATE KEY';"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key)", e);
        }
    }
}
