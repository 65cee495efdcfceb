package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Scope;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses the request's {@code Cookie} header into the scope attribute {@code cookies} (read it with
 * {@link Scope#cookies()}), Channels' {@code CookieMiddleware}; and sets or deletes cookies on an
 * {@code http.response.start} event with {@link #setCookie} and {@link #deleteCookie}.
 *
 * <pre>{@code
 * String theme = scope().cookies().getOrDefault("theme", "light");
 *
 * Message start = Events.httpResponseStart(200, Headers.of("content-type", "text/plain"));
 * sendEvent(CookieMiddleware.setCookie(start, "theme", "dark", CookieOptions.defaults().maxAge(Duration.ofDays(365))));
 * }</pre>
 *
 * <p>Parsing follows Django's {@code parse_cookie}: the header is split on {@code ;}, the first
 * {@code =} separates name and value, both are stripped, double-quoted values are unquoted, a later
 * duplicate wins. Several {@code Cookie} headers (HTTP/2 splits them) are read as one. The map is
 * unmodifiable and empty without a header.
 *
 * <p><b>Lifecycle and threading.</b> One instance serves every connection; it keeps no state. The
 * static helpers are pure functions, callable from any thread.
 */
public final class CookieMiddleware extends Middleware {

    /** The scope attribute that holds the cookies, {@code Map<String, String>}. */
    public static final String COOKIES = "cookies";

    /** The {@code expires} value Channels writes to delete a cookie. */
    private static final String EPOCH = "Thu, 01-Jan-1970 00:00:00 GMT";

    /**
     * Wraps an application.
     *
     * @param inner the application that sees {@code cookies} in its scope
     */
    public CookieMiddleware(Application inner) {
        super(inner);
    }

    /**
     * Adds {@code cookies} to the scope.
     *
     * @throws IllegalArgumentException for a {@code channel} scope, which has no headers
     */
    @Override
    protected Scope populateScope(Scope scope) {
        if (Scope.CHANNEL.equals(scope.type())) {
            throw new IllegalArgumentException("CookieMiddleware was passed a channel scope, which has no headers "
                    + "(use it only for HTTP and WebSocket connections)");
        }
        return scope.with(COOKIES, parseCookies(scope.headers()));
    }

    /**
     * Parses request headers' {@code Cookie} fields, as the middleware does.
     *
     * @param headers the request headers
     * @return the cookies by name, unmodifiable, in header order
     */
    public static Map<String, String> parseCookies(Headers headers) {
        List<String> values = headers.getAll("cookie");
        return values.isEmpty() ? Map.of() : CookieCodec.parse(String.join(";", values));
    }

    /**
     * Returns a copy of an {@code http.response.start} event with a {@code Set-Cookie} header
     * appended, as Channels' {@code set_cookie} (which changes the message in place).
     *
     * @param responseStart the {@code http.response.start} event
     * @param name          the cookie name (letters, digits and {@code !#$%&'*+-.^_`|~:})
     * @param value         the value; null means empty. Quoted with backslash escapes when it
     *                      holds characters a bare cookie value cannot
     * @param options       the attributes
     * @return the new event
     * @throws IllegalArgumentException if the event is not {@code http.response.start} or the
     *                                  name is not a legal cookie name
     */
    public static Message setCookie(Message responseStart, String name, String value, CookieOptions options) {
        return setCookie(responseStart, name, value, options, Clock.systemUTC());
    }

    /**
     * Sets a cookie with the {@linkplain CookieOptions#defaults() default} attributes: path
     * {@code /}, {@code SameSite=Lax}, no expiry.
     *
     * @param responseStart the {@code http.response.start} event
     * @param name          the cookie name
     * @param value         the value
     * @return the new event
     */
    public static Message setCookie(Message responseStart, String name, String value) {
        return setCookie(responseStart, name, value, CookieOptions.defaults());
    }

    /**
     * Returns a copy of an {@code http.response.start} event that deletes a cookie at path
     * {@code /}: an empty value, {@code Max-Age=0} and an {@code expires} in 1970.
     *
     * @param responseStart the {@code http.response.start} event
     * @param name          the cookie name
     * @return the new event
     */
    public static Message deleteCookie(Message responseStart, String name) {
        return deleteCookie(responseStart, name, CookieOptions.defaults());
    }

    /**
     * Deletes a cookie set with other attributes: the browser matches on name, path and domain,
     * and wants {@code Secure} for a {@code SameSite=None} or {@code __Secure-} cookie. Only
     * {@code path}, {@code domain}, {@code secure} and {@code sameSite} are used, as in Django.
     *
     * @param responseStart the {@code http.response.start} event
     * @param name          the cookie name
     * @param options       the attributes the cookie was set with
     * @return the new event
     */
    public static Message deleteCookie(Message responseStart, String name, CookieOptions options) {
        return appendSetCookie(responseStart, format(name, "",
                options.maxAge(Duration.ZERO).expires(null).httpOnly(false), EPOCH, null));
    }

    static Message setCookie(Message responseStart, String name, String value, CookieOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        return appendSetCookie(responseStart, format(name, value == null ? "" : value, options, null, clock.instant()));
    }

    /**
     * The {@code Set-Cookie} value, attributes in the order Python writes them.
     *
     * @param expiresText a literal {@code expires} (deletion), or null to use the options
     * @param now         for {@code expires} from {@code maxAge} and back; null when not needed
     */
    static String format(String name, String value, CookieOptions options, String expiresText, Instant now) {
        Objects.requireNonNull(name, "cookie name");
        CookieCodec.checkName(name);
        Long maxAge = options.maxAge() == null ? null : options.maxAge().toSeconds();
        String expires = expiresText;
        if (expires == null && options.expires() != null) {
            expires = CookieCodec.httpDate(options.expires());
            if (maxAge == null) {
                long millis = Duration.between(now, options.expires()).toMillis();
                maxAge = Math.max(0, (millis + 999) / 1000);
            }
        }
        if (expires == null && maxAge != null) {
            expires = CookieCodec.httpDate(now.plusSeconds(maxAge));
        }
        StringBuilder sb = new StringBuilder(name).append('=').append(CookieCodec.quote(value));
        if (options.domain() != null) {
            sb.append("; Domain=").append(options.domain());
        }
        if (expires != null) {
            sb.append("; expires=").append(expires);
        }
        if (options.httpOnly()) {
            sb.append("; HttpOnly");
        }
        if (maxAge != null) {
            sb.append("; Max-Age=").append(maxAge);
        }
        if (options.path() != null) {
            sb.append("; Path=").append(options.path());
        }
        if (options.sameSite() != null) {
            sb.append("; SameSite=").append(options.sameSite());
        }
        if (options.secure()) {
            sb.append("; Secure");
        }
        // Header values hold bytes as ISO-8859-1 characters; Channels encodes the line as UTF-8.
        return new String(sb.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static Message appendSetCookie(Message responseStart, String headerValue) {
        Objects.requireNonNull(responseStart, "responseStart");
        if (!Events.HTTP_RESPONSE_START.equals(responseStart.type())) {
            throw new IllegalArgumentException("cookies are set on an http.response.start event, not on "
                    + responseStart.type());
        }
        Headers headers = Headers.fromPairs(responseStart.getList("headers")).plus("Set-Cookie", headerValue);
        return responseStart.with("headers", headers.toPairs());
    }
}
