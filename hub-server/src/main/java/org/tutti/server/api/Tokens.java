package org.tutti.server.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API credentials. The operator token is generated at first start and kept only in
 * {@code state/operator.token} (mode 600): logs are shipped and kept elsewhere, so no token is ever
 * written to one. Participant tokens are issued by the operator, shown once,
 * and kept only as SHA-256 hashes. Comparisons are constant-time.
 */
public final class Tokens {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.api");
    public static final String OPERATOR_FILE = "operator.token";

    private final SecureRandom random = new SecureRandom();
    private final byte[] operatorHash;
    private final Map<String, String> participantHashes = new HashMap<>();

    private Tokens(String operatorToken) {
        this.operatorHash = sha256(operatorToken);
    }

    /**
     * Loads the operator token from {@code stateDirectory}, creating it on first start when
     * {@code create} (the API is on); otherwise an unknown random token stands in.
     */
    public static Tokens load(Path stateDirectory, boolean create) throws IOException {
        Path file = stateDirectory.resolve(OPERATOR_FILE);
        if (!create && !Files.exists(file)) {
            return new Tokens("unset_" + new Tokens("").randomToken());
        }
        Files.createDirectories(stateDirectory);
        if (Files.exists(file)) {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.length() < 16) {
                throw new IOException(file + " holds no usable token; delete it to get a new one");
            }
            return new Tokens(token);
        }
        Tokens tokens = new Tokens("");
        String token = "op_" + tokens.randomToken();
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system; the directory's own permissions protect it.
        }
        LOG.warn("Generated the operator token for the control API and the operator page; read it from {}"
                + " (only its owner can)", file.toAbsolutePath());
        return new Tokens(token);
    }

    private String randomToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public boolean isOperator(String token) {
        return MessageDigest.isEqual(operatorHash, sha256(token));
    }

    /** Who holds {@code token}: the operator, a participant, or null for an unknown token. */
    public Principal principalFor(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        if (isOperator(token)) {
            return Principal.OPERATOR;
        }
        String participant = participantFor(token);
        return participant == null ? null : Principal.participant(participant);
    }

    /** The participant a token belongs to, or null. */
    public String participantFor(String token) {
        String hash = HexFormat.of().formatHex(sha256(token));
        for (var entry : participantHashes.entrySet()) {
            if (MessageDigest.isEqual(entry.getValue().getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII))) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** Issues a new token for {@code name} (replacing any earlier one) and returns it. */
    public String issue(String name) {
        String token = "pt_" + randomToken();
        participantHashes.put(name, HexFormat.of().formatHex(sha256(token)));
        return token;
    }

    public void rename(String from, String to) {
        String hash = participantHashes.remove(from);
        if (hash != null) {
            participantHashes.put(to, hash);
        }
    }

    public Map<String, String> participantHashes() {
        return Map.copyOf(participantHashes);
    }

    public void restore(Map<String, String> hashes) {
        participantHashes.clear();
        participantHashes.putAll(hashes);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
