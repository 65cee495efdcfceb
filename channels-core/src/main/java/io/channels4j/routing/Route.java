package io.channels4j.routing;

import io.channels4j.Application;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a {@link URLRouter}: a URL pattern and the {@link Application} it leads to, made
 * with {@link #path} (Django's {@code path()}) or {@link #rePath} (Django's {@code re_path()}).
 * Both are meant for static import:
 *
 * <pre>{@code
 * import static io.channels4j.routing.Route.rePath;
 *
 * List<Route> websocketUrlPatterns = List.of(
 *     rePath("ws/chat/(?P<room_name>\\w+)/$", Consumer.asApplication(ChatConsumer::new)));
 * }</pre>
 *
 * <p>Patterns are matched against the path without its leading {@code /} (write {@code ws/chat/},
 * not {@code /ws/chat/}). A route whose application is itself a {@link URLRouter} is a prefix, as
 * in Channels: it consumes what it matches and the inner router routes the rest.
 *
 * <p>What a route captures reaches the application as {@link io.channels4j.Scope#urlRoute()}:
 * named captures as kwargs, then the route's default kwargs (Django's {@code kwargs} argument),
 * which win over captures of the same name.
 *
 * <p>Immutable and thread-safe. The pattern is validated and compiled once, when the route is
 * made; a bad pattern fails then, with an {@link IllegalArgumentException} naming it.
 */
public final class Route {

    private final String pattern;
    private final Application application;
    private final Map<String, Object> defaults;
    private final RoutePattern compiled;

    private Route(String pattern, Application application, Map<String, Object> defaults, boolean regex) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.application = Objects.requireNonNull(application, "application");
        Objects.requireNonNull(defaults, "defaults");
        Map<String, Object> copy = new LinkedHashMap<>();
        defaults.forEach((k, v) -> copy.put(
                Objects.requireNonNull(k, "default kwarg name"),
                Objects.requireNonNull(v, () -> "default kwarg '" + k + "' of route '" + pattern + "' is null")));
        this.defaults = Collections.unmodifiableMap(copy);
        boolean endpoint = !(application instanceof URLRouter);
        this.compiled = regex ? new RegexPattern(pattern, endpoint) : new PathPattern(pattern, endpoint);
    }

    /**
     * A route in Django {@code path()} syntax: literal text and {@code <converter:name>} segments.
     * Converters: {@code str} (the default for a bare {@code <name>}; one segment, no {@code /}),
     * {@code int} (ASCII digits, an {@link Integer}), {@code slug} ({@code [-a-zA-Z0-9_]+}),
     * {@code uuid} (lower-case hyphenated, a {@link java.util.UUID}) and {@code path} (anything,
     * {@code /} included). The route must match the whole path, or a prefix when the application
     * is a {@link URLRouter}.
     *
     * @param pattern     e.g. {@code chat/<str:room_name>/}
     * @param application where a match leads
     * @return the route
     * @throws IllegalArgumentException on an unknown converter or a name that is not an identifier
     */
    public static Route path(String pattern, Application application) {
        return new Route(pattern, application, Map.of(), false);
    }

    /**
     * A {@link #path(String, Application)} route with default kwargs, Django's
     * {@code path(route, view, kwargs)}.
     *
     * @param pattern     e.g. {@code chat/<str:room_name>/}
     * @param application where a match leads
     * @param defaults    kwargs added to every match, overriding captures of the same name
     * @return the route
     * @throws IllegalArgumentException on an unknown converter or a name that is not an identifier
     */
    public static Route path(String pattern, Application application, Map<String, Object> defaults) {
        return new Route(pattern, application, defaults, false);
    }

    /**
     * A route given as a Python regular expression, Django's {@code re_path()}. Python syntax is
     * accepted: named groups {@code (?P<room_name>...)} (Java's {@code (?<name>...)} too),
     * back references {@code (?P=name)}, {@code \Z}, inline flags; {@code \w}, {@code \d} and
     * {@code \s} are Unicode-aware as in Python 3. With named groups, only those are captured (as
     * kwargs); without, every group becomes a positional arg.
     *
     * <p>As in Django, a pattern ending in {@code $} must match the whole path; any other pattern
     * is searched for, so begin it with {@code ^} to anchor it at the start. A route leading to a
     * {@link URLRouter} is always searched for, and the inner router routes what follows the
     * match.
     *
     * @param regex       e.g. {@code ws/chat/(?P<room_name>\w+)/$}
     * @param application where a match leads
     * @return the route
     * @throws IllegalArgumentException if the regex is invalid in Python, or uses a construct Java
     *                                  lacks (conditional groups)
     */
    public static Route rePath(String regex, Application application) {
        return new Route(regex, application, Map.of(), true);
    }

    /**
     * A {@link #rePath(String, Application)} route with default kwargs, Django's
     * {@code re_path(route, view, kwargs)}.
     *
     * @param regex       e.g. {@code ws/chat/(?P<room_name>\w+)/$}
     * @param application where a match leads
     * @param defaults    kwargs added to every match, overriding captures of the same name
     * @return the route
     * @throws IllegalArgumentException if the regex is invalid in Python, or not translatable
     */
    public static Route rePath(String regex, Application application, Map<String, Object> defaults) {
        return new Route(regex, application, defaults, true);
    }

    /** @return the pattern as written */
    public String pattern() {
        return pattern;
    }

    /** @return the application a match leads to */
    public Application application() {
        return application;
    }

    /** @return the default kwargs, unmodifiable; empty if none */
    public Map<String, Object> defaults() {
        return defaults;
    }

    /**
     * Matches a path and adds the default kwargs to what was captured.
     *
     * @param path the path still to route, without its leading {@code /}
     * @return the match, or null
     */
    RouteMatch match(String path) {
        RouteMatch m = compiled.match(path);
        if (m == null || defaults.isEmpty()) {
            return m;
        }
        Map<String, Object> kwargs = new LinkedHashMap<>(m.kwargs());
        kwargs.putAll(defaults);
        return new RouteMatch(m.remaining(), m.args(), kwargs);
    }

    @Override
    public String toString() {
        return (compiled instanceof RegexPattern ? "rePath('" : "path('") + pattern + "')";
    }
}
