package org.tutti.server.session;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Participant names, unique among active sessions. A client without a name is called by its
 * address as JackTrip's hub does ({@code __ffff_127.0.0.1}, {@code __1}); a taken name gets JACK's
 * style of suffix ({@code dup}, {@code dup-01}, {@code dup-02}).
 */
public final class NameRegistry {
    /** Longest name kept (JACK's client-name limit is 64 bytes; keep room for a suffix). */
    public static final int MAX_LENGTH = 60;

    /** A same-named session from the same host that has been silent this long is a dead predecessor. */
    private static final long RECONNECT_SILENCE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final Map<String, Participant> active = new HashMap<>();

    /** The name a client asked for (sanitised), or its address as JackTrip names unnamed clients. */
    public static String requested(String name, InetAddress address) {
        String clean = sanitize(name);
        return clean.isEmpty() ? fromAddress(address) : clean;
    }

    /**
     * Gives {@code participant} its requested name. If an active session holds it and looks like this
     * client's earlier run (same host, and the same reported port or already silent), the new session
     * takes the name over and that older session is returned, to end once the new one streams;
     * otherwise the name gets a suffix and null is returned.
     */
    public Participant assign(Participant participant) {
        String base = participant.name();
        Participant holder = active.get(base);
        if (holder != null && isSameClient(holder, participant)) {
            active.put(base, participant);
            return holder;
        }
        String unique = unique(base);
        participant.name(unique);
        active.put(unique, participant);
        return null;
    }

    private static boolean isSameClient(Participant older, Participant newer) {
        if (!older.tcpPeer().getAddress().equals(newer.tcpPeer().getAddress())) {
            return false;
        }
        boolean samePort = older.request().clientUdpPort() == newer.request().clientUdpPort();
        boolean silent = System.nanoTime() - older.lastHeardNanos() > RECONNECT_SILENCE_NANOS;
        return samePort || silent || older.state() == Participant.State.AWAITING_AUDIO;
    }

    /** The name JackTrip would use for a client with no {@code -K} name. */
    public static String fromAddress(InetAddress address) {
        if (address instanceof Inet4Address) {
            // JackTrip's listener is dual-stack, so it sees IPv4 clients as ::ffff:a.b.c.d.
            return "__ffff_" + address.getHostAddress();
        }
        if (address instanceof Inet6Address v6) {
            String text = v6.getHostAddress();
            int scope = text.indexOf('%');
            if (scope >= 0) {
                text = text.substring(0, scope);
            }
            return compressIpv6(text).replace(':', '_');
        }
        return String.valueOf(address).replace(':', '_');
    }

    private static String compressIpv6(String full) {
        try {
            // Java prints 0:0:0:0:0:0:0:1; JackTrip (Qt) prints ::1.
            String[] groups = full.split(":");
            int bestStart = -1;
            int bestLength = 0;
            for (int i = 0; i < groups.length; ) {
                if (groups[i].equals("0")) {
                    int j = i;
                    while (j < groups.length && groups[j].equals("0")) {
                        j++;
                    }
                    if (j - i > bestLength) {
                        bestStart = i;
                        bestLength = j - i;
                    }
                    i = j;
                } else {
                    i++;
                }
            }
            if (bestLength < 2) {
                return full;
            }
            String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
            String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
            return head + "::" + tail;
        } catch (RuntimeException e) {
            return full;
        }
    }

    /**
     * Makes a requested name safe for logs, metric labels and JACK port names: control characters
     * and ':' (JACK's separator) become '_', and it is cut to {@link #MAX_LENGTH} characters.
     */
    public static String sanitize(String requested) {
        StringBuilder clean = new StringBuilder();
        requested.codePoints().limit(MAX_LENGTH).forEach(cp -> {
            boolean bad = Character.isISOControl(cp) || cp == ':' || cp == 0xFFFD || Character.isWhitespace(cp) && cp != ' ';
            clean.appendCodePoint(bad ? '_' : cp);
        });
        return clean.toString().strip();
    }

    public Participant get(String name) {
        return active.get(name);
    }

    /** A free name based on {@code base}. */
    public String unique(String base) {
        if (!active.containsKey(base)) {
            return base;
        }
        for (int i = 1; ; i++) {
            String candidate = base + String.format("-%02d", i);
            if (!active.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    public void claim(String name, Participant participant) {
        active.put(name, participant);
    }

    /** Releases {@code name} if {@code participant} still holds it. */
    public void release(String name, Participant participant) {
        active.remove(name, participant);
    }

    public boolean taken(String name) {
        return active.containsKey(name);
    }
}
