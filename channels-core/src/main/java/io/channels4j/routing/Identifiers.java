package io.channels4j.routing;

/** Python's {@code str.isidentifier()}, which both Django's path() and Python's re apply to names. */
final class Identifiers {

    private Identifiers() {
    }

    /**
     * Whether a name is an identifier: a letter or {@code _}, then letters, digits or {@code _}
     * (Unicode letters included, as in Python 3).
     *
     * @param name the candidate
     * @return true if it is one
     */
    static boolean isIdentifier(String name) {
        if (name.isEmpty()) {
            return false;
        }
        int first = name.codePointAt(0);
        if (first != '_' && !Character.isUnicodeIdentifierStart(first)) {
            return false;
        }
        return name.codePoints().skip(1)
                .allMatch(c -> c == '_' || (Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c)));
    }
}
