package io.channels4j.routing;

import java.util.List;
import java.util.Map;

/**
 * What one route's pattern matched: Django's {@code (new_path, args, kwargs)}.
 *
 * @param remaining the rest of the path after the match ({@code path_remaining})
 * @param args      positional captures; may hold null for a group that did not participate
 * @param kwargs    named captures, converted
 */
record RouteMatch(String remaining, List<Object> args, Map<String, Object> kwargs) {

    /**
     * Takes, as they are, collections that the pattern made for this match and does not keep: no
     * one changes them afterwards ({@link io.channels4j.UrlRoute} copies or keeps them immutable).
     */
    RouteMatch {
    }
}
