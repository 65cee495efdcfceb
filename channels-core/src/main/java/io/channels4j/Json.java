package io.channels4j;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Map;

/**
 * JSON helpers on one shared Jackson {@link ObjectMapper}, for consumers that speak JSON over
 * WebSocket text frames (the tutorial's {@code {"message": "..."}}).
 *
 * <p>Thread-safe.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // Jackson's default keeps one set of buffers per thread (a ThreadLocal): with a
                    // virtual thread per connection that is a set per connection, allocated on its
                    // first use and never shared. One pool for the process reuses a few sets.
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            // {"a":1} trailing is not JSON, as Python's json.loads says
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private Json() {
    }

    /** @return the shared mapper; configure a copy ({@code mapper().copy()}), not this one */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses JSON text.
     *
     * @param text the JSON text
     * @return the tree
     * @throws InvalidJsonException if the text is not valid JSON
     */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new InvalidJsonException("empty text is not JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a value (Map, List, record, JsonNode, ...) as JSON text.
     *
     * @param value the value
     * @return the JSON text
     * @throws IllegalArgumentException if Jackson cannot serialize the value
     */
    public static String stringify(Object value) {
        if (value instanceof Map<?, ?> map) {
            String flat = flatObject(map);
            if (flat != null) {
                return flat;
            }
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * The common case of a consumer's reply, a small map of strings ({@code {"message": "..."}},
     * written once per recipient of a group message), without the data binder's per-call setup:
     * the same text as {@link ObjectMapper#writeValueAsString} (Jackson's own string escaping, the
     * map's iteration order), a few times cheaper.
     *
     * @return the JSON text, or null when a key or value is not a String (or null value)
     */
    private static String flatObject(Map<?, ?> map) {
        if (map.size() > 8) {
            return null;
        }
        StringBuilder json = new StringBuilder(64);
        json.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                return null;
            }
            Object value = entry.getValue();
            if (value != null && !(value instanceof String)) {
                return null;
            }
            if (!first) {
                json.append(',');
            }
            first = false;
            appendQuoted(json, key);
            json.append(':');
            if (value == null) {
                json.append("null");
            } else {
                appendQuoted(json, (String) value);
            }
        }
        return json.append('}').toString();
    }

    /** Appends a JSON string: as is when nothing needs escaping (the usual case), else Jackson's escaping. */
    private static void appendQuoted(StringBuilder json, String text) {
        json.append('"');
        if (needsEscape(text)) {
            ESCAPER.quoteAsString(text, json);
        } else {
            json.append(text);
        }
        json.append('"');
    }

    /** @return whether JSON needs an escape in the text: a control character, a quote or a backslash */
    private static boolean needsEscape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** Thrown when text that should be JSON is not. */
    public static final class InvalidJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidJsonException(String message) {
            super(message);
        }

        InvalidJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
