package io.channels4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * What URL routing captured: Channels' {@code scope["url_route"]}, with positional {@code args}
 * and named {@code kwargs}.
 *
 * <p>Values are converted by the route's converters: {@code int} gives an {@link Integer},
 * {@code uuid} a {@link UUID}, everything else a {@link String}. Nested routers merge what they
 * capture, outer values first.
 *
 * <p>Thread-safe: instances are immutable.
 *
 * @param args   positional captures, in order
 * @param kwargs named captures
 */
public record UrlRoute(List<Object> args, Map<String, Object> kwargs) {

    private static final Class<?> SINGLETON_MAP = Collections.singletonMap("", "").getClass();
    private static final UrlRoute EMPTY = new UrlRoute(List.of(), Map.of());

    /**
     * Creates the value, copying both collections.
     *
     * @param args   positional captures
     * @param kwargs named captures
     */
    public UrlRoute {
        // Collections.empty*, not List.of/Map.of: those throw on a null lookup, which the copies never did
        args = args.isEmpty() ? Collections.emptyList() : Collections.unmodifiableList(new ArrayList<>(args));
        kwargs = compact(kwargs);
    }

    /**
     * An unmodifiable copy in the map's order, sized for what routes capture (usually one name):
     * the route lives in the scope, as long as the connection.
     */
    private static Map<String, Object> compact(Map<String, Object> kwargs) {
        if (kwargs.isEmpty()) {
            return Collections.emptyMap();
        }
        if (kwargs.getClass() == SINGLETON_MAP) {
            return kwargs; // immutable already, and as small as it gets: what a one-name route captures
        }
        if (kwargs.size() == 1) {
            Map.Entry<String, Object> only = kwargs.entrySet().iterator().next();
            if (only.getKey() != null && only.getValue() != null) {
                return Collections.singletonMap(only.getKey(), only.getValue());
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }

    /**
     * Nothing captured.
     *
     * @return the empty route
     */
    public static UrlRoute empty() {
        return EMPTY;
    }

    /**
     * A named capture as text.
     *
     * @param name the group name, e.g. {@code room_name}
     * @return the value's text
     * @throws NoSuchElementException if the route captured no such name
     */
    public String kwarg(String name) {
        return String.valueOf(kwargValue(name));
    }

    /**
     * A named capture as converted by its converter.
     *
     * @param name the group name
     * @return the value (String, Integer or UUID)
     * @throws NoSuchElementException if the route captured no such name
     */
    public Object kwargValue(String name) {
        if (!kwargs.containsKey(name)) {
            throw new NoSuchElementException("url route has no kwarg '" + name + "'; captured: " + kwargs.keySet());
        }
        return kwargs.get(name);
    }

    /**
     * A named capture made by the {@code int} converter.
     *
     * @param name the group name
     * @return the value
     * @throws NoSuchElementException if absent
     * @throws NumberFormatException  if the capture is not an integer
     */
    public int intKwarg(String name) {
        Object value = kwargValue(name);
        if (value instanceof Integer i) {
            return i;
        }
        return Integer.parseInt(String.valueOf(value));
    }

    /**
     * A positional capture as text.
     *
     * @param index 0-based
     * @return the value's text
     * @throws IndexOutOfBoundsException if absent
     */
    public String arg(int index) {
        return String.valueOf(args.get(index));
    }

    /**
     * This route followed by an inner router's captures (inner kwargs win, args append).
     *
     * @param inner what the inner route captured
     * @return the merged route
     */
    public UrlRoute merge(UrlRoute inner) {
        if (inner.args.isEmpty() && inner.kwargs.isEmpty()) {
            return this;
        }
        if (args.isEmpty() && kwargs.isEmpty()) {
            return inner; // the common case: a top-level router's first capture
        }
        List<Object> a = new ArrayList<>(args);
        a.addAll(inner.args);
        Map<String, Object> k = new LinkedHashMap<>(kwargs);
        k.putAll(inner.kwargs);
        return new UrlRoute(a, k);
    }
}
