package io.channels4j.routing;

import java.util.Collections;
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

    /** Wraps, without copying, collections that the pattern made for this match and does not keep. */
    RouteMatch {
        args = Collections.unmodifiableList(args);
        kwargs = Collections.unmodifiableMap(kwargs);
    }
}
