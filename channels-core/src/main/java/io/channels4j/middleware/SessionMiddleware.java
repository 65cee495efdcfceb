package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Message;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.ScopeKey;
import io.channels4j.Send;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link Session} in the scope, keyed by the signed session cookie, Channels'
 * {@code SessionMiddleware}. Needs {@link CookieMiddleware} outside it: use
 * {@link SessionMiddlewareStack} or {@link AuthMiddlewareStack}.
 *
 * <pre>{@code
 * Application app = SessionMiddlewareStack.wrap(router,
 *         SessionMiddleware.builder(new InMemorySessionStore(), System.getenv("SESSION_SECRET"))
 *                 .secure(true));
 * }</pre>
 *
 * <p><b>Cookie.</b> The cookie (default {@code sessionid}) holds {@code <key>:<signature>}, an
 * HMAC-SHA256 of the key under the secret you configure. A cookie that is missing, forged, signed
 * with another secret or names an expired session gives a new, empty session; the bad cookie is
 * not logged.
 *
 * <p><b>Saving.</b> When the application sends {@code http.response.start} with a status below
 * 500 and the session was {@linkplain Session#isModified() modified} (or {@code saveEveryRequest}
 * is on), the session is saved and the response gets a {@code Set-Cookie}; a session emptied by
 * {@link Session#flush()} instead deletes the cookie. Other events pass untouched, so WebSocket
 * code calls {@link Session#save()} itself, as in Channels.
 *
 * <p>If the scope already has a session (an outer session middleware), this one passes the
 * connection through unchanged.
 *
 * <p><b>Lifecycle and threading.</b> One instance serves every connection concurrently; the
 * per-connection session lives in the scope and in the wrapped {@code send}. Built once with
 * {@link #builder}; immutable.
 */
public final class SessionMiddleware extends Middleware {

    /** The scope attribute that holds the session: {@code scope.get(SessionMiddleware.SESSION)}. */
    public static final ScopeKey<Session> SESSION = ScopeKey.of("session", Session.class);
    /** Default cookie name, Django's {@code SESSION_COOKIE_NAME}. */
    public static final String DEFAULT_COOKIE_NAME = "sessionid";
    /** Default session lifetime, Django's {@code SESSION_COOKIE_AGE}: two weeks. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1_209_600);

    private static final Logger log = LoggerFactory.getLogger(SessionMiddleware.class);

    private final SessionStore store;
    private final SessionIds ids;
    private final String cookieName;
    private final Duration maxAge;
    private final CookieOptions cookieOptions;
    private final boolean saveEveryRequest;
    private final boolean expireAtBrowserClose;
    private final Clock clock;

    /**
     * Wraps an application with the default settings.
     *
     * @param inner  the application that sees {@code session} in its scope
     * @param store  where sessions live
     * @param secret signs the cookie; at least 32 bytes, random, kept out of the source
     */
    public SessionMiddleware(Application inner, SessionStore store, String secret) {
        this(inner, builder(store, secret));
    }

    private SessionMiddleware(Application inner, Builder b) {
        super(inner);
        this.store = b.store;
        this.ids = b.ids;
        this.cookieName = b.cookieName;
        this.maxAge = b.maxAge;
        this.cookieOptions = CookieOptions.defaults().path(b.cookiePath).domain(b.cookieDomain).secure(b.secure)
                .httpOnly(b.httpOnly).sameSite(b.sameSite);
        this.saveEveryRequest = b.saveEveryRequest;
        this.expireAtBrowserClose = b.expireAtBrowserClose;
        this.clock = b.clock;
    }

    /**
     * Starts configuring a session middleware.
     *
     * @param store  where sessions live
     * @param secret signs the cookie; at least 32 bytes
     * @return a builder; not thread-safe
     * @throws IllegalArgumentException if the secret is too short (the message gives its length only)
     */
    public static Builder builder(SessionStore store, String secret) {
        return new Builder(store, secret);
    }

    /**
     * Hands the connection to the wrapped application with a session in the scope and a
     * {@code send} that saves it.
     *
     * @throws IllegalStateException if no {@link CookieMiddleware} ran before this one
     */
    @Override
    public Next next(Scope scope, Receive receive, Send send) {
        if (scope.hasAttribute(SESSION.name())) {
            return new Next(inner, scope, receive, send);
        }
        if (!scope.hasAttribute(CookieMiddleware.COOKIES)) {
            throw new IllegalStateException("no cookies in the scope: SessionMiddleware needs to run inside "
                    + "CookieMiddleware (use SessionMiddlewareStack or AuthMiddlewareStack)");
        }
        String cookie = scope.cookies().get(cookieName);
        String key = null;
        if (cookie != null) {
            key = ids.unsign(cookie);
            if (key == null) {
                log.debug("ignoring a session cookie that does not verify (client {})", scope.client());
            }
        }
        Session session = new Session(store, key, maxAge);
        boolean hadCookie = cookie != null;
        Send saving = message -> send.send(beforeSend(message, session, hadCookie));
        return new Next(inner, scope.with(SESSION, session), receive, saving);
    }

    private Message beforeSend(Message message, Session session, boolean hadCookie) {
        if (!Events.HTTP_RESPONSE_START.equals(message.type()) || message.getInt("status", 200) >= 500
                || !(session.isModified() || saveEveryRequest)) {
            return message;
        }
        if (session.isEmptyAndUnsaved()) {
            return hadCookie ? CookieMiddleware.deleteCookie(message, cookieName, cookieOptions) : message;
        }
        session.save();
        CookieOptions options = expireAtBrowserClose ? cookieOptions : cookieOptions.maxAge(maxAge);
        return CookieMiddleware.setCookie(message, cookieName, ids.sign(session.key()), options, clock);
    }

    /** @return the name of the session cookie */
    public String cookieName() {
        return cookieName;
    }

    /**
     * The cookie value that carries a session key, as this middleware would set it: for tests and
     * for clients that log in elsewhere.
     *
     * @param sessionKey a session's {@link Session#key() key}
     * @return the signed cookie value
     */
    public String cookieValue(String sessionKey) {
        return ids.sign(sessionKey);
    }

    @Override
    public String toString() {
        return "SessionMiddleware[" + store + ", cookie " + cookieName + "]";
    }

    /**
     * Configures a {@link SessionMiddleware}; each setting is named after the Django setting it
     * mirrors. Not thread-safe; {@link #build} may be called more than once. The secret is never
     * shown by {@code toString}.
     */
    public static final class Builder {
        private final SessionStore store;
        private final SessionIds ids;
        private String cookieName = DEFAULT_COOKIE_NAME;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private String cookiePath = "/";
        private String cookieDomain;
        private boolean secure;
        private boolean httpOnly = true;
        private String sameSite = "Lax";
        private boolean saveEveryRequest;
        private boolean expireAtBrowserClose;
        private Clock clock = Clock.systemUTC();

        private Builder(SessionStore store, String secret) {
            this.store = Objects.requireNonNull(store, "store");
            this.ids = new SessionIds(secret);
        }

        /**
         * Sets {@code cookieName}.
         *
         * @param name the cookie name, {@code SESSION_COOKIE_NAME}; default {@code sessionid}
         * @return this
         */
        public Builder cookieName(String name) {
            CookieCodec.checkName(Objects.requireNonNull(name, "cookieName"));
            this.cookieName = name;
            return this;
        }

        /**
         * Sets {@code maxAge}.
         *
         * @param value how long a session lives after its last save, and the cookie's
         *              {@code Max-Age}, {@code SESSION_COOKIE_AGE}; default two weeks
         * @return this
         */
        public Builder maxAge(Duration value) {
            Objects.requireNonNull(value, "maxAge");
            if (value.toSeconds() < 1) {
                throw new IllegalArgumentException("session maxAge must be at least 1 second, was " + value);
            }
            this.maxAge = value;
            return this;
        }

        /**
         * Sets {@code cookiePath}.
         *
         * @param path the cookie path, {@code SESSION_COOKIE_PATH}; default {@code /}
         * @return this
         */
        public Builder cookiePath(String path) {
            this.cookiePath = Objects.requireNonNull(path, "cookiePath");
            return this;
        }

        /**
         * Sets {@code cookieDomain}.
         *
         * @param domain the cookie domain, {@code SESSION_COOKIE_DOMAIN}; default none
         * @return this
         */
        public Builder cookieDomain(String domain) {
            this.cookieDomain = domain;
            return this;
        }

        /**
         * Sets {@code secure}.
         *
         * @param value send the cookie over HTTPS only, {@code SESSION_COOKIE_SECURE}; default false
         * @return this
         */
        public Builder secure(boolean value) {
            this.secure = value;
            return this;
        }

        /**
         * Sets {@code httpOnly}.
         *
         * @param value hide the cookie from scripts, {@code SESSION_COOKIE_HTTPONLY}; default true
         * @return this
         */
        public Builder httpOnly(boolean value) {
            this.httpOnly = value;
            return this;
        }

        /**
         * Sets {@code sameSite}.
         *
         * @param value {@code Strict}, {@code Lax} or {@code None} ({@code None} needs
         *              {@code secure(true)} in browsers), or null to leave it out,
         *              {@code SESSION_COOKIE_SAMESITE}; default {@code Lax}
         * @return this
         */
        public Builder sameSite(String value) {
            CookieOptions.defaults().sameSite(value); // validates
            this.sameSite = value;
            return this;
        }

        /**
         * Sets {@code saveEveryRequest}.
         *
         * @param value save on every HTTP response, {@code SESSION_SAVE_EVERY_REQUEST}; default false
         * @return this
         */
        public Builder saveEveryRequest(boolean value) {
            this.saveEveryRequest = value;
            return this;
        }

        /**
         * Sets {@code expireAtBrowserClose}.
         *
         * @param value give the cookie no expiry so the browser drops it on exit,
         *              {@code SESSION_EXPIRE_AT_BROWSER_CLOSE}; the store still forgets the
         *              session after {@code maxAge}; default false
         * @return this
         */
        public Builder expireAtBrowserClose(boolean value) {
            this.expireAtBrowserClose = value;
            return this;
        }

        /**
         * Sets {@code clock}.
         *
         * @param value the clock for the cookie's {@code expires}; default the system clock
         * @return this
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Builds the middleware.
         *
         * @param inner the application that sees {@code session} in its scope
         * @return the middleware
         */
        public SessionMiddleware build(Application inner) {
            return new SessionMiddleware(inner, this);
        }

        @Override
        public String toString() {
            return "SessionMiddleware.Builder[" + store + ", cookie " + cookieName + "]";
        }
    }
}
