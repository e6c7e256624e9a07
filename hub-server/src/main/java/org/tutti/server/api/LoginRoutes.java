package org.tutti.server.api;

import static org.tutti.server.api.Router.Access.PUBLIC;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.server.auth.CredentialsFile;
import org.tutti.server.auth.HubAuthentication;
import org.tutti.server.session.Participant;
import org.tutti.server.session.SessionManager;

/**
 * One login for the stream and the page ({@code -A}): a singer gives the mixer page the username and
 * password they give JackTrip and gets a token for the mix of the participant connected with that
 * username, with no link to hand out. The same credentials file, the same per-address throttle
 * (a page cannot be made to wait, so an address that must wait is told for how long), never the
 * password in the log. Operator credentials stay separate.
 */
final class LoginRoutes {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.auth");

    private final SessionManager sessions;
    private final Tokens tokens;
    private final HubAuthentication auth;

    /** @param auth null without {@code -A}: then there is nothing to log in with */
    LoginRoutes(SessionManager sessions, Tokens tokens, HubAuthentication auth) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.auth = auth;
    }

    void register(Router router) {
        router.add(HttpMethod.POST, "/api/login", PUBLIC, this::login);
    }

    private Object login(Request request) {
        if (auth == null) {
            throw ApiException.notFound("this hub has no logins (it runs without -A): open the personal link you"
                    + " were given");
        }
        JsonBody body = JsonBody.of(request.json(), "username", "password");
        String user = body.text("username");
        String password = body.text("password");
        if (user == null || password == null) {
            throw ApiException.badRequest("'username' and 'password' are required");
        }
        InetAddress address = request.peer().getAddress();
        long now = System.currentTimeMillis();
        long wait = auth.throttle().retryAfterMillis(address, now);
        if (wait > 0) {
            throw new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "too many failed logins from your address;"
                    + " try again in " + (wait + 999) / 1000 + " s");
        }
        CredentialsFile.Result result = auth.check(user, password);
        if (result != CredentialsFile.Result.OK) {
            int failures = auth.throttle().failed(address, now);
            boolean time = result == CredentialsFile.Result.WRONG_TIME;
            LOG.warn("page login of '{}' from {} refused: {} ({} failures from this address in a row)", user,
                    request.peer(), time ? "not at an allowed time" : "wrong username or password", failures);
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, time
                    ? "you are not let in at this time" : "wrong username or password");
        }
        auth.throttle().succeeded(address);
        Participant participant = sessions.byUsername(user);
        if (participant == null) {
            throw ApiException.conflict("nobody is connected as '" + user + "': connect with JackTrip first"
                    + " (-A --username " + user + "), then log in here");
        }
        String token = tokens.issueForLogin(participant.name());
        LOG.info("page login of '{}' from {}: the mix of {}", user, request.peer(), participant.name());
        return Map.of("participant", participant.name(), "token", token);
    }
}
