package org.tutti.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.mixer.dsp.LevelMeters;
import org.tutti.server.api.Principal;
import org.tutti.server.engine.HubEngine;
import org.tutti.server.mix.MixBook;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;

/**
 * What open pages see live, pushed over their WebSockets from the conductor thread: the roster and
 * mix settings when they change, meters about 20 times a second, health once a second.
 *
 * <p>The engine is never asked for anything: meters are read from the level arrays it publishes
 * each period, so no page, however slow or many, can delay a period. Each message is encoded once
 * for all pages; a page whose connection cannot take more is skipped (counted) rather than queued.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.web");
    static final long METER_PERIOD_MILLIS = 50;
    static final int TICKS_PER_HEALTH = 20;
    static final int TICKS_PER_PING = 300;
    /** More open pages than this are refused (a runaway script, not a choir). */
    public static final int MAX_PAGES = 1000;

    /** Counters for metrics. */
    public static final class Stats {
        public final LongAdder framesSent = new LongAdder();
        public final LongAdder framesSkipped = new LongAdder();
        public final LongAdder refused = new LongAdder();
    }

    /** Builds the per-participant and per-mix views the REST API also returns (conductor thread). */
    public interface Views {
        Map<String, Object> participant(Participant participant, boolean withAddress);

        Map<String, Object> mix(String name);

        Map<String, Object> masterMix();

        Map<String, Object> sections();

        /** Whether a take is recording, for everyone; for the operator also the take's status. */
        Map<String, Object> recording(boolean operator);
    }

    /** An open page; {@code stale} when a state or mix message could not be sent and must be again. */
    private static final class Page {
        final Channel channel;
        final Principal who;
        boolean stale;

        Page(Channel channel, Principal who) {
            this.channel = channel;
            this.who = who;
        }

        Channel channel() {
            return channel;
        }

        Principal who() {
            return who;
        }
    }

    /** A participant as the pages list them; meters follow this order. */
    private record Entry(String name, int slot, String section, int channels, boolean streaming) {
    }

    private final SessionManager sessions;
    private final MixBook book;
    private final HubEngine engine;
    private final Views views;
    private final Supplier<Map<String, Object>> hubHealth;
    private final ObjectMapper json;
    private final Stats stats = new Stats();
    private final List<Page> pages = new ArrayList<>();
    private final int sampleRate;
    private List<Entry> roster = List.of();
    private long bookChanges = -1;
    private long tick;
    private ScheduledFuture<?> ticker;

    public LiveFeed(SessionManager sessions, HubEngine engine, Views views, Supplier<Map<String, Object>> hubHealth,
                    ObjectMapper json, int sampleRate) {
        this.sessions = sessions;
        this.book = sessions.mixes().book();
        this.engine = engine;
        this.views = views;
        this.hubHealth = hubHealth;
        this.json = json;
        this.sampleRate = sampleRate;
    }

    public Stats stats() {
        return stats;
    }

    public EventExecutor conductor() {
        return sessions.conductor();
    }

    /** Open pages (any thread; approximate). */
    public int pages() {
        return pages.size();
    }

    /** Ticks only while a page is open (conductor thread, on a join or a leave): an idle hub's threads sleep. */
    private void tickWhilePagesAreOpen() {
        if (pages.isEmpty() && ticker != null) {
            ticker.cancel(false);
            ticker = null;
        } else if (!pages.isEmpty() && ticker == null) {
            ticker = sessions.conductor().scheduleAtFixedRate(this::tick, METER_PERIOD_MILLIS, METER_PERIOD_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** A page that showed a valid token (conductor thread). False if there are too many. */
    boolean join(Channel channel, Principal who) {
        if (pages.size() >= MAX_PAGES) {
            stats.refused.increment();
            return false;
        }
        Page page = new Page(channel, who);
        pages.add(page);
        tickWhilePagesAreOpen();
        channel.closeFuture().addListener(f -> sessions.conductor().execute(() -> {
            pages.remove(page);
            tickWhilePagesAreOpen();
        }));
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("role", who.operator() ? "operator" : "participant");
        if (!who.operator()) {
            hello.put("name", who.participant());
        }
        hello.put("sampleRate", sampleRate);
        send(page, encode(hello));
        page.stale = true; // gets the roster and its mix now, from the roster as it is now
        publishState();
        send(page, encode(health(page)));
        return true;
    }

    private void tick() {
        tick++;
        if (pages.isEmpty()) {
            return;
        }
        try {
            publishState();
            broadcast(meters());
            if (tick % TICKS_PER_HEALTH == 0) {
                String operatorHealth = null; // the same for every operator page: encoded once
                for (Page page : List.copyOf(pages)) {
                    if (page.who().operator()) {
                        operatorHealth = operatorHealth == null ? encode(health(page)) : operatorHealth;
                        send(page, operatorHealth);
                    } else {
                        send(page, encode(health(page)));
                    }
                }
            }
            if (tick % TICKS_PER_PING == 0) {
                for (Page page : pages) {
                    page.channel().writeAndFlush(new PingWebSocketFrame());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("live feed tick failed; pages keep their connection", e);
        }
    }

    /**
     * The roster and mixes as they are now, to every page if anything changed, else to pages that
     * missed them: before any meters that follow the roster's order.
     */
    private void publishState() {
        List<Entry> now = currentRoster();
        boolean changed = !now.equals(roster) || book.changes() != bookChanges;
        roster = now;
        bookChanges = book.changes();
        String state = null;
        for (Page page : List.copyOf(pages)) {
            if (changed || page.stale) {
                state = state == null ? encode(state()) : state;
                sendState(page, state);
            }
        }
    }

    private List<Entry> currentRoster() {
        List<Entry> entries = new ArrayList<>();
        for (Participant participant : sessions.active()) {
            var stream = participant.stream();
            entries.add(new Entry(participant.name(), participant.slot(), book.section(participant.name()),
                    stream == null ? 0 : stream.format().channelsSent(),
                    participant.state() == Participant.State.STREAMING));
        }
        entries.sort(java.util.Comparator.comparing(Entry::name));
        return List.copyOf(entries);
    }

    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("type", "state");
        List<Map<String, Object>> people = new ArrayList<>();
        for (Entry entry : roster) {
            Map<String, Object> person = new LinkedHashMap<>();
            person.put("name", entry.name());
            person.put("section", entry.section());
            person.put("channels", entry.channels());
            person.put("streaming", entry.streaming());
            people.add(person);
        }
        state.put("roster", people);
        state.put("preset", book.defaultPreset());
        state.put("mixMaster", book.master());
        state.put("sections", views.sections());
        return state;
    }

    private Map<String, Object> mixOf(Page page) {
        Map<String, Object> mix = new LinkedHashMap<>();
        mix.put("type", "mix");
        mix.putAll(page.who().operator() ? views.masterMix() : views.mix(page.who().participant()));
        return mix;
    }

    private Map<String, Object> health(Page page) {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("type", "health");
        health.put("recording", views.recording(page.who().operator()));
        if (page.who().operator()) {
            List<Map<String, Object>> everyone = new ArrayList<>();
            for (Participant participant : sessions.active()) {
                everyone.add(views.participant(participant, true));
            }
            health.put("participants", everyone);
            health.put("hub", hubHealth.get());
        } else {
            Participant me = sessions.byName(page.who().participant());
            health.put("me", me == null ? null : views.participant(me, false));
        }
        return health;
    }

    /** One meters message for every page: source levels and mix levels in roster order, dBFS. */
    private String meters() {
        LevelMeters sources = engine.sourceMeters();
        LevelMeters mixes = engine.mixMeters();
        StringBuilder text = new StringBuilder(32 + roster.size() * 14);
        text.append("{\"type\":\"meters\",\"levels\":[");
        appendLevels(text, sources, Entry::slot);
        text.append("],\"mix\":[");
        appendLevels(text, mixes, Entry::slot);
        return text.append("]}").toString();
    }

    private void appendLevels(StringBuilder text, LevelMeters meters, Function<Entry, Integer> slot) {
        for (int i = 0; i < roster.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            double db = meters.peakDbfs(slot.apply(roster.get(i)));
            if (Double.isInfinite(db) || db < -120) {
                text.append("null");
            } else {
                text.append(Math.round(db * 10) / 10.0);
            }
        }
    }

    private String encode(Object message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a live message", e);
        }
    }

    private void broadcast(String text) {
        TextWebSocketFrame frame = new TextWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        try {
            for (Page page : pages) {
                write(page, frame.retainedDuplicate());
            }
        } finally {
            frame.release();
        }
    }

    /** The roster and the page's own mix; both again later if the page cannot take them now. */
    private void sendState(Page page, String state) {
        page.stale = !send(page, state) || !send(page, encode(mixOf(page)));
    }

    private boolean send(Page page, String text) {
        return write(page, new TextWebSocketFrame(text));
    }

    private boolean write(Page page, TextWebSocketFrame frame) {
        if (!page.channel().isActive() || !page.channel().isWritable()) {
            frame.release();
            stats.framesSkipped.increment();
            return false;
        }
        page.channel().writeAndFlush(frame, page.channel().voidPromise());
        stats.framesSent.increment();
        return true;
    }

    @Override
    public void close() {
        sessions.conductor().execute(() -> {
            if (ticker != null) {
                ticker.cancel(false);
                ticker = null;
            }
            for (Page page : List.copyOf(pages)) {
                page.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE));
                page.channel().close();
            }
            pages.clear();
        });
    }
}
