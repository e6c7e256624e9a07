package org.tutti.server.jack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackException;
import org.jaudiolibs.jnajack.JackPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.engine.AudioFormat;
import org.tutti.server.engine.ParticipantStream;
import org.tutti.server.engine.PortBridge;
import org.tutti.server.session.Participant;
import org.tutti.server.session.ReturnSources;
import org.tutti.server.session.SessionEndReason;
import org.tutti.server.session.SessionListener;
import org.tutti.server.session.SessionManager;

/**
 * Participants' JACK ports, all on Tutti's one JACK client, for those the {@link PortPolicy} picks.
 * Ports are taken (from the spares of participants who left, else registered) and given back on the
 * conductor thread when participants join and leave or the policy changes; the audio thread sees them
 * through an immutable {@link PortEntry.Map} swapped in whole, and a port is only given back after the
 * audio thread that uses its JACK buffer has moved on to a map without it. That thread is JACK's
 * process thread, where the engine runs in it ({@link DirectPorts}) or hands its work to a thread of
 * its own ({@link StagedPorts}). A port nothing is connected to costs the audio thread
 * nothing: JACK reports connections ({@link #connectionChanged}), the conductor asks JACK how many each
 * of our ports has ({@link ConnectionCounter}), and the audio thread skips those with none.
 */
public final class ParticipantPorts implements SessionListener, ReturnSources {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.jack");

    /** Where a port of ours is: its entry, direction and channel, and how often it was counted (conductor thread). */
    private static final class PortRef {
        final PortEntry entry;
        final boolean from;
        final int channel;
        /** Counts started: a newer one (a later change of the port) makes the older ones stop asking. */
        long counts;

        PortRef(PortEntry entry, boolean from, int channel) {
            this.entry = entry;
            this.from = from;
            this.channel = channel;
        }
    }

    private final SessionManager sessions;
    private final int periodFrames;
    private final boolean aliases;
    private final ConnectionCounter counter;
    private final Map<Participant, PortEntry> entries = new HashMap<>();
    private final Map<String, PortRef> byFullName = new HashMap<>();
    private final SparePorts spares = new SparePorts();
    private final DirectPorts direct;
    /** With {@code --jack-engine async}, else null. */
    private final StagedPorts staged;
    private volatile PortPolicy policy;
    private volatile PortEntry.Map map;
    private volatile long appliedVersion;
    private volatile JackClient client;
    private long nextVersion = 1;

    /**
     * @param staged whether the engine runs on a thread of its own ({@code --jack-engine async}): the
     *               ports' audio then goes through staging buffers ({@link #staged()}), else straight
     *               between JACK's buffers and the engine ({@link #direct()})
     */
    public ParticipantPorts(SessionManager sessions, int slots, AudioFormat format, boolean aliases,
                            PortPolicy policy, boolean staged) {
        this.sessions = sessions;
        this.periodFrames = format.periodFrames();
        this.counter = new ConnectionCounter(sessions.conductor(), format.periodNanos());
        this.aliases = aliases;
        this.policy = policy;
        this.map = new PortEntry.Map(0, new PortEntry[slots], new PortEntry[0]);
        this.direct = new DirectPorts(this);
        this.staged = staged ? new StagedPorts(this, periodFrames) : null;
    }

    /** The engine's hooks when it runs in JACK's process callback ({@code --jack-engine sync}). */
    public PortBridge direct() {
        return direct;
    }

    /** The engine's hooks and the callback's exchange with {@code --jack-engine async}; null without it. */
    StagedPorts staged() {
        return staged;
    }

    /** The audio threads' view of who has which ports. */
    PortEntry.Map map() {
        return map;
    }

    /**
     * The audio thread that uses the ports' JACK buffers (the process callback) has moved on to the map
     * of this version: ports that are in no map since may be given back.
     */
    void applied(long version) {
        appliedVersion = version;
    }

    /** Conductor thread: (re)attach to a JACK client and give every streaming participant picked its ports. */
    public void attach(JackClient jackClient) {
        this.client = jackClient;
        entries.clear();
        byFullName.clear();
        spares.forget();
        for (Participant participant : sessions.streaming()) {
            register(participant);
        }
        publish();
    }

