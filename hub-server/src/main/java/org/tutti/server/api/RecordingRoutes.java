package org.tutti.server.api;

import static org.tutti.server.api.Router.Access.OPERATOR;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tutti.server.recording.Recorder;

/** Recording takes: start, stop and the state of the current (or last) take; the operator's. */
final class RecordingRoutes {
    private final Recorder recorder;

    RecordingRoutes(Recorder recorder) {
        this.recorder = recorder;
    }

    void register(Router router) {
        router.add(HttpMethod.GET, "/api/recording", OPERATOR, r -> recorder.status())
                .add(HttpMethod.POST, "/api/recording/start", OPERATOR, this::start)
                .add(HttpMethod.POST, "/api/recording/stop", OPERATOR, r -> stop());
    }

    private Object start(Request request) {
        Recorder.MixChoice mix = null;
        if (request.hasBody()) {
            JsonBody body = JsonBody.of(request.json(), "mix");
            if (body.has("mix") && !body.isNull("mix")) {
                String choice = body.text("mix");
                try {
                    mix = Recorder.MixChoice.valueOf(choice.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("'mix' must be \"auto\" or \"unity\": " + choice);
                }
            }
        }
        try {
            return recorder.start(mix);
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot make the take's folder in "
                    + recorder.directory() + ": " + e);
        }
    }

    private Object stop() {
        try {
            return recorder.stop();
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    /** For the live feed: everyone learns whether a take is recording; the operator, the take's state. */
    static Map<String, Object> view(Recorder recorder, boolean operator) {
        Recorder.Status status = recorder.status();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("on", status.recording());
        if (operator) {
            view.put("status", status);
        }
        return view;
    }
}
