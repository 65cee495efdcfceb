package io.channels4j.middleware;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value rules of sessions: what JSON carries, copied into unmodifiable form so that a session
 * never shares a mutable object with its caller or its store. Stateless; thread-safe.
 */
final class SessionValues {

    private SessionValues() {
    }

    /**
     * Checks and copies a value.
     *
     * @param path names the value in errors, e.g. {@code cart.items[0]}
     * @throws IllegalArgumentException for a type JSON cannot carry
     */
    static Object normalize(String path, Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case BigInteger big when big.bitLength() < 64 -> big.longValue();
            case Double d -> finite(path, d);
            case Float f -> finite(path, f.doubleValue());
            case BigDecimal d -> finite(path, d.doubleValue());
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    copy.add(normalize(path + "[" + i + "]", list.get(i)));
                }
                yield Collections.unmodifiableList(copy);
            }
            case Map<?, ?> map -> copyMap(path + ".", map);
            default -> throw new IllegalArgumentException("session value '" + path + "' is a "
                    + value.getClass().getName() + "; sessions hold null, Boolean, integers, Double, String, "
                    + "and Lists and Maps of those (store it as a String or a Map)");
        };
    }

    /** Copies a map of values; {@code prefix} is prepended to keys in errors. */
    static Map<String, Object> copyMap(String prefix, Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("session map '" + prefix + "' has a key of type "
                        + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + "; keys must be Strings");
            }
            copy.put(key, normalize(prefix + key, e.getValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Double finite(String path, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("session value '" + path + "' is " + d + ", which JSON cannot carry");
        }
        return d;
    }
}
