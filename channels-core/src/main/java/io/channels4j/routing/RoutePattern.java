package io.channels4j.routing;

/**
 * A compiled route pattern: Django's {@code RoutePattern} ({@link PathPattern}) or
 * {@code RegexPattern} ({@link RegexPattern}). Immutable and thread-safe; compiled once, matched
 * on every connection's thread.
 */
sealed interface RoutePattern permits PathPattern, RegexPattern {

    /**
     * Matches a path (without its leading {@code /}).
     *
     * @param path the path still to route
     * @return the match, or null if the pattern does not match
     */
    RouteMatch match(String path);
}
