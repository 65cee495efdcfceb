package io.channels4j.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Django {@code path()} route such as {@code chat/<int:room>/}: literal text plus
 * {@code <converter:name>} segments ({@link Converter}; {@code str} when no converter is named).
 *
 * <p>An endpoint route must match the whole path (Django appends {@code \Z}); a route leading to a
 * nested {@link URLRouter} matches a prefix and leaves the rest to the inner router. Either way the
 * match is anchored at the start. A converted value that does not fit (an {@code int} beyond
 * {@link Integer#MAX_VALUE}) makes the route not match, as Django does when {@code to_python}
 * raises {@code ValueError}.
 *
 * <p>Immutable and thread-safe: the regex is compiled once, here.
 */
final class PathPattern implements RoutePattern {

    /** Django's {@code _PATH_PARAMETER_COMPONENT_RE}. */
    private static final Pattern PARAMETER = Pattern.compile("<(?:([^>:]+):)?([^>]+)>");
    private static final String PY_WHITESPACE = " \t\n\r\u000b\f";

    private final Pattern regex;
    private final List<String> names = new ArrayList<>();
    private final List<Converter> converters = new ArrayList<>();
    private final boolean endpoint;

    /**
     * Compiles a route.
     *
     * @param route    the Django path() syntax
     * @param endpoint whether the route must match the whole remaining path
     * @throws IllegalArgumentException on an unknown converter, a name that is not an identifier,
     *                                  whitespace inside {@code <...>} or a repeated name
     */
    PathPattern(String route, boolean endpoint) {
        this.endpoint = endpoint;
        StringBuilder java = new StringBuilder();
        Matcher m = PARAMETER.matcher(route);
        int literalStart = 0;
        while (m.find()) {
            if (m.group().chars().anyMatch(c -> PY_WHITESPACE.indexOf(c) >= 0)) {
                throw invalid(route, "cannot contain whitespace in angle brackets <...>");
            }
            String name = m.group(2);
            if (!Identifiers.isIdentifier(name)) {
                throw invalid(route, "uses parameter name '" + name + "' which isn't a valid Python identifier");
            }
            if (names.contains(name)) {
                throw invalid(route, "uses parameter name '" + name + "' more than once");
            }
            String label = m.group(1) == null ? "str" : m.group(1);
            Converter converter = Converter.forLabel(label);
            if (converter == null) {
                throw invalid(route, "uses invalid converter '" + label + "'");
            }
            quoteInto(java, route.substring(literalStart, m.start()));
            java.append('(').append(converter.regex()).append(')');
            names.add(name);
            converters.add(converter);
            literalStart = m.end();
        }
        quoteInto(java, route.substring(literalStart));
        this.regex = Pattern.compile(java.toString(), Pattern.UNIX_LINES);
    }

    private static void quoteInto(StringBuilder java, String literal) {
        if (!literal.isEmpty()) {
            java.append(Pattern.quote(literal));
        }
    }

    private static IllegalArgumentException invalid(String route, String reason) {
        return new IllegalArgumentException("URL route '" + route + "' " + reason);
    }

    @Override
    public RouteMatch match(String path) {
        Matcher m = regex.matcher(path);
        if (!(endpoint ? m.matches() : m.lookingAt())) {
            return null;
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            try {
                kwargs.put(names.get(i), converters.get(i).toValue(m.group(i + 1)));
            } catch (IllegalArgumentException notConvertible) {
                return null;
            }
        }
        return new RouteMatch(path.substring(m.end()), List.of(), kwargs);
    }
}