    /** Any thread: {@link #attach} on the conductor, waiting for it. */
    public void attachFromAnyThread(JackClient jackClient) {
        onConductor(() -> attach(jackClient));
    }

    /** Any thread: {@link #detach} on the conductor, waiting for it. */
    public void detachFromAnyThread() {
        onConductor(this::detach);
    }

    private void onConductor(Runnable task) {
        if (sessions.conductor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            sessions.conductor().submit(task).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("JACK port update failed: {}", e.toString());
        }
    }

    /** Conductor thread: the JACK client is gone; forget its ports (they died with it). */
    public void detach() {
        client = null;
        entries.clear();
        byFullName.clear();
        spares.forget();
        publish();
    }

    public PortPolicy policy() {
        return policy;
    }

    /**
     * Any thread: from now on {@code newPolicy} picks who has ports. Participants it drops lose theirs
     * (they become spares), participants it adds get theirs; nobody's audio is touched. Waits for it.
     */
    public void policy(PortPolicy newPolicy) {
        onConductor(() -> {
            policy = newPolicy;
            if (client == null) {
                return;
            }
            boolean changed = false;
            for (Participant participant : sessions.streaming()) {
                boolean has = entries.containsKey(participant);
                boolean wanted = newPolicy.wants(participant.name());
                if (has && !wanted) {
                    changed |= giveBack(participant);
                } else if (!has && wanted) {
                    changed |= register(participant);
                }
            }
            if (changed) {
                publish();
            }
            LOG.info("JACK ports: {} ({} participants have them)", newPolicy, entries.size());
        });
    }

    /** Names of the participants with ports now (any thread; asks the conductor). */
    public List<String> withPorts() {
        List<String> names = new ArrayList<>();
        onConductor(() -> entries.values().forEach(e -> names.add(e.name())));
        names.sort(null);
        return names;
    }

    @Override
    public void joined(Participant participant) {
        if (client != null && register(participant)) {
            publish();
        }
    }

    @Override
    public void left(Participant participant, SessionEndReason reason) {
        giveBack(participant);
    }

    @Override
    public void renamed(Participant participant, String oldName) {
        giveBack(participant);
        if (register(participant)) { // under the new name, if the policy picks it
            publish();
        }
    }

