package io.channels4j.layer;

import java.util.regex.Pattern;

/**
 * Translates a shell glob to a regular expression with Python's {@code fnmatch} semantics:
 * {@code *} matches any run of characters, {@code ?} one character, {@code [seq]} one character of
 * the set (ranges like {@code a-z}; a {@code ]} right after the opening bracket is literal),
 * {@code [!seq]} one character outside it; an unclosed {@code [} is literal; everything else is
 * literal. The whole name must match. Case-sensitive.
 */
final class Glob {

    private Glob() {
    }

    static Pattern compile(String glob) {
        return Pattern.compile(translate(glob), Pattern.DOTALL);
    }

    static String translate(String glob) {
        StringBuilder regex = new StringBuilder(glob.length() * 2);
        int i = 0;
        int n = glob.length();
        while (i < n) {
            char c = glob.charAt(i++);
            switch (c) {
                case '*' -> {
                    if (!endsWith(regex, ".*")) {
                        regex.append(".*");
                    }
                }
                case '?' -> regex.append('.');
                case '[' -> {
                    int close = findSetEnd(glob, i);
                    if (close < 0) {
                        appendLiteral(regex, '[');
                    } else {
                        appendSet(regex, glob.substring(i, close));
                        i = close + 1;
                    }
                }
                default -> appendLiteral(regex, c);
            }
        }
        return regex.toString();
    }

    /** Index of the {@code ]} closing a set whose contents start at {@code start}, or -1. */
    private static int findSetEnd(String glob, int start) {
        int j = start;
        if (j < glob.length() && glob.charAt(j) == '!') {
            j++;
        }
        if (j < glob.length() && glob.charAt(j) == ']') {
            j++;
        }
        while (j < glob.length() && glob.charAt(j) != ']') {
            j++;
        }
        return j < glob.length() ? j : -1;
    }

    private static void appendSet(StringBuilder regex, String contents) {
        boolean negated = contents.startsWith("!");
        String body = negated ? contents.substring(1) : contents;
        StringBuilder items = new StringBuilder();
        int k = 0;
        while (k < body.length()) {
            char lo = body.charAt(k);
            if (k + 2 < body.length() && body.charAt(k + 1) == '-') {
                char hi = body.charAt(k + 2);
                if (lo <= hi) {
                    items.append(escape(lo)).append('-').append(escape(hi));
                }
                k += 3;
            } else {
                items.append(escape(lo));
                k++;
            }
        }
        if (items.isEmpty()) {
            // An empty set never matches; a negated empty set matches any character (as Python).
            regex.append(negated ? "." : "(?!)");
        } else {
            regex.append(negated ? "[^" : "[").append(items).append(']');
        }
    }

    private static void appendLiteral(StringBuilder regex, char c) {
        if (Character.isLetterOrDigit(c) || c == '_' || c == '!' || c == ' ') {
            regex.append(c);
        } else {
            regex.append(escape(c));
        }
    }

    private static String escape(char c) {
        return String.format("\\x{%x}", (int) c);
    }

    private static boolean endsWith(StringBuilder sb, String suffix) {
        int len = sb.length();
        return len >= suffix.length() && sb.substring(len - suffix.length()).equals(suffix);
    }
}
