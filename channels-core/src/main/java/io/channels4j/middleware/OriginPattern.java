package io.channels4j.middleware;

import java.util.Locale;
import java.util.Objects;

/**
 * One allowed-origin pattern of an {@link OriginValidator}, parsed once, and Channels'
 * {@code match_allowed_origin} against it. Immutable and thread-safe.
 */
final class OriginPattern {

    /** The pattern that allows everything, a missing Origin header included. */
    static final String ANY = "*";

    private final String text;
    private final boolean any;
    /** Lower-cased scheme; empty for a pattern without one (then any scheme matches). */
    private final String scheme;
    /** The host (or domain pattern) to compare with; null when the pattern has none. */
    private final String host;
    /** The pattern's port or its scheme's default; null for none. Only used with a scheme. */
    private final Integer port;

    private OriginPattern(String text) {
        this.text = text;
        this.any = ANY.equals(text);
        if (any) {
            scheme = "";
            host = null;
            port = null;
            return;
        }
        // Channels: parsed_pattern = urlparse(pattern.lower())
        OriginUrl parsed = OriginUrl.parse(text.toLowerCase(Locale.ROOT));
        if (parsed.hasScheme()) {
            scheme = parsed.scheme();
            host = parsed.hostname();
            port = parsed.portOrDefault();
        } else {
            // Channels: urlparse("//" + pattern).hostname or pattern
            String hostname = OriginUrl.parse("//" + text).hostname();
            scheme = "";
            host = hostname != null ? hostname : text;
            port = null;
        }
    }

    /**
     * Parses a pattern.
     *
     * @param text the pattern as configured
     * @return the parsed pattern
     * @throws IllegalArgumentException where Channels would raise {@code ValueError} on every
     *                                  connection the pattern is tried on (e.g. a bad port)
     */
    static OriginPattern of(String text) {
        Objects.requireNonNull(text, "allowed origin pattern");
        try {
            return new OriginPattern(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid allowed origin pattern '" + text + "': " + e.getMessage(), e);
        }
    }

    /** @return whether this is {@code *} */
    boolean isAny() {
        return any;
    }

    /**
     * Channels' {@code pattern == "*" or match_allowed_origin(parsed_origin, pattern)}.
     *
     * @param origin the parsed Origin header, or null when there was none
     * @return whether the origin matches
     * @throws IllegalArgumentException if the comparison needs the origin's port and it is invalid
     */
    boolean matches(OriginUrl origin) {
        if (any) {
            return true;
        }
        if (origin == null) {
            return false;
        }
        String originHost = origin.hostname();
        if (originHost == null) {
            return false;
        }
        if (scheme.isEmpty()) {
            return OriginUrl.isSameDomain(originHost, host);
        }
        Integer originPort = origin.portOrDefault();
        return scheme.equals(origin.scheme()) && Objects.equals(originPort, port)
                && host != null && OriginUrl.isSameDomain(originHost, host);
    }

    @Override
    public String toString() {
        return text;
    }
}
