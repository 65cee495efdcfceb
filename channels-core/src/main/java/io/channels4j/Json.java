package io.channels4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON helpers on one shared Jackson {@link ObjectMapper}, for consumers that speak JSON over
 * WebSocket text frames (the tutorial's {@code {"message": "..."}}).
 *
 * <p>Thread-safe.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // {"a":1} trailing is not JSON, as Python's json.loads says
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

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
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
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
