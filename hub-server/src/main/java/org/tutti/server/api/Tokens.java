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
 *
 * <p>On a hub with {@code -A}, a singer's page login gets a token of its own, beside the operator's link:
 * a singer may log in from a phone and a laptop, and neither login signs out the other or the link. Up
 * to {@link #LOGINS_PER_PARTICIPANT} are kept per participant (the oldest goes), in memory only (after a
 * restart the singer logs in again). A new link from the operator revokes them all.
 */
public final class Tokens {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.api");
    public static final String OPERATOR_FILE = "operator.token";

    private final SecureRandom random = new SecureRandom();
    private final byte[] operatorHash;
    private final Map<String, String> participantHashes = new HashMap<>();
    /** Hashes of page-login tokens per participant, oldest first. */
    private final Map<String, java.util.Deque<String>> loginHashes = new HashMap<>();
    static final int LOGINS_PER_PARTICIPANT = 4;

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
        byte[] hash = HexFormat.of().formatHex(sha256(token)).getBytes(StandardCharsets.US_ASCII);
        for (var entry : participantHashes.entrySet()) {
            if (MessageDigest.isEqual(entry.getValue().getBytes(StandardCharsets.US_ASCII), hash)) {
                return entry.getKey();
            }
        }
        for (var entry : loginHashes.entrySet()) {
            for (String login : entry.getValue()) {
                if (MessageDigest.isEqual(login.getBytes(StandardCharsets.US_ASCII), hash)) {
                    return entry.getKey();
                }
            }
        }
        return null;
    }

    /** Issues a new token for {@code name}, revoking its earlier link and page logins, and returns it. */
    public String issue(String name) {
        String token = newParticipantToken();
        participantHashes.put(name, hashOf(token));
        loginHashes.remove(name);
        return token;
    }

    /** A token for one page login of {@code name}; its link and other logins stay valid (see the class comment). */
    public String issueForLogin(String name) {
        String token = newParticipantToken();
        java.util.Deque<String> logins = loginHashes.computeIfAbsent(name, n -> new java.util.ArrayDeque<>());
        logins.addLast(hashOf(token));
        while (logins.size() > LOGINS_PER_PARTICIPANT) {
            logins.removeFirst();
        }
        return token;
    }

    private String newParticipantToken() {
        return "pt_" + randomToken();
    }

    private static String hashOf(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    public void rename(String from, String to) {
        String hash = participantHashes.remove(from);
        if (hash != null) {
            participantHashes.put(to, hash);
        }
        java.util.Deque<String> logins = loginHashes.remove(from);
        if (logins != null) {
            loginHashes.put(to, logins);
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