    /** Takes a participant's ports out of the map and gives them back once the audio thread let go. */
    private boolean giveBack(Participant participant) {
        PortEntry entry = entries.remove(participant);
        if (entry == null) {
            return false;
        }
        forgetNames(entry);
        long version = publish();
        unregisterWhenUnused(entry, version, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        return true;
    }

    private boolean register(Participant participant) {
        JackClient jack = client;
        ParticipantStream stream = participant.stream();
        if (jack == null || stream == null || !policy.wants(participant.name())) {
            return false;
        }
        String name = participant.name();
        int sent = stream.input().length;
        int wanted = stream.output().length;
        JackPort[] from = new JackPort[sent];
        JackPort[] to = new JackPort[wanted];
        PortEntry entry = new PortEntry(participant, name, stream, from, to, new long[sent], new long[wanted],
                new AtomicIntegerArray(sent), new AtomicIntegerArray(wanted), new float[wanted][periodFrames],
                new boolean[wanted], staged == null ? null : new PortStaging(sent, wanted, periodFrames));
        try {
            for (int c = 0; c < sent; c++) {
                from[c] = spares.take(jack, true, PortNames.fromParticipant(name, c + 1));
                entry.fromAddresses()[c] = JackConnection.address(from[c]);
                alias(from[c], PortNames.fromParticipantAlias(name, c + 1));
            }
            for (int c = 0; c < wanted; c++) {
                to[c] = spares.take(jack, false, PortNames.toParticipant(name, c + 1));
                entry.toAddresses()[c] = JackConnection.address(to[c]);
                alias(to[c], PortNames.toParticipantAlias(name, c + 1));
            }
        } catch (JackException e) {
            LOG.error("cannot register JACK ports for {} ({}); raise jackd's --port-max? The participant is"
                    + " heard on the network, not in JACK", name, e.getMessage());
            unregister(entry);
            return false;
        }
        entries.put(participant, entry);
        for (int c = 0; c < sent; c++) {
            String fullName = jack.getName() + ":" + PortNames.fromParticipant(name, c + 1);
            byFullName.put(fullName, new PortRef(entry, true, c));
            recount(fullName, 0);
        }
        for (int c = 0; c < wanted; c++) {
            String fullName = jack.getName() + ":" + PortNames.toParticipant(name, c + 1);
            byFullName.put(fullName, new PortRef(entry, false, c));
            recount(fullName, 0);
        }
        return true;
    }

    private void forgetNames(PortEntry entry) {
        byFullName.values().removeIf(ref -> ref.entry == entry);
    }

    /**
     * Any thread (JACK's notification thread): a connection between these two ports was made
     * ({@code connected}) or broken. The count is asked of JACK on the conductor, so a burst of
     * notifications leaves the right number; a port just connected counts as connected whatever JACK
     * answers at first ({@link ConnectionCounter} says why).
     */
    public void connectionChanged(String portA, String portB, boolean connected) {
        int atLeast = connected ? 1 : 0;
        sessions.conductor().execute(() -> {
            recount(portA, atLeast);
            recount(portB, atLeast);
        });
    }

    private void recount(String fullName, int atLeast) {
        PortRef ref = byFullName.get(fullName);
        if (ref == null || client == null) {
            return;
        }
        PortEntry entry = ref.entry;
        int channel = ref.channel;
        JackPort port = ref.from ? entry.from()[channel] : entry.to()[channel];
        AtomicIntegerArray counts = ref.from ? entry.fromConnections() : entry.toConnections();
        long count = ++ref.counts;
        counter.count(() -> JackConnection.connections(port), atLeast, n -> counts.set(channel, n),
                () -> client != null && byFullName.get(fullName) == ref && ref.counts == count);
    }

    private void alias(JackPort port, String alias) {
        if (aliases && !JackConnection.setAlias(port, alias)) {
            LOG.debug("JACK refused alias {}", alias);
        }
    }

    private long publish() {
        PortEntry[] bySlot = new PortEntry[map.bySlot().length];
        for (PortEntry entry : entries.values()) {
            bySlot[entry.participant().slot()] = entry;
        }
        long version = nextVersion++;
        map = new PortEntry.Map(version, bySlot, entries.values().toArray(new PortEntry[0]));
        sessions.publishSnapshot(); // return buffers come and go with the ports
        return version;
    }

    private void unregisterWhenUnused(PortEntry entry, long version, long deadline) {
        if (client == null || appliedVersion >= version || System.nanoTime() > deadline) {
            unregister(entry);
            return;
        }
        sessions.conductor().schedule(() -> unregisterWhenUnused(entry, version, deadline), 2, TimeUnit.MILLISECONDS);
    }

    /** Conductor thread only, like every change of {@link #client}: never races a close. */
    private void unregister(PortEntry entry) {
        JackClient jack = client;
        if (jack == null) {
            return; // the client is gone, and its ports with it
        }
        for (int c = 0; c < entry.from().length; c++) {
            if (entry.from()[c] != null) {
                spares.give(jack, entry.from()[c], true,
                        aliases ? PortNames.fromParticipantAlias(entry.name(), c + 1) : null);
            }
        }
        for (int c = 0; c < entry.to().length; c++) {
            if (entry.to()[c] != null) {
                spares.give(jack, entry.to()[c], false, aliases ? PortNames.toParticipantAlias(entry.name(), c + 1) : null);
            }
        }
    }

    /**
     * How many connections the audio thread believes each of {@code name}'s ports has, as
     * "from [..] to [..]", or null if the participant has no ports (any thread; asks the conductor).
     */
    public String connectionCounts(String name) {
        String[] counts = new String[1];
        onConductor(() -> entries.values().stream().filter(e -> e.name().equals(name)).findFirst()
                .ifPresent(e -> counts[0] = "from " + e.fromConnections() + " to " + e.toConnections()));
        return counts[0];
    }

    /** How many ports are kept for participants yet to join (for tests and logs). */
    public int spareCount() {
        return spares.size();
    }

    /** How many participants have ports (for tests and logs). */
    public int size() {
        return entries.size();
    }

    // ---------------------------------------------------------------- ReturnSources (conductor thread)

    @Override
    public float[][] buffers(int slot) {
        PortEntry entry = map.bySlot()[slot];
        return entry == null ? null : entry.returns();
    }
}
