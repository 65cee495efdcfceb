package io.channels4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable event: a map with String keys, usually with a {@code type} key, exactly what
 * Channels passes between servers, applications and channel layers.
 *
 * <p>Values are limited to what both msgpack (the Redis wire format) and JSON carry: {@code null},
 * {@link Boolean}, integers (stored as {@link Long}), floating point numbers (stored as
 * {@link Double}), {@link String}, {@code byte[]}, {@link List} and {@link Map} with String keys,
 * nested to any depth. Anything else is rejected when the message is built, with an
 * {@link InvalidMessageException} naming the key and the type, never later in a remote process.
 * Lists and maps are copied on build; byte arrays are copied on build and by
 * {@link #getBytes(String)}, so a message cannot change once built and can be handed from thread
 * to thread (and from sender to receiver) without copying.
 *
 * <pre>{@code
 * Message event = Message.of("type", "chat.message", "message", "hello");
 * String text = event.getString("message");
 * }</pre>
 *
 * <p>Thread-safe: instances are immutable.
 */
public final class Message {

    /** The key that holds the event type. */
    public static final String TYPE = "type";

    private static final Message EMPTY = new Message(Collections.emptyMap());

    private final Map<String, Object> values;

    private Message(Map<String, Object> values) {
        this.values = values;
    }

    /**
     * Builds a message from alternating keys and values.
     *
     * @param keysAndValues {@code key1, value1, key2, value2, ...}; keys must be Strings
     * @return the message
     * @throws InvalidMessageException if a key is not a String, a key repeats, the count is odd,
     *                                 or a value has a type a layer cannot carry
     */
    public static Message of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new InvalidMessageException(
                    "Message.of needs key/value pairs, got an odd number of arguments ("
                            + keysAndValues.length + ")");
        }
        Map<String, Object> map = LinkedHashMap.newLinkedHashMap(keysAndValues.length / 2);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String key)) {
                throw new InvalidMessageException("message keys must be Strings, argument " + i + " is "
                        + describeType(keysAndValues[i]));
            }
            if (map.containsKey(key)) {
                throw new InvalidMessageException("message key '" + key + "' is given twice");
            }
            map.put(key, normalize(key, keysAndValues[i + 1]));
        }
        return new Message(Collections.unmodifiableMap(map));
    }

    /**
     * Builds a message from a map, copying and checking every value.
     *
     * @param map the contents; String keys, values of the supported types
     * @return the message
     * @throws InvalidMessageException if a value has a type a layer cannot carry
     */
    public static Message from(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        if (map.isEmpty()) {
            return EMPTY;
        }
        Map<String, Object> copy = new LinkedHashMap<>(map.size() * 2);
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (!(((Object) e.getKey()) instanceof String key)) {
                throw new InvalidMessageException("message keys must be Strings, found "
                        + describeType(e.getKey()));
            }
            copy.put(key, normalize(key, e.getValue()));
        }
        return new Message(Collections.unmodifiableMap(copy));
    }

    /**
     * Starts a message with the given {@code type}.
     *
     * @param type the event type, such as {@code chat.message}
     * @return a builder; not thread-safe
     */
    public static Builder builder(String type) {
        return new Builder().put(TYPE, Objects.requireNonNull(type, "type"));
    }

    /**
     * Starts a message without a type (channel layers accept those; consumers do not).
     *
     * @return a builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The event type.
     *
     * @return the {@code type} value, or {@code null} if the message has none
     * @throws InvalidMessageException if {@code type} is present but not a String
     */
    public String type() {
        return getString(TYPE);
    }

    /**
     * Whether the key is present (possibly with a {@code null} value).
     *
     * @param key the key
     * @return true if present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * The raw value: {@code null}, Boolean, Long, Double, String, byte[] (shared: do not modify),
     * an unmodifiable List or an unmodifiable Map.
     *
     * @param key the key
     * @return the value, or null if absent
     */
    public Object get(String key) {
        return values.get(key);
    }

    /**
     * A String value.
     *
     * @param key the key
     * @return the value, or {@code null} if absent or null
     * @throws InvalidMessageException if the value is not a String
     */
    public String getString(String key) {
        return typed(key, String.class);
    }

    /**
     * A String value with a default.
     *
     * @param key          the key
     * @param defaultValue returned when absent or null
     * @return the value or the default
     * @throws InvalidMessageException if the value is not a String
     */
    public String getString(String key, String defaultValue) {
        String value = getString(key);
        return value == null ? defaultValue : value;
    }

    /**
     * An integer value.
     *
     * @param key the key
     * @return the value
     * @throws NoSuchElementException  if absent or null
     * @throws InvalidMessageException if not an integer
     */
    public long getLong(String key) {
        Long value = typed(key, Long.class);
        if (value == null) {
            throw new NoSuchElementException("message has no integer '" + key + "': " + this);
        }
        return value;
    }

    /**
     * An integer value with a default.
     *
     * @param key          the key
     * @param defaultValue returned when absent or null
     * @return the value or the default
     * @throws InvalidMessageException if not an integer
     */
    public long getLong(String key, long defaultValue) {
        Long value = typed(key, Long.class);
        return value == null ? defaultValue : value;
    }

    /**
     * An integer value that fits in an {@code int}.
     *
     * @param key the key
     * @return the value
     * @throws NoSuchElementException  if absent or null
     * @throws InvalidMessageException if not an integer or out of {@code int} range
     */
    public int getInt(String key) {
        return toInt(key, getLong(key));
    }

    /**
     * An {@code int} value with a default.
     *
     * @param key          the key
     * @param defaultValue returned when absent or null
     * @return the value or the default
     * @throws InvalidMessageException if not an integer or out of {@code int} range
     */
    public int getInt(String key, int defaultValue) {
        Long value = typed(key, Long.class);
        return value == null ? defaultValue : toInt(key, value);
    }

    /**
     * A floating point value; integers are widened.
     *
     * @param key the key
     * @return the value
     * @throws NoSuchElementException  if absent or null
     * @throws InvalidMessageException if not a number
     */
    public double getDouble(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new NoSuchElementException("message has no number '" + key + "': " + this);
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw wrongType(key, value, "a number");
    }

    /**
     * A boolean value with a default.
     *
     * @param key          the key
     * @param defaultValue returned when absent or null
     * @return the value or the default
     * @throws InvalidMessageException if not a Boolean
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        Boolean value = typed(key, Boolean.class);
        return value == null ? defaultValue : value;
    }

    /**
     * A byte string value, copied.
     *
     * @param key the key
     * @return a copy of the bytes, or null if absent or null
     * @throws InvalidMessageException if not a byte array
     */
    public byte[] getBytes(String key) {
        byte[] value = typed(key, byte[].class);
        return value == null ? null : value.clone();
    }

    /**
     * A list value.
     *
     * @param key the key
     * @return the unmodifiable list, or null if absent or null
     * @throws InvalidMessageException if not a list
     */
    public List<Object> getList(String key) {
        @SuppressWarnings("unchecked")
        List<Object> list = typed(key, List.class);
        return list;
    }

    /**
     * A map value.
     *
     * @param key the key
     * @return the unmodifiable map, or null if absent or null
     * @throws InvalidMessageException if not a map
     */
    public Map<String, Object> getMap(String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = typed(key, Map.class);
        return map;
    }

    /**
     * The keys, in the order they were added.
     *
     * @return an unmodifiable set
     */
    public Set<String> keys() {
        return values.keySet();
    }

    /**
     * The number of keys.
     *
     * @return the size
     */
    public int size() {
        return values.size();
    }

    /**
     * The whole message as an unmodifiable map view, for codecs. Byte arrays inside are shared
     * with this message: read them, never modify them.
     *
     * @return the map view, in insertion order
     */
    public Map<String, Object> asMap() {
        return values;
    }

    /**
     * A copy with one key set (added or replaced).
     *
     * @param key   the key
     * @param value a value of a supported type
     * @return the new message
     * @throws InvalidMessageException if the value has an unsupported type
     */
    public Message with(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, normalize(key, value));
        return new Message(Collections.unmodifiableMap(copy));
    }

    /**
     * A copy without one key.
     *
     * @param key the key to drop
     * @return the new message (this one if the key is absent)
     */
    public Message without(String key) {
        if (!values.containsKey(key)) {
            return this;
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.remove(key);
        return new Message(Collections.unmodifiableMap(copy));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message other && deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return deepHash(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Message");
        appendValue(sb, values);
        return sb.toString();
    }

    // ---------------------------------------------------------------- internals

    private <T> T typed(String key, Class<T> type) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (!type.isInstance(value)) {
            String wanted = switch (type.getSimpleName()) {
                case "Long" -> "an integer";
                case "byte[]" -> "a byte array";
                default -> "a " + type.getSimpleName();
            };
            throw wrongType(key, value, wanted);
        }
        return type.cast(value);
    }

    private static int toInt(String key, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidMessageException("message key '" + key + "' holds " + value + ", outside int range");
        }
        return (int) value;
    }

    private InvalidMessageException wrongType(String key, Object value, String wanted) {
        return new InvalidMessageException("message key '" + key + "' is " + describeType(value)
                + ", not " + wanted + " (message type " + values.get(TYPE) + ")");
    }

    private static String describeType(Object value) {
        if (value == null) {
            return "null";
        }
        return switch (value) {
            case Long l -> "an integer";
            case Double d -> "a floating point number";
            case byte[] b -> "a byte array";
            default -> "a " + value.getClass().getName();
        };
    }

    /** Checks and copies one value; {@code path} names it in errors. */
    static Object normalize(String path, Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Double d -> d;
            case Float f -> (double) f;
            case byte[] bytes -> bytes.clone();
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    copy.add(normalize(path + "[" + i + "]", list.get(i)));
                }
                yield Collections.unmodifiableList(copy);
            }
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>(map.size() * 2);
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new InvalidMessageException("message key '" + path + "' holds a map with key "
                                + e.getKey() + " of type " + (e.getKey() == null ? "null" : e.getKey().getClass().getName())
                                + "; map keys must be Strings");
                    }
                    copy.put(k, normalize(path + "." + k, e.getValue()));
                }
                yield Collections.unmodifiableMap(copy);
            }
            case Object[] array -> normalize(path, Arrays.asList(array));
            default -> throw new InvalidMessageException("message key '" + path + "' has a value of type "
                    + value.getClass().getName() + ", which a channel layer cannot carry; use null, Boolean, "
                    + "an integer, a floating point number, String, byte[], List or Map with String keys");
        };
    }

    private static boolean deepEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!deepEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static int deepHash(Object value) {
        return switch (value) {
            case null -> 0;
            case byte[] b -> Arrays.hashCode(b);
            case List<?> list -> {
                int h = 1;
                for (Object o : list) {
                    h = 31 * h + deepHash(o);
                }
                yield h;
            }
            case Map<?, ?> map -> {
                int h = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    h += Objects.hashCode(e.getKey()) ^ deepHash(e.getValue());
                }
                yield h;
            }
            default -> value.hashCode();
        };
    }

    private static void appendValue(StringBuilder sb, Object value) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> sb.append('"').append(s.length() > 200 ? s.substring(0, 200) + "..." : s).append('"');
            case byte[] b -> sb.append("bytes[").append(b.length).append(']');
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    appendValue(sb, list.get(i));
                }
                sb.append(']');
            }
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    sb.append(e.getKey()).append('=');
                    appendValue(sb, e.getValue());
                }
                sb.append('}');
            }
            default -> sb.append(value);
        }
    }

    /**
     * Builds a {@link Message} key by key. Not thread-safe; each {@link #build()} returns an
     * independent immutable message.
     */
    public static final class Builder {
        private final Map<String, Object> map = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets a key.
         *
         * @param key   the key
         * @param value a value of a supported type
         * @return this builder
         * @throws InvalidMessageException if the value has an unsupported type
         */
        public Builder put(String key, Object value) {
            map.put(Objects.requireNonNull(key, "key"), normalize(key, value));
            return this;
        }

        /**
         * Sets a key only when the value is not null.
         *
         * @param key   the key
         * @param value a value of a supported type, or null to leave the key out
         * @return this builder
         */
        public Builder putIfNotNull(String key, Object value) {
            return value == null ? this : put(key, value);
        }

        /**
         * Builds the message.
         *
         * @return a new immutable message
         */
        public Message build() {
            return new Message(Collections.unmodifiableMap(new LinkedHashMap<>(map)));
        }
    }
}
