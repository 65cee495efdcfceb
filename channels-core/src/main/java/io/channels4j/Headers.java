package io.channels4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable, ordered list of HTTP header fields, as a scope or an {@code http.response.start}
 * event carries them.
 *
 * <p>Order and duplicates are kept ({@code Set-Cookie} and {@code Sec-WebSocket-Protocol} may
 * repeat); lookup by name is case-insensitive. Servers store names lower-cased, as Daphne does.
 * Values are Strings holding the header's bytes as ISO-8859-1 characters, HTTP's own charset.
 *
 * <p>Thread-safe: instances are immutable.
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(List.of());

    /** One header field. Name as given; compare with {@link #is(String)}. */
    public record Field(String name, String value) {
        /**
         * Creates a field.
         *
         * @param name  the header name
         * @param value the header value
         */
        public Field {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
        }

        /**
         * Whether this field has the given name, ignoring case.
         *
         * @param otherName the name to compare with
         * @return true if equal ignoring ASCII case
         */
        public boolean is(String otherName) {
            return name.equalsIgnoreCase(otherName);
        }
    }

    private final List<Field> fields;

    private Headers(List<Field> fields) {
        this.fields = fields;
    }

    /**
     * No headers.
     *
     * @return the empty instance
     */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Headers from alternating names and values.
     *
     * @param namesAndValues {@code name1, value1, name2, value2, ...}
     * @return the headers
     * @throws IllegalArgumentException if the count is odd
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of needs name/value pairs, got "
                    + namesAndValues.length + " arguments");
        }
        List<Field> list = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new Headers(Collections.unmodifiableList(list));
    }

    /**
     * Headers from a list of fields, copied.
     *
     * @param fields the fields in order
     * @return the headers
     */
    public static Headers of(List<Field> fields) {
        return fields.isEmpty() ? EMPTY : new Headers(List.copyOf(fields));
    }

    /**
     * Headers from ASGI-style {@code [[name, value], ...]} pairs, as found in events; each pair
     * holds Strings (or byte arrays, read as ISO-8859-1).
     *
     * @param pairs the list of two-element lists; null means none
     * @return the headers
     * @throws IllegalArgumentException if an element is not a two-element list of Strings/bytes
     */
    public static Headers fromPairs(List<?> pairs) {
        if (pairs == null || pairs.isEmpty()) {
            return EMPTY;
        }
        List<Field> list = new ArrayList<>(pairs.size());
        for (Object pair : pairs) {
            if (!(pair instanceof List<?> p) || p.size() != 2) {
                throw new IllegalArgumentException("a header must be a [name, value] pair, got " + pair);
            }
            list.add(new Field(text(p.get(0)), text(p.get(1))));
        }
        return new Headers(Collections.unmodifiableList(list));
    }

    private static String text(Object o) {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        throw new IllegalArgumentException("a header name or value must be a String or bytes, got "
                + (o == null ? "null" : o.getClass().getName()));
    }

    /**
     * The first value of a header.
     *
     * @param name the name, any case
     * @return the first value, or null if absent
     */
    public String get(String name) {
        for (Field f : fields) {
            if (f.is(name)) {
                return f.value();
            }
        }
        return null;
    }

    /**
     * Every value of a header, in order.
     *
     * @param name the name, any case
     * @return the values; empty if absent
     */
    public List<String> getAll(String name) {
        List<String> values = null;
        for (Field f : fields) {
            if (f.is(name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(f.value());
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /**
     * Whether a header is present.
     *
     * @param name the name, any case
     * @return true if at least one field has the name
     */
    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * A copy with one more field at the end.
     *
     * @param name  the name
     * @param value the value
     * @return the new headers
     */
    public Headers plus(String name, String value) {
        List<Field> list = new ArrayList<>(fields.size() + 1);
        list.addAll(fields);
        list.add(new Field(name, value));
        return new Headers(Collections.unmodifiableList(list));
    }

    /**
     * A copy without any field of the given name.
     *
     * @param name the name, any case
     * @return the new headers
     */
    public Headers minus(String name) {
        List<Field> list = new ArrayList<>(fields.size());
        for (Field f : fields) {
            if (!f.is(name)) {
                list.add(f);
            }
        }
        return new Headers(Collections.unmodifiableList(list));
    }

    /**
     * All fields in order.
     *
     * @return an unmodifiable list
     */
    public List<Field> fields() {
        return fields;
    }

    /**
     * The fields as ASGI-style {@code [[name, value], ...]} pairs, for events.
     *
     * @return a new list of two-element lists
     */
    public List<List<String>> toPairs() {
        List<List<String>> pairs = new ArrayList<>(fields.size());
        for (Field f : fields) {
            pairs.add(List.of(f.name(), f.value()));
        }
        return pairs;
    }

    /**
     * The number of fields.
     *
     * @return the size
     */
    public int size() {
        return fields.size();
    }

    /**
     * Whether there are no fields.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && fields.equals(h.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers[");
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(fields.get(i).name().toLowerCase(Locale.ROOT)).append(": ").append(fields.get(i).value());
        }
        return sb.append(']').toString();
    }
}
