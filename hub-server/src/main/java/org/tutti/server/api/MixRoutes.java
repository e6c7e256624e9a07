package org.tutti.server.api;

import static org.tutti.server.api.Router.Access.AUTHENTICATED;
import static org.tutti.server.api.Router.Access.MIX_OWNER;
import static org.tutti.server.api.Router.Access.OPERATOR;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tutti.server.mix.ListenerSettings;
import org.tutti.server.mix.MixBook;
import org.tutti.server.mix.MixMaster;
import org.tutti.server.mix.Preset;
import org.tutti.server.mix.SectionSettings;
import org.tutti.server.mix.Sections;
import org.tutti.server.mix.SourceSettings;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;

/**
 * Personal mixes, presets, the mix-master mode and the operator's master mix. Every change is
 * validated completely before anything is touched, then compiled into a new plan for the engine
 * and saved.
 */
final class MixRoutes {
    private final SessionManager sessions;
    private final MixBook book;
    private final Runnable changed;

    MixRoutes(SessionManager sessions, Runnable changed) {
        this.sessions = sessions;
        this.book = sessions.mixes().book();
        this.changed = changed;
    }

    void register(Router router) {
        router.add(HttpMethod.GET, "/api/presets", AUTHENTICATED, r -> presets())
                .add(HttpMethod.GET, "/api/preset", AUTHENTICATED, r -> Map.of("preset", book.defaultPreset()))
                .add(HttpMethod.PUT, "/api/preset", OPERATOR, this::setDefaultPreset)
                .add(HttpMethod.GET, "/api/mix-master", AUTHENTICATED, r -> book.master())
                .add(HttpMethod.PUT, "/api/mix-master", OPERATOR, this::setMixMaster)
                .add(HttpMethod.GET, "/api/master-mix", OPERATOR, r -> book.operatorMix())
                .add(HttpMethod.PUT, "/api/master-mix", OPERATOR,
                        r -> updateOperatorMix(readSettings(r, book.operatorMix(), true)))
                .add(HttpMethod.PUT, "/api/master-mix/sources/{source}", OPERATOR,
                        r -> updateOperatorMix(withSource(r, book.operatorMix())))
                .add(HttpMethod.DELETE, "/api/master-mix/sources/{source}", OPERATOR,
                        r -> updateOperatorMix(withoutSource(r, book.operatorMix())))
                .add(HttpMethod.PUT, "/api/master-mix/sections/{section}", OPERATOR,
                        r -> updateOperatorMix(withSection(r, book.operatorMix())))
                .add(HttpMethod.DELETE, "/api/master-mix/sections/{section}", OPERATOR,
                        r -> updateOperatorMix(withoutSection(r, book.operatorMix())))
                .add(HttpMethod.GET, "/api/mixes/{name}", MIX_OWNER, r -> mix(listener(r)))
                .add(HttpMethod.PUT, "/api/mixes/{name}", MIX_OWNER,
                        r -> update(listener(r), readSettings(r, ListenerSettings.DEFAULT, true)))
                .add(HttpMethod.PATCH, "/api/mixes/{name}", MIX_OWNER,
                        r -> update(listener(r), readSettings(r, book.settings(listener(r)), false)))
                .add(HttpMethod.DELETE, "/api/mixes/{name}", MIX_OWNER,
                        r -> update(listener(r), ListenerSettings.DEFAULT))
                .add(HttpMethod.PUT, "/api/mixes/{name}/sources/{source}", MIX_OWNER,
                        r -> update(listener(r), withSource(r, book.settings(listener(r)))))
                .add(HttpMethod.DELETE, "/api/mixes/{name}/sources/{source}", MIX_OWNER,
                        r -> update(listener(r), withoutSource(r, book.settings(listener(r)))))
                .add(HttpMethod.PUT, "/api/mixes/{name}/sections/{section}", MIX_OWNER,
                        r -> update(listener(r), withSection(r, book.settings(listener(r)))))
                .add(HttpMethod.DELETE, "/api/mixes/{name}/sections/{section}", MIX_OWNER,
                        r -> update(listener(r), withoutSection(r, book.settings(listener(r)))));
    }

