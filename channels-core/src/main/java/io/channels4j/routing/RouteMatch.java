package io.channels4j.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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

    RouteMatch {
        args = Collections.unmodifiableList(new ArrayList<>(args));
        kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }
}
