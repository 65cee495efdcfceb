package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Delegating;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels' {@code OriginValidator}: lets a WebSocket handshake through to the wrapped application
 * only if its {@code Origin} header matches one of the allowed patterns, and otherwise rejects it
 * before the application runs, which the server answers with HTTP 403. This is the defence
 * against cross-site WebSocket hijacking: browsers send cookies with a WebSocket handshake from
 * any page, but they always send the page's origin too, and a page cannot forge it.
 *
 * <pre>{@code
 * Application websocket = new OriginValidator(new URLRouter(routes),
 *         List.of("https://chat.example.com", ".example.org", "http://localhost:8000"));
 * }</pre>
 *
 * <p>Patterns, matched as Channels 4.0.0 matches them:
 * <ul>
 *   <li>{@code *} allows every origin, and also a handshake without an Origin header (non-browser
 *       clients usually send none). Without {@code *}, a missing header is rejected.</li>
 *   <li>{@code scheme://host[:port]}: scheme, host and port must all match. A missing port is the
 *       scheme's default: 80 for {@code http} and {@code ws}, 443 for {@code https} and
 *       {@code wss}. So {@code https://example.com} allows {@code https://example.com:443} but not
 *       {@code http://example.com} nor {@code https://example.com:8443}.</li>
 *   <li>A host without a scheme ({@code example.com}) matches that host with any scheme and any
 *       port. Do not add a port to it: as in Channels (and Django's {@code ALLOWED_HOSTS}),
 *       {@code example.com:8000} then reads as scheme {@code example.com} and matches nothing.</li>
 *   <li>A host starting with a dot matches the domain and all its subdomains:
 *       {@code .example.com} (or {@code https://.example.com}) allows {@code example.com} and
 *       {@code www.example.com}, not {@code badexample.com}. There are no other wildcards:
 *       {@code *.example.com} matches nothing.</li>
 *   <li>Hosts compare case-insensitively; IPv6 literals are written in brackets
 *       ({@code http://[::1]:8000}, {@code [::1]}).</li>
 *   <li>The opaque origin {@code null} (sandboxed frames, {@code file:} pages) has no host and is
 *       allowed only by {@code *}; so is an empty or unparseable header.</li>
 * </ul>
 * Origin headers and patterns are split as Python's {@code urllib.parse} splits them, quirks
 * included, so a configuration copied from a Channels project allows exactly the same origins.
 * Where Channels would fail with an exception instead (an origin with an invalid port or an
 * invalid bracketed host), the handshake is rejected here as well, with 403 rather than 500; a
 * pattern that would make every check fail that way is refused by the constructor.
 *
 * <p>A rejected handshake never reaches the wrapped application: the validator takes the
 * {@code websocket.connect} event, answers {@code websocket.close} (code 1000), and returns once
 * the server reports {@code websocket.disconnect}, as Channels' {@code WebsocketDenier} does.
 * Only {@code websocket} scopes are accepted: wrap the WebSocket branch of a
 * {@link io.channels4j.routing.ProtocolTypeRouter}, not the whole application; any other scope
 * type fails with {@link IllegalArgumentException}.
 *
 * <p>Threading and lifecycle: build it once at startup and share it. Instances are immutable and
 * thread-safe; {@link #run} is called once per connection, on that connection's thread, and runs
 * the wrapped application on the same thread. Nothing is held between connections.
 */
public class OriginValidator implements Delegating {

    private static final Logger log = LoggerFactory.getLogger(OriginValidator.class);

    private final Application application;
    private final List<String> allowedOrigins;
    private final List<OriginPattern> patterns;
    private final boolean allowsMissingOrigin;

    /**
     * Wraps an application.
     *
     * @param application    the application to protect, usually the WebSocket router
     * @param allowedOrigins the allowed origin patterns, tried in order; empty rejects everything
     * @throws NullPointerException     if an argument or a pattern is null
     * @throws IllegalArgumentException if a pattern can never be compared, such as one with an
     *                                  invalid port ({@code http://example.com:99999}) or an
     *                                  invalid bracketed host (Channels raises on every connection)
     */
    public OriginValidator(Application application, Collection<String> allowedOrigins) {
        this.application = Objects.requireNonNull(application, "application");
        this.allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
        List<OriginPattern> parsed = new ArrayList<>(this.allowedOrigins.size());
        boolean any = false;
        for (String origin : this.allowedOrigins) {
            OriginPattern pattern = OriginPattern.of(origin);
            any |= pattern.isAny();
            parsed.add(pattern);
        }
        this.patterns = List.copyOf(parsed);
        this.allowsMissingOrigin = any;
    }

    /** @return the wrapped application */
    public final Application application() {
        return application;
    }

    /** @return the allowed origin patterns, in order; unmodifiable */
    public final List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** The verdict on one Origin value: kept for the next handshake, which nearly always sends the same. */
    private record Verdict(String origin, boolean allowed) {
    }

    /** The last single Origin value checked; replaced whole, read racily (immutable). */
    private volatile Verdict lastVerdict;

    /** Runs in place of the wrapped application for a handshake whose origin is not allowed. */
    private static final Application DENIER = (scope, receive, send) -> deny(receive, send);

    /**
     * Hands the connection to the wrapped application if the handshake's origin is allowed; else
     * to a denier that rejects it (HTTP 403) without running the application. Final: the check
     * cannot be skipped by a subclass.
     *
     * @param scope   the connection's scope; must be a {@code websocket} scope
     * @param receive the client's events
     * @param send    events for the client
     * @throws IllegalArgumentException if the scope is not a {@code websocket} scope
     */
    @Override
    public final Next next(Scope scope, Receive receive, Send send) {
        if (!Scope.WEBSOCKET.equals(scope.type())) {
            throw new IllegalArgumentException("You cannot use " + getClass().getSimpleName()
                    + " on a non-WebSocket connection (scope type '" + scope.type() + "')");
        }
        if (isAllowed(scope.headers())) {
            return new Next(application, scope, receive, send);
        }
        if (log.isDebugEnabled()) {
            log.debug("rejecting websocket {} (client {}): origin {} is not allowed by {}", scope.path(),
                    scope.client(), scope.headers().getAll("origin"), allowedOrigins);
        }
        return new Next(DENIER, scope, receive, send);
    }

    /**
     * Whether an Origin header value is allowed (Channels' {@code valid_origin}).
     *
     * @param origin the header's value, or null when the handshake has no Origin header
     * @return true if a pattern allows it
     */
    public final boolean isValidOrigin(String origin) {
        OriginUrl parsed = null;
        if (origin != null) {
            try {
                parsed = OriginUrl.parse(origin);
            } catch (IllegalArgumentException e) {
                return false; // Channels fails the connection (500); it is refused either way
            }
        }
        return isValid(parsed);
    }

    /**
     * Whether the handshake's headers carry an allowed origin. As in Channels, the last
     * {@code origin} field counts, and any field that cannot be parsed fails the check.
     */
    private boolean isAllowed(Headers headers) {
        List<String> values = headers.getAll("origin");
        if (values.size() == 1) {
            // the verdict is a function of the value alone, and the pages of one site all send the same one
            String origin = values.get(0);
            Verdict seen = lastVerdict;
            if (seen != null && seen.origin().equals(origin)) {
                return seen.allowed();
            }
            boolean allowed = isValidOrigin(origin);
            lastVerdict = new Verdict(origin, allowed);
            return allowed;
        }
        OriginUrl parsed = null;
        for (String value : values) {
            try {
                parsed = OriginUrl.parse(value);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return isValid(parsed);
    }

    private boolean isValid(OriginUrl parsed) {
        if (parsed == null && !allowsMissingOrigin) {
            return false;
        }
        try {
            for (OriginPattern pattern : patterns) {
                if (pattern.matches(parsed)) {
                    return true;
                }
            }
        } catch (IllegalArgumentException e) {
            return false; // the origin's port is invalid: Channels fails the connection (500)
        }
        return false;
    }

    /**
     * Channels' {@code WebsocketDenier}: closes at {@code websocket.connect} (which the server
     * turns into a 403) and returns at {@code websocket.disconnect}.
     */
    private static void deny(Receive receive, Send send) throws InterruptedException {
        boolean closed = false;
        while (true) {
            Message event = receive.receive();
            String type = event.type();
            if (Events.WEBSOCKET_DISCONNECT.equals(type)) {
                return;
            }
            if (Events.WEBSOCKET_CONNECT.equals(type) && !closed) {
                closed = true;
                send.send(Events.websocketClose(Events.CLOSE_NORMAL, null));
            }
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + allowedOrigins;
    }
}
