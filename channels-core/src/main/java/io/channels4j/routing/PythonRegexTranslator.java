package io.channels4j.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a Python {@code re} pattern as {@link java.util.regex.Pattern} source in one pass,
 * following CPython 3.11's parser; {@link PythonRegex} lists what changes. Every named group
 * becomes a plain capturing group and {@link #groupNames()} reports the names. Escapes are read by
 * {@link PythonEscape}.
 *
 * <p>Single use and not thread-safe; used once per route, when the route is made.
 */
final class PythonRegexTranslator {

    private static final String PY_WHITESPACE = " \t\n\r\u000b\f";

    private final String src;
    private final StringBuilder out = new StringBuilder();
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> groupsByName = new HashMap<>();
    private final Set<Integer> closedGroups = new HashSet<>();
    private final Deque<Frame> open = new ArrayDeque<>();
    private int pos;
    private boolean verbose;
    private boolean globalFlagsAllowed = true;

    /** An open group: its capturing number (0 if none) and the verbose mode outside it. */
    private record Frame(int group, boolean outerVerbose) {
    }

    /** @param src the Python pattern */
    PythonRegexTranslator(String src) {
        this.src = src;
    }

    /** @return the name of each capturing group (index 0 is group 1), null for unnamed ones */
    List<String> groupNames() {
        return names;
    }

    /**
     * The error for an invalid pattern, worded like Python's {@code re.error}.
     *
     * @param src    the pattern
     * @param index  where the problem is
     * @param reason what it is
     * @return the exception to throw
     */
    static IllegalArgumentException error(String src, int index, String reason) {
        return new IllegalArgumentException(
                "re_path pattern '" + src + "' is not a valid regular expression: " + reason + " at position " + index);
    }

    /**
     * Translates the pattern; call once.
     *
     * @return the Java regex source
     * @throws IllegalArgumentException if Python would reject the pattern or Java cannot express it
     */
    String translate() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (verbose && PY_WHITESPACE.indexOf(c) >= 0) {
                pos++;
            } else if (verbose && c == '#') {
                int nl = src.indexOf('\n', pos);
                pos = nl < 0 ? src.length() : nl + 1;
            } else if (src.startsWith("(?", pos)) {
                extension();
            } else {
                globalFlagsAllowed = false;
                atom(c);
            }
        }
        if (!open.isEmpty()) {
            throw error("missing ), unterminated subpattern");
        }
        return out.toString();
    }

    private void atom(char c) {
        switch (c) {
            case '\\' -> escape(false);
            case '[' -> characterSet();
            case '(' -> {
                pos++;
                openGroup(null);
            }
            case ')' -> closeGroup();
            case '{' -> brace();
            case '}', ']' -> {
                out.append('\\').append(c);
                pos++;
            }
            default -> {
                out.append(c);
                pos++;
            }
        }
    }

    private void openGroup(String name) {
        names.add(name);
        int number = names.size();
        if (name != null && groupsByName.putIfAbsent(name, number) != null) {
            throw error("redefinition of group name '" + name + "'");
        }
        open.push(new Frame(number, verbose));
        out.append('(');
    }

    private void closeGroup() {
        if (open.isEmpty()) {
            throw error("unbalanced parenthesis");
        }
        Frame f = open.pop();
        if (f.group() > 0) {
            closedGroups.add(f.group());
        }
        verbose = f.outerVerbose();
        out.append(')');
        pos++;
    }

    /** Handles {@code (?...}: named groups, references, lookarounds, comments and flags. */
    private void extension() {
        int start = pos;
        pos += 2;
        char c = charAt(pos, "unexpected end of pattern");
        if (c == '#') {
            int end = src.indexOf(')', pos);
            if (end < 0) {
                throw error("missing ), unterminated comment");
            }
            pos = end + 1;
            return;
        }
        if (isFlag(c) || c == '-') {
            flags(start);
            return;
        }
        globalFlagsAllowed = false;
        char next = pos + 1 < src.length() ? src.charAt(pos + 1) : 0;
        if (c == 'P' && next == '<') {
            pos += 2;
            openGroup(groupName('>'));
        } else if (c == 'P' && next == '=') {
            pos += 2;
            String name = groupName(')');
            Integer group = groupsByName.get(name);
            if (group == null) {
                throw error("unknown group name '" + name + "'");
            }
            backReference(group);
        } else if (c == 'P') {
            throw error("unknown extension ?P" + (next == 0 ? "" : String.valueOf(next)));
        } else if (c == '<' && (next == '=' || next == '!')) {
            openNonCapturing("(?<" + next);
            pos += 2;
        } else if (c == '<') {
            pos++;
            openGroup(groupName('>'));
        } else if (c == ':' || c == '=' || c == '!' || c == '>') {
            openNonCapturing("(?" + c);
            pos++;
        } else if (c == '(') {
            throw error("conditional groups (?(id/name)yes|no) are not supported in Java");
        } else {
            throw error("unknown extension ?" + c);
        }
    }

    private void openNonCapturing(String java) {
        open.push(new Frame(0, verbose));
        out.append(java);
    }

    /** Reads a group name up to {@code end} and checks it is an identifier. */
    private String groupName(char end) {
        int close = src.indexOf(end, pos);
        if (close < 0) {
            throw error("missing " + end + ", unterminated name");
        }
        String name = src.substring(pos, close);
        if (!Identifiers.isIdentifier(name)) {
            throw error("bad character in group name '" + name + "'");
        }
        pos = close + 1;
        return name;
    }

    private void backReference(int group) {
        if (group > names.size()) {
            throw error("invalid group reference " + group);
        }
        if (!closedGroups.contains(group)) {
            throw error("cannot refer to an open group");
        }
        out.append("(?:\\").append(group).append(')');
    }

    private static boolean isFlag(char c) {
        return "aiLmsux".indexOf(c) >= 0;
    }

    /**
     * Parses {@code (?flags)} or {@code (?on-off:...}; {@code pos} is after {@code (?}. Python's
     * {@code x} is applied here (whitespace and comments dropped), {@code a} becomes Java's
     * {@code -U}, {@code u} is Python's default and is dropped.
     */
    private void flags(int start) {
        StringBuilder on = new StringBuilder();
        StringBuilder off = new StringBuilder();
        boolean ascii = false;
        boolean unicode = false;
        boolean verboseOn = false;
        boolean verboseOff = false;
        char c = src.charAt(pos);
        while (isFlag(c)) {
            switch (c) {
                case 'L' -> throw error("bad inline flags: cannot use 'L' flag with a str pattern");
                case 'a' -> ascii = true;
                case 'u' -> unicode = true;
                case 'x' -> verboseOn = true;
                default -> on.append(c);
            }
            if (ascii && unicode) {
                throw error("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
            }
            c = charAt(++pos, "missing -, : or )");
        }
        if (c == ')') {
            if (!globalFlagsAllowed || !open.isEmpty()) {
                throw error(start, "global flags not at the start of the expression");
            }
            pos++;
            verbose |= verboseOn;
            emitFlags(on, ascii ? "U" : "", ')');
            return;
        }
        if (c == '-') {
            c = charAt(++pos, "missing flag");
            if (!isFlag(c)) {
                throw error("missing flag");
            }
            while (isFlag(c)) {
                if ("aLu".indexOf(c) >= 0) {
                    throw error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
                }
                if (on.indexOf(String.valueOf(c)) >= 0 || (c == 'x' && verboseOn)) {
                    throw error("bad inline flags: flag turned on and off");
                }
                if (c == 'x') {
                    verboseOff = true;
                } else {
                    off.append(c);
                }
                c = charAt(++pos, "missing :");
            }
        }
        if (c != ':') {
            throw error(Character.isLetter(c) ? "unknown flag" : "missing -, : or )");
        }
        pos++;
        globalFlagsAllowed = false;
        open.push(new Frame(0, verbose));
        verbose = (verbose || verboseOn) && !verboseOff;
        emitFlags(on, off + (ascii ? "U" : ""), ':');
    }

    private void emitFlags(CharSequence on, String off, char end) {
        if (on.isEmpty() && off.isEmpty()) {
            if (end == ':') {
                out.append("(?:");
            }
            return;
        }
        out.append("(?").append(on);
        if (!off.isEmpty()) {
            out.append('-').append(off);
        }
        out.append(end);
    }

    /** A {@code {}: a Python quantifier ({@code {,n}} included) or a literal brace. */
    private void brace() {
        int i = pos + 1;
        int loStart = i;
        while (i < src.length() && isAsciiDigit(src.charAt(i))) {
            i++;
        }
        String lo = src.substring(loStart, i);
        boolean comma = i < src.length() && src.charAt(i) == ',';
        String hi = "";
        if (comma) {
            int hiStart = ++i;
            while (i < src.length() && isAsciiDigit(src.charAt(i))) {
                i++;
            }
            hi = src.substring(hiStart, i);
        }
        boolean quantifier = i < src.length() && src.charAt(i) == '}' && (comma || !lo.isEmpty());
        if (!quantifier) {
            out.append("\\{");
            pos++;
            return;
        }
        out.append('{').append(lo.isEmpty() ? "0" : lo);
        if (comma) {
            out.append(',').append(hi);
        }
        out.append('}');
        pos = i + 1;
    }

    /** A {@code [...]} set: escapes what Java would read as a nested set or an intersection. */
    private void characterSet() {
        out.append('[');
        pos++;
        if (pos < src.length() && src.charAt(pos) == '^') {
            out.append('^');
            pos++;
        }
        boolean first = true;
        while (true) {
            char c = charAt(pos, "unterminated character set");
            if (c == ']' && !first) {
                out.append(']');
                pos++;
                return;
            }
            first = false;
            if (c == '\\') {
                escape(true);
            } else {
                if (c == '[' || c == '&' || c == ']') {
                    out.append('\\');
                }
                out.append(c);
                pos++;
            }
        }
    }

    /** A backslash escape at {@code pos}, inside a set or not. */
    private void escape(boolean inSet) {
        PythonEscape escape = PythonEscape.read(src, pos, inSet);
        if (escape.groupReference() > 0) {
            backReference(escape.groupReference());
        } else {
            out.append(escape.java());
        }
        pos = escape.end();
    }

    private char charAt(int index, String errorIfMissing) {
        if (index >= src.length()) {
            throw error(errorIfMissing);
        }
        return src.charAt(index);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private IllegalArgumentException error(String reason) {
        return error(pos, reason);
    }

    private IllegalArgumentException error(int index, String reason) {
        return error(src, index, reason);
    }
}
