package io.channels4j.routing;

/**
 * One backslash escape of a Python pattern, read with Python's rules and rewritten for Java:
 * {@code \Z} becomes {@code \z}, {@code \v} the vertical tab, {@code \b} in a set the backspace;
 * octal escapes, the hex escapes {@code x}, {@code u} and {@code U}, and {@code N{...}} names become {@code \x{...}};
 * {@code \1}..{@code \99} are group references. Escapes Python rejects ({@code \p}, {@code \Q},
 * {@code \k}...) are rejected. Immutable.
 *
 * @param java           the Java text, or null for a group reference
 * @param end            the index just after the escape
 * @param groupReference the referenced group number, or 0
 */
record PythonEscape(String java, int end, int groupReference) {

    private static final String SET_ESCAPES = "adDfnrsStvwW";
    private static final String ESCAPES = SET_ESCAPES + "AbBZ";

    /**
     * Reads the escape whose backslash is at {@code start}.
     *
     * @param src   the whole pattern
     * @param start the index of the backslash
     * @param inSet whether the escape is inside {@code [...]}
     * @return the escape
     * @throws IllegalArgumentException if Python would reject it; the message names the pattern
     */
    static PythonEscape read(String src, int start, boolean inSet) {
        if (start + 1 >= src.length()) {
            throw PythonRegexTranslator.error(src, start, "bad escape (end of pattern)");
        }
        char c = src.charAt(start + 1);
        int next = start + 2;
        if (c >= '0' && c <= '9') {
            return digits(src, start, inSet);
        }
        switch (c) {
            case 'x':
                return codePoint(src, start, next, 2);
            case 'u':
                return codePoint(src, start, next, 4);
            case 'U':
                return codePoint(src, start, next, 8);
            case 'N':
                return namedCharacter(src, start, next);
            case 'v':
                return new PythonEscape("\\x0B", next, 0);
            default:
                break;
        }
        if (c == 'b' && inSet) {
            return new PythonEscape("\\x08", next, 0);
        }
        if (c == 'Z' && !inSet) {
            return new PythonEscape("\\z", next, 0);
        }
        if ((inSet ? SET_ESCAPES : ESCAPES).indexOf(c) >= 0) {
            return new PythonEscape("\\" + c, next, 0);
        }
        if (c < 128 && Character.isLetter(c)) {
            throw PythonRegexTranslator.error(src, start, "bad escape \\" + c);
        }
        if (c < 128) {
            return new PythonEscape("\\" + c, next, 0);
        }
        int cp = src.codePointAt(start + 1);
        return new PythonEscape(literal(cp), start + 1 + Character.charCount(cp), 0);
    }

    /** {@code \0}, octal escapes and numbered group references, with Python's precedence. */
    private static PythonEscape digits(String src, int start, boolean inSet) {
        char first = src.charAt(start + 1);
        int i = start + 2;
        if (inSet || first == '0') {
            if (first > '7') {
                throw PythonRegexTranslator.error(src, start, "bad escape \\" + first);
            }
            while (i < src.length() && i < start + 4 && isOctal(src.charAt(i))) {
                i++;
            }
            return octal(src, start, i);
        }
        if (i < src.length() && isAsciiDigit(src.charAt(i))) {
            if (isOctal(first) && isOctal(src.charAt(i)) && i + 1 < src.length() && isOctal(src.charAt(i + 1))) {
                return octal(src, start, i + 2);
            }
            i++;
        }
        return new PythonEscape(null, i, Integer.parseInt(src.substring(start + 1, i)));
    }

    private static PythonEscape octal(String src, int start, int end) {
        String digits = src.substring(start + 1, end);
        int value = Integer.parseInt(digits, 8);
        if (value > 0377) {
            throw PythonRegexTranslator.error(src, start, "octal escape value \\" + digits + " outside of range 0-0o377");
        }
        return new PythonEscape(literal(value), end, 0);
    }

    private static PythonEscape codePoint(String src, int start, int digitsStart, int length) {
        int end = digitsStart + length;
        if (end > src.length()
                || !src.substring(digitsStart, end).chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw PythonRegexTranslator.error(src, start, "incomplete escape " + src.substring(start, Math.min(end, src.length())));
        }
        long value = Long.parseLong(src.substring(digitsStart, end), 16);
        if (value > Character.MAX_CODE_POINT) {
            throw PythonRegexTranslator.error(src, start, "bad escape " + src.substring(start, end));
        }
        return new PythonEscape(literal((int) value), end, 0);
    }

    private static PythonEscape namedCharacter(String src, int start, int open) {
        if (open >= src.length() || src.charAt(open) != '{') {
            throw PythonRegexTranslator.error(src, start, "missing {");
        }
        int close = src.indexOf('}', open);
        if (close < 0) {
            throw PythonRegexTranslator.error(src, start, "missing }, unterminated name");
        }
        String name = src.substring(open + 1, close);
        try {
            return new PythonEscape(literal(Character.codePointOf(name)), close + 1, 0);
        } catch (IllegalArgumentException e) {
            throw PythonRegexTranslator.error(src, start, "undefined character name '" + name + "'");
        }
    }

    /** @return a Java escape matching exactly this code point, in or out of a set */
    private static String literal(int codePoint) {
        return "\\x{" + Integer.toHexString(codePoint) + "}";
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }
}
