package io.channels4j.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * A Django {@code re_path()} route: a Python regular expression ({@link PythonRegex}).
 *
 * <p>Matching follows Django 3.2's {@code RegexPattern.match}: an endpoint route whose pattern
 * ends with {@code $} must match the whole path ({@code fullmatch}); any other route is searched
 * for ({@code search}), so it is anchored at the start only if it begins with {@code ^} and it may
 * leave a remainder. If the pattern has named groups, they become kwargs (groups that did not
 * participate are left out) and there are no positional args; otherwise every group becomes a
 * positional arg, null for a group that did not participate.
 *
 * <p>Immutable and thread-safe: the regex is compiled once, here.
 */
final class RegexPattern implements RoutePattern {

    private final PythonRegex regex;
    private final boolean fullMatch;
    private final boolean named;

    /**
     * Compiles a route.
     *
     * @param source   the Python regex
     * @param endpoint whether the route leads to an application rather than a nested router
     * @throws IllegalArgumentException if the regex is invalid or not translatable
     */
    RegexPattern(String source, boolean endpoint) {
        this.regex = PythonRegex.compile(source);
        this.fullMatch = endpoint && source.endsWith("$");
        this.named = regex.hasNamedGroups();
    }

    @Override
    public RouteMatch match(String path) {
        Matcher m = regex.pattern().matcher(path);
        if (!(fullMatch ? m.matches() : m.find())) {
            return null;
        }
        List<String> names = regex.groupNames();
        if (named && names.size() == 1) {
            // the common route, one named group (the tutorial's room_name): the smallest immutable map
            String value = m.group(1);
            Map<String, Object> kwargs = names.get(0) != null && value != null
                    ? Collections.singletonMap(names.get(0), value) : Collections.emptyMap();
            return new RouteMatch(path.substring(m.end()), Collections.emptyList(), kwargs);
        }
        // sized for what routes capture; a named pattern has no positional captures
        List<Object> args = named ? Collections.emptyList() : new ArrayList<>(names.size());
        Map<String, Object> kwargs = named ? new LinkedHashMap<>(4) : Collections.emptyMap();
        for (int i = 0; i < names.size(); i++) {
            String value = m.group(i + 1);
            if (!named) {
                args.add(value);
            } else if (names.get(i) != null && value != null) {
                kwargs.put(names.get(i), value);
            }
        }
        return new RouteMatch(path.substring(m.end()), args, kwargs);
    }
}
