package io.channels4j.middleware;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The attributes of a cookie set with {@link CookieMiddleware#setCookie}: the keyword arguments of
 * Channels' {@code CookieMiddleware.set_cookie}. Immutable; start from {@link #defaults()} and
 * change what you need:
 *
 * <pre>{@code
 * CookieOptions options = CookieOptions.defaults().maxAge(Duration.ofDays(1)).httpOnly(true);
 * }</pre>
 *
 * <table>
 * <caption>Attributes and defaults</caption>
 * <tr><th>attribute</th><th>default</th><th>written as</th></tr>
 * <tr><td>{@code maxAge}</td><td>none (a browser-session cookie)</td><td>{@code Max-Age=<seconds>}, and
 *     {@code expires} computed from it when no {@code expires} is given</td></tr>
 * <tr><td>{@code expires}</td><td>none</td><td>{@code expires=<IMF-fixdate>}, and {@code Max-Age} computed
 *     from it when no {@code maxAge} is given</td></tr>
 * <tr><td>{@code path}</td><td>{@code /}</td><td>{@code Path=}; null leaves it out</td></tr>
 * <tr><td>{@code domain}</td><td>none</td><td>{@code Domain=}</td></tr>
 * <tr><td>{@code secure}</td><td>false</td><td>{@code Secure}</td></tr>
 * <tr><td>{@code httpOnly}</td><td>false</td><td>{@code HttpOnly}</td></tr>
 * <tr><td>{@code sameSite}</td><td>{@code Lax}</td><td>{@code SameSite=}; {@code Strict}, {@code Lax} or
 *     {@code None} (any case), null leaves it out</td></tr>
 * </table>
 *
 * <p>Thread-safe: immutable.
 *
 * @param maxAge   how long the cookie lives, or null
 * @param expires  when the cookie expires, or null
 * @param path     the path, or null
 * @param domain   the domain, or null
 * @param secure   whether to send only over HTTPS
 * @param httpOnly whether to hide it from scripts
 * @param sameSite {@code Strict}, {@code Lax}, {@code None}, or null
 */
public record CookieOptions(Duration maxAge, Instant expires, String path, String domain, boolean secure,
                            boolean httpOnly, String sameSite) {

    private static final CookieOptions DEFAULTS = new CookieOptions(null, null, "/", null, false, false, "Lax");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if {@code maxAge} is negative or {@code sameSite} is not
     *                                  one of {@code Strict}, {@code Lax}, {@code None}
     */
    public CookieOptions {
        if (maxAge != null && maxAge.isNegative()) {
            throw new IllegalArgumentException("cookie maxAge must not be negative, was " + maxAge);
        }
        if (sameSite != null) {
            String lower = sameSite.toLowerCase(Locale.ROOT);
            if (!lower.equals("strict") && !lower.equals("lax") && !lower.equals("none")) {
                throw new IllegalArgumentException("cookie sameSite must be Strict, Lax or None, was '" + sameSite + "'");
            }
        }
    }

    /** @return path {@code /}, {@code SameSite=Lax}, everything else unset */
    public static CookieOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with {@code maxAge} changed.
     *
     * @param value the lifetime, or null for a browser-session cookie
     * @return a copy
     */
    public CookieOptions maxAge(Duration value) {
        return new CookieOptions(value, expires, path, domain, secure, httpOnly, sameSite);
    }

    /**
     * A copy with {@code expires} changed.
     *
     * @param value the expiry instant, or null
     * @return a copy
     */
    public CookieOptions expires(Instant value) {
        return new CookieOptions(maxAge, value, path, domain, secure, httpOnly, sameSite);
    }

    /**
     * A copy with {@code path} changed.
     *
     * @param value the path, or null to leave {@code Path} out
     * @return a copy
     */
    public CookieOptions path(String value) {
        return new CookieOptions(maxAge, expires, value, domain, secure, httpOnly, sameSite);
    }

    /**
     * A copy with {@code domain} changed.
     *
     * @param value the domain, or null
     * @return a copy
     */
    public CookieOptions domain(String value) {
        return new CookieOptions(maxAge, expires, path, value, secure, httpOnly, sameSite);
    }

    /**
     * A copy with {@code secure} changed.
     *
     * @param value whether to send only over HTTPS
     * @return a copy
     */
    public CookieOptions secure(boolean value) {
        return new CookieOptions(maxAge, expires, path, domain, value, httpOnly, sameSite);
    }

    /**
     * A copy with {@code httpOnly} changed.
     *
     * @param value whether to hide the cookie from scripts
     * @return a copy
     */
    public CookieOptions httpOnly(boolean value) {
        return new CookieOptions(maxAge, expires, path, domain, secure, value, sameSite);
    }

    /**
     * A copy with {@code sameSite} changed.
     *
     * @param value {@code Strict}, {@code Lax}, {@code None}, or null to leave it out
     * @return a copy
     */
    public CookieOptions sameSite(String value) {
        return new CookieOptions(maxAge, expires, path, domain, secure, httpOnly, value);
    }
}
