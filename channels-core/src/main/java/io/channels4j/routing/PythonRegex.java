package io.channels4j.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Python {@code re} pattern, as Django's {@code re_path()} takes it, rewritten for
 * {@link java.util.regex}.
 *
 * <p>The rewrite keeps group numbering but drops every group name: named groups ({@code (?P<n>..)}
 * and Java's {@code (?<n>..)}) become plain capturing groups, and {@link #groupNames()} maps each
 * group number back to its name, so names may contain underscores or any identifier character.
 * It also bridges the syntax differences that would otherwise change a match silently: {@code \Z}
 * (Python: end of input), {@code \v}, octal and {@code \U} escapes, {@code {,n}}, a brace that
 * is not a quantifier, {@code [} and {@code &&} inside sets, the inline flags {@code a} and {@code x}, and
 * {@code (?#...)} comments. Constructs that Python rejects (unknown escapes such as {@code \p},
 * misplaced global flags, references to open groups) are rejected too; conditional groups
 * {@code (?(1)a|b)}, which Java lacks, are rejected with a clear message.
 *
 * <p>The result is compiled with {@link Pattern#UNICODE_CHARACTER_CLASS} (Python 3's {@code \w},
 * {@code \d}, {@code \s} and case folding are Unicode-aware) and {@link Pattern#UNIX_LINES}
 * (Python's {@code .} and {@code $} know only {@code \n}).
 *
 * <p>Immutable and thread-safe; built once when a route is created.
 *
 * @param source     the Python pattern as written
 * @param pattern    the compiled Java pattern
 * @param groupNames the name of each capturing group (index 0 is group 1); null for unnamed ones
 */
record PythonRegex(String source, Pattern pattern, List<String> groupNames) {

    /** Flags every translated pattern is compiled with. */
    static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;

    /** Copies the group names. */
    PythonRegex {
        groupNames = Collections.unmodifiableList(new ArrayList<>(groupNames));
    }

    /**
     * Translates and compiles a Python pattern.
     *
     * @param source the Python pattern
     * @return the compiled translation
     * @throws IllegalArgumentException if the pattern is invalid in Python or uses a construct Java
     *                                  cannot express; the message names the pattern
     */
    static PythonRegex compile(String source) {
        PythonRegexTranslator t = new PythonRegexTranslator(source);
        String java = t.translate();
        try {
            return new PythonRegex(source, Pattern.compile(java, FLAGS), t.groupNames());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "re_path pattern '" + source + "' is not a valid regular expression: " + e.getDescription(), e);
        }
    }

    /** @return whether any group has a name (Django then passes no positional args) */
    boolean hasNamedGroups() {
        return groupNames.stream().anyMatch(n -> n != null);
    }
}