    private static List<Map<String, String>> presets() {
        return java.util.Arrays.stream(Preset.values())
                .map(p -> Map.of("id", p.id(), "description", p.description())).toList();
    }

    private Object setDefaultPreset(Request request) {
        JsonBody body = JsonBody.of(request.json(), "preset", "resetPersonal");
        Preset preset = preset(body.text("preset"), true);
        boolean reset = Boolean.TRUE.equals(body.bool("resetPersonal"));
        book.defaultPreset(preset);
        if (reset) {
            book.resetAll();
        }
        changed.run();
        return Map.of("preset", preset, "resetPersonal", reset);
    }

    private Object setMixMaster(Request request) {
        JsonBody body = JsonBody.of(request.json(), "enabled", "participant");
        Boolean enabled = body.bool("enabled");
        if (enabled == null) {
            throw ApiException.badRequest("'enabled' (true or false) is required");
        }
        String participant = body.text("participant");
        if (enabled && participant != null) {
            requireKnown(participant);
        }
        MixMaster mode = enabled ? new MixMaster(true, participant) : MixMaster.OFF;
        book.master(mode);
        changed.run();
        return mode;
    }

    private Object updateOperatorMix(ListenerSettings settings) {
        book.operatorMix(settings);
        changed.run();
        return settings;
    }

    private Object update(String name, ListenerSettings settings) {
        book.put(name, settings);
        changed.run();
        return mix(name);
    }

    /** The listener named in the path: connected, or with saved settings; else 404. */
    private String listener(Request request) {
        String name = request.path("name");
        requireKnown(name);
        return name;
    }

    private void requireKnown(String name) {
        requireKnown(sessions, name);
    }

    /** A participant the API may address: connected, or with a saved mix (they may come back); else 404. */
    static void requireKnown(SessionManager sessions, String name) {
        if (sessions.byName(name) == null && !sessions.mixes().book().all().containsKey(name)) {
            throw ApiException.notFound("no participant named '" + name + "' (connected or with a saved mix)");
        }
    }

    /** A source for a mix: a streaming participant, "hub", or one the settings already name. */
    private void requireSource(String source, ListenerSettings settings) {
        if (ListenerSettings.HUB_SOURCE.equals(source) || settings.sources().containsKey(source)) {
            return;
        }
        Participant participant = sessions.byName(source);
        if (participant == null) {
            throw ApiException.notFound("no source named '" + source + "'");
        }
    }

    private Map<String, Object> mix(String name) {
        return MixView.of(sessions, name);
    }

