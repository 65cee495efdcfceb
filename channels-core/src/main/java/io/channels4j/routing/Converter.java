package io.channels4j.routing;

import java.util.Arrays;

/**
 * Django's default path converters: the regex a {@code <converter:name>} segment matches and the
 * value it turns the text into. Stateless and thread-safe.
 */
enum Converter {
    /** {@code <str:name>} and {@code <name>}: a non-empty segment without {@code /}. */
    STR("str", "[^/]+"),
    /** {@code <int:name>}: ASCII digits, as an {@link Integer}. */
    INT("int", "[0-9]+") {
        @Override
        Object toValue(String text) {
            return Integer.valueOf(text);
        }
    },
    /** {@code <slug:name>}: ASCII letters, digits, hyphens and underscores. */
    SLUG("slug", "[-a-zA-Z0-9_]+"),
    /** {@code <uuid:name>}: a lower-case hyphenated UUID, as a {@link java.util.UUID}. */
    UUID("uuid", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}") {
        @Override
        Object toValue(String text) {
            return java.util.UUID.fromString(text);
        }
    },
    /** {@code <path:name>}: any non-empty text, {@code /} included. */
    PATH("path", ".+");

    private final String label;
    private final String regex;

    Converter(String label, String regex) {
        this.label = label;
        this.regex = regex;
    }

    /** @return the name used in patterns, e.g. {@code int} */
    String label() {
        return label;
    }

    /** @return the regex (no groups) this converter's segment matches */
    String regex() {
        return regex;
    }

    /**
     * Converts matched text, like Django's {@code to_python}.
     *
     * @param text what the regex matched
     * @return the value
     * @throws IllegalArgumentException if the text cannot be converted (the route then does not
     *                                  match, as with Django's {@code ValueError}), e.g. an
     *                                  {@code int} beyond {@link Integer#MAX_VALUE}
     */
    Object toValue(String text) {
        return text;
    }

    /**
     * The converter with a label.
     *
     * @param label e.g. {@code slug}
     * @return the converter, or null if there is none
     */
    static Converter forLabel(String label) {
        return Arrays.stream(values()).filter(c -> c.label.equals(label)).findFirst().orElse(null);
    }
}
