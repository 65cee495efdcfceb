package io.channels4j.routing;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Python {@code re} syntax, checked against what CPython 3.11 matches for the same pattern. */
class PythonRegexTest {

    private static boolean fullMatch(String python, String text) {
        return PythonRegex.compile(python).pattern().matcher(text).matches();
    }

    private static void assertRejected(String python, String reason) {
        assertThatThrownBy(() -> PythonRegex.compile(python))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("re_path pattern '" + python + "'")
                .hasMessageContaining(reason);
    }

    @Test
    void compile_dropsGroupNamesButKeepsNumbering() {
        PythonRegex regex = PythonRegex.compile("(a)(?P<room_name>b)(?:c)(?<id>d)");

        assertThat(regex.groupNames()).containsExactly(null, "room_name", "id");
        assertThat(regex.hasNamedGroups()).isTrue();
        assertThat(PythonRegex.compile("(a)(b)").hasNamedGroups()).isFalse();
    }

    @Test
    void compile_rejectsRepeatedGroupName() {
        assertRejected("(?P<a>x)(?P<a>y)", "redefinition of group name 'a'");
    }

    @Test
    void compile_rejectsReferenceToOpenOrUnknownGroup() {
        assertRejected("(?P<a>x(?P=a))", "cannot refer to an open group");
        assertRejected("(?P=a)", "unknown group name 'a'");
        assertRejected("(a)\\2", "invalid group reference 2");
    }

    @Test
    void compile_translatesNumberedBackReference() {
        assertThat(fullMatch("(a)\\1", "aa")).isTrue();
        assertThat(fullMatch("(a)\\1", "ab")).isFalse();
    }

    @Test
    void compile_translatesEndOfInputAnchor() {
        assertThat(fullMatch("a\\Z", "a")).isTrue();
        assertThat(PythonRegex.compile("a\\Z").pattern().matcher("a\n").find()).isFalse();
        assertThat(PythonRegex.compile("a$").pattern().matcher("a\n").find()).isTrue();
    }

    @Test
    void compile_dotAndDollarKnowOnlyNewline() {
        assertThat(fullMatch(".", "\r")).isTrue();
        assertThat(fullMatch(".", "\u2028")).isTrue();
        assertThat(fullMatch(".", "\n")).isFalse();
        assertThat(fullMatch("(?s:.)", "\n")).isTrue();
    }

    @Test
    void compile_classesAreUnicodeAwareUnlessAsciiFlag() {
        assertThat(fullMatch("\\w+", "caf\u00e9")).isTrue();
        assertThat(fullMatch("\\d+", "\u0663")).isTrue();
        assertThat(fullMatch("\\s", "\u00a0")).isTrue();
        assertThat(fullMatch("(?a)\\w+", "caf\u00e9")).isFalse();
        assertThat(fullMatch("(?a:\\w+)", "caf\u00e9")).isFalse();
        assertThat(fullMatch("(?i)\u00c9T\u00c9", "\u00e9t\u00e9")).isTrue();
    }

    @Test
    void compile_translatesBraces() {
        assertThat(fullMatch("a{,2}", "aa")).isTrue();
        assertThat(fullMatch("a{,2}", "aaa")).isFalse();
        assertThat(fullMatch("a{2,}", "aaa")).isTrue();
        assertThat(fullMatch("a{", "a{")).isTrue();
        assertThat(fullMatch("a{}", "a{}")).isTrue();
        assertThat(fullMatch("a{x}", "a{x}")).isTrue();
        assertThat(fullMatch("a}]", "a}]")).isTrue();
    }

    @Test
    void compile_keepsSetsLiteralWhereJavaWouldNest() {
        assertThat(fullMatch("[[]", "[")).isTrue();
        assertThat(fullMatch("[a&&b]", "&")).isTrue();
        assertThat(fullMatch("[]a]", "]")).isTrue();
        assertThat(fullMatch("[^]a]", "b")).isTrue();
        assertThat(fullMatch("[\\b]", "\b")).isTrue();
    }

    @Test
    void compile_translatesPythonEscapes() {
        assertThat(fullMatch("\\0", "\0")).isTrue();
        assertThat(fullMatch("\\101", "A")).isTrue();
        assertThat(fullMatch("[\\101]", "A")).isTrue();
        assertThat(fullMatch("\\x41", "A")).isTrue();
        assertThat(fullMatch("\\u00e9", "\u00e9")).isTrue();
        assertThat(fullMatch("\\U0001F600", "\uD83D\uDE00")).isTrue();
        assertThat(fullMatch("\\v", "\u000b")).isTrue();
        assertThat(fullMatch("\\N{EM DASH}", "\u2014")).isTrue();
        assertThat(fullMatch("a\\-b\\.c\\ d", "a-b.c d")).isTrue();
    }

    @Test
    void compile_rejectsEscapesPythonDoesNotKnow() {
        for (String escape : Arrays.asList("\\p{L}", "\\Q", "\\k<a>", "\\h", "[\\Z]")) {
            assertRejected(escape, "bad escape");
        }
        assertRejected("\\x4", "incomplete escape");
        assertRejected("\\U00110000", "bad escape");
    }

    @Test
    void compile_handlesVerboseMode() {
        assertThat(fullMatch("(?x) a  b # comment (with a parenthesis\n c", "abc")).isTrue();
        assertThat(fullMatch("(?x)a[ ]b", "a b")).isTrue();
        assertThat(fullMatch("(?x)a\\ b", "a b")).isTrue();
        assertThat(fullMatch("a(?x: b )c", "abc")).isTrue();
        assertThat(fullMatch("a(?x: b )c d", "abc d")).isTrue();
    }

    @Test
    void compile_dropsComments() {
        assertThat(fullMatch("a(?#comment)b", "ab")).isTrue();
    }

    @Test
    void compile_scopesInlineFlags() {
        assertThat(fullMatch("a(?i:B)c", "abc")).isTrue();
        assertThat(fullMatch("a(?i:B)c", "abC")).isFalse();
        assertThat(fullMatch("(?i)a(?-i:b)", "Ab")).isTrue();
        assertThat(fullMatch("(?i)a(?-i:b)", "AB")).isFalse();
    }

    @Test
    void compile_rejectsGlobalFlagsNotAtStart() {
        assertRejected("^(?i)abc$", "global flags not at the start");
        assertRejected("(a(?i))", "global flags not at the start");
    }

    @Test
    void compile_rejectsBadInlineFlags() {
        assertRejected("(?L)a", "'L' flag");
        assertRejected("(?au)a", "incompatible");
        assertRejected("(?-a:a)", "cannot turn off");
        assertRejected("(?i-i:a)", "turned on and off");
    }

    @Test
    void compile_keepsLookaroundsAndAtomicGroups() {
        assertThat(PythonRegex.compile("a(?=b)").pattern().matcher("ab").find()).isTrue();
        assertThat(PythonRegex.compile("(?<=a)b").pattern().matcher("ab").find()).isTrue();
        assertThat(PythonRegex.compile("(?<!a)b").pattern().matcher("ab").find()).isFalse();
        assertThat(fullMatch("(?>a+)b", "aab")).isTrue();
        assertThat(fullMatch("a++", "aaa")).isTrue();
    }

    @Test
    void compile_rejectsUnbalancedParentheses() {
        assertRejected("(a", "missing ), unterminated subpattern");
        assertRejected("a)", "unbalanced parenthesis");
        assertRejected("[a", "unterminated character set");
    }
}