    /**
     * Reads {@code preset}, {@code sources}, {@code selfDb}, {@code masterDb} over {@code base}. With
     * {@code whole}, missing fields take their defaults; otherwise they keep {@code base}'s value.
     * A JSON null clears preset or selfDb.
     */
    private ListenerSettings readSettings(Request request, ListenerSettings base, boolean whole) {
        JsonBody body = JsonBody.of(request.json(), "preset", "sources", "sections", "selfDb", "masterDb");
        ListenerSettings settings = whole ? ListenerSettings.DEFAULT : base;
        try {
            if (body.has("preset")) {
                settings = settings.withPreset(body.isNull("preset") ? null : preset(body.text("preset"), false));
            }
            if (body.has("selfDb")) {
                settings = settings.withSelfDb(body.number("selfDb"));
            }
            if (body.has("masterDb")) {
                Double master = body.number("masterDb");
                settings = settings.withMasterDb(master == null ? 0 : master);
            }
            if (body.has("sources") && !body.isNull("sources")) {
                var sources = body.raw("sources");
                if (!sources.isObject()) {
                    throw ApiException.badRequest("'sources' must be an object of source name to settings");
                }
                Map<String, SourceSettings> parsed = new TreeMap<>();
                for (var it = sources.fields(); it.hasNext(); ) {
                    var field = it.next();
                    requireSource(field.getKey(), base);
                    parsed.put(field.getKey(), source(JsonBody.of(field.getValue(), "gainDb", "mute", "solo", "pan"),
                            SourceSettings.UNITY, field.getKey()));
                }
                settings = new ListenerSettings(settings.preset(), parsed, settings.selfDb(), settings.masterDb(),
                        settings.sections());
            }
            if (body.has("sections") && !body.isNull("sections")) {
                var sections = body.raw("sections");
                if (!sections.isObject()) {
                    throw ApiException.badRequest("'sections' must be an object of section name to settings");
                }
                Map<String, SectionSettings> parsed = new TreeMap<>();
                for (var it = sections.fields(); it.hasNext(); ) {
                    var field = it.next();
                    parsed.put(Sections.check(field.getKey()), section(JsonBody.of(field.getValue(), "gainDb", "mute"),
                            SectionSettings.UNITY, field.getKey()));
                }
                settings = settings.withSections(parsed);
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return settings;
    }

    private ListenerSettings withSource(Request request, ListenerSettings settings) {
        String source = request.path("source");
        requireSource(source, settings);
        SourceSettings current = settings.sources().getOrDefault(source, SourceSettings.UNITY);
        JsonBody body = JsonBody.of(request.json(), "gainDb", "mute", "solo", "pan");
        return settings.withSource(source, source(body, current, source));
    }

    private ListenerSettings withoutSource(Request request, ListenerSettings settings) {
        String source = request.path("source");
        if (!settings.sources().containsKey(source)) {
            throw ApiException.notFound("this mix has no setting for '" + source + "'");
        }
        return settings.withSource(source, null);
    }

    private ListenerSettings withSection(Request request, ListenerSettings settings) {
        String section;
        try {
            section = Sections.check(request.path("section"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        SectionSettings current = settings.sections().getOrDefault(section, SectionSettings.UNITY);
        return settings.withSection(section, section(JsonBody.of(request.json(), "gainDb", "mute"), current, section));
    }

    private ListenerSettings withoutSection(Request request, ListenerSettings settings) {
        String section = request.path("section").toLowerCase(java.util.Locale.ROOT);
        if (!settings.sections().containsKey(section)) {
            throw ApiException.notFound("this mix has no setting for section '" + section + "'");
        }
        return settings.withSection(section, null);
    }

    /** A section fader over {@code current}; absent fields keep their value. */
    private static SectionSettings section(JsonBody body, SectionSettings current, String name) {
        try {
            double gain = body.has("gainDb") ? require(body.number("gainDb"), "gainDb") : current.gainDb();
            boolean mute = body.has("mute") ? require(body.bool("mute"), "mute") : current.mute();
            return new SectionSettings(gain, mute);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("section '" + name + "': " + e.getMessage());
        }
    }

    /** One source's settings over {@code current}; absent fields keep their value, pan null clears. */
    private static SourceSettings source(JsonBody body, SourceSettings current, String name) {
        try {
            double gain = body.has("gainDb") ? require(body.number("gainDb"), "gainDb") : current.gainDb();
            boolean mute = body.has("mute") ? require(body.bool("mute"), "mute") : current.mute();
            boolean solo = body.has("solo") ? require(body.bool("solo"), "solo") : current.solo();
            Double pan = body.has("pan") ? body.number("pan") : current.pan();
            return new SourceSettings(gain, mute, solo, pan);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("source '" + name + "': " + e.getMessage());
        }
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw ApiException.badRequest("'" + field + "' must not be null");
        }
        return value;
    }

    private static Preset preset(String text, boolean required) {
        if (text == null) {
            if (required) {
                throw ApiException.badRequest("'preset' is required");
            }
            return null;
        }
        try {
            return Preset.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
