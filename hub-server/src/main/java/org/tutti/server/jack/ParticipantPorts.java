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
import org.tutti.server.engine.EngineSnapshot;
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
 * through an immutable {@link PortMap} swapped in whole, and a port is only given back after the audio
 * thread has moved on to a map without it. A port nothing is connected to costs the audio thread
 * nothing: JACK reports connections ({@link #connectionChanged}), the conductor asks JACK how many each
 * of our ports has ({@link ConnectionCounter}), and the audio thread skips those with none.
 */
public final class ParticipantPorts implements SessionListener, PortBridge, ReturnSources {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.jack");

    /**
     * One participant's ports and their native addresses (for {@link JackCycle}), how many connections
     * each has (conductor writes, audio thread reads), and the buffers its input ports are read into,
     * with whether each holds audio (audio thread only).
     */
    record Entry(Participant participant, String name, ParticipantStream stream, JackPort[] from, JackPort[] to,
                 long[] fromAddresses, long[] toAddresses, AtomicIntegerArray fromConnections,
                 AtomicIntegerArray toConnections, float[][] returns, boolean[] returnsHoldAudio) {
    }

    /** What the audio thread reads: entries by slot, with a version it acknowledges. */
    record PortMap(long version, Entry[] bySlot) {
    }

    /** Where a port of ours is: its entry, direction and channel (conductor thread). */
    private record PortRef(Entry entry, boolean from, int channel) {
    }

    private final SessionManager sessions;
    private final int periodFrames;
    private final boolean aliases;
    private final ConnectionCounter counter;
    private final Map<Participant, Entry> entries = new HashMap<>();
    private final Map<String, PortRef> byFullName = new HashMap<>();
    private final SparePorts spares = new SparePorts();
    /** Audio thread only. */
    private final JackCycle.BufferView view = new JackCycle.BufferView();
    private volatile PortPolicy policy;
    private volatile PortMap map;
    private volatile long appliedVersion;
    private volatile JackClient client;
    private long nextVersion = 1;

    public ParticipantPorts(SessionManager sessions, int slots, AudioFormat format, boolean aliases,
                            PortPolicy policy) {
        this.sessions = sessions;
        this.periodFrames = format.periodFrames();
        this.counter = new ConnectionCounter(sessions.conductor(), format.periodNanos());
        this.aliases = aliases;
        this.policy = policy;
        this.map = new PortMap(0, new Entry[slots]);
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
        Entry entry = entries.remove(participant);
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
        Entry entry = new Entry(participant, name, stream, from, to, new long[sent], new long[wanted],
                new AtomicIntegerArray(sent), new AtomicIntegerArray(wanted), new float[wanted][periodFrames],
                new boolean[wanted]);
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
            recount(fullName);
        }
        for (int c = 0; c < wanted; c++) {
            String fullName = jack.getName() + ":" + PortNames.toParticipant(name, c + 1);
            byFullName.put(fullName, new PortRef(entry, false, c));
            recount(fullName);
        }
        return true;
    }

    private void forgetNames(Entry entry) {
        byFullName.values().removeIf(ref -> ref.entry() == entry);
    }

    /**
     * Any thread (JACK's notification thread): a connection between these two ports was made or broken.
     * The count is asked of JACK on the conductor, so a burst of notifications leaves the right number.
     */
    public void connectionChanged(String portA, String portB) {
        sessions.conductor().execute(() -> {
            recount(portA);
            recount(portB);
        });
    }

    private void recount(String fullName) {
        PortRef ref = byFullName.get(fullName);
        if (ref == null || client == null) {
            return;
        }
        Entry entry = ref.entry();
        int channel = ref.channel();
        JackPort port = ref.from() ? entry.from()[channel] : entry.to()[channel];
        AtomicIntegerArray counts = ref.from() ? entry.fromConnections() : entry.toConnections();
        counter.count(() -> JackConnection.connections(port), n -> counts.set(channel, n),
                () -> client != null && byFullName.get(fullName) == ref);
    }

    private void alias(JackPort port, String alias) {
        if (aliases && !JackConnection.setAlias(port, alias)) {
            LOG.debug("JACK refused alias {}", alias);
        }
    }

    private long publish() {
        Entry[] bySlot = new Entry[map.bySlot().length];
        for (Entry entry : entries.values()) {
            bySlot[entry.participant().slot()] = entry;
        }
        long version = nextVersion++;
        map = new PortMap(version, bySlot);
        sessions.publishSnapshot(); // return buffers come and go with the ports
        return version;
    }

    private void unregisterWhenUnused(Entry entry, long version, long deadline) {
        if (client == null || appliedVersion >= version || System.nanoTime() > deadline) {
            unregister(entry);
            return;
        }
        sessions.conductor().schedule(() -> unregisterWhenUnused(entry, version, deadline), 2, TimeUnit.MILLISECONDS);
    }

    /** Conductor thread only, like every change of {@link #client}: never races a close. */
    private void unregister(Entry entry) {
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
        Entry entry = map.bySlot()[slot];
        return entry == null ? null : entry.returns();
    }

    // ---------------------------------------------------------------- PortBridge (audio thread)

    @Override
    public void afterInputs(EngineSnapshot snapshot, int frames) {
        PortMap current = map;
        appliedVersion = current.version();
        for (ParticipantStream stream : snapshot.streams()) {
            Entry entry = current.bySlot()[stream.slot()];
            if (entry == null || entry.stream() != stream) {
                continue;
            }
            float[][] input = stream.input();
            for (int c = 0; c < entry.from().length; c++) {
                if (entry.fromConnections().get(c) == 0) {
                    continue; // nobody listens
                }
                view.write(JackCycle.jack_port_get_buffer(entry.fromAddresses()[c], frames), input[c], frames);
            }
        }
    }

    @Override
    public void beforeMix(EngineSnapshot snapshot, int frames) {
        PortMap current = map;
        for (ParticipantStream stream : snapshot.streams()) {
            Entry entry = current.bySlot()[stream.slot()];
            if (entry == null || entry.stream() != stream) {
                continue;
            }
            for (int c = 0; c < entry.to().length; c++) {
                float[] target = entry.returns()[c];
                if (entry.toConnections().get(c) == 0) {
                    if (entry.returnsHoldAudio()[c]) {
                        java.util.Arrays.fill(target, 0f); // disconnected: what it last carried is not mixed on
                        entry.returnsHoldAudio()[c] = false;
                    }
                    continue;
                }
                view.read(JackCycle.jack_port_get_buffer(entry.toAddresses()[c], frames), target, frames);
                entry.returnsHoldAudio()[c] = true;
            }
        }
    }
}
