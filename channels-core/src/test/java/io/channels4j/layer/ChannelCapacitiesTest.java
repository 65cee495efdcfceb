package io.channels4j.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ChannelCapacitiesTest {

    private static boolean glob(String glob, String name) {
        return ChannelCapacities.of(1).withGlob(glob, 2).capacity(name) == 2;
    }

    @Test
    void globs_followFnmatch() {
        assertThat(glob("http.*", "http.request")).isTrue();
        assertThat(glob("http.*", "http.")).isTrue();
        assertThat(glob("http.*", "xhttp.request")).isFalse();
        assertThat(glob("http.*", "httpXrequest")).as("a dot is literal").isFalse();
        assertThat(glob("a?c", "abc")).isTrue();
        assertThat(glob("a?c", "ac")).isFalse();
        assertThat(glob("a[bc]d", "acd")).isTrue();
        assertThat(glob("a[bc]d", "aed")).isFalse();
        assertThat(glob("a[!x]d", "abd")).isTrue();
        assertThat(glob("a[!x]d", "axd")).isFalse();
        assertThat(glob("n[0-9]", "n7")).isTrue();
        assertThat(glob("n[0-9]", "nx")).isFalse();
        assertThat(glob("n[9-0]", "n5")).as("an empty range matches nothing").isFalse();
        assertThat(glob("a[]]b", "a]b")).as("] first in a set is literal").isTrue();
        assertThat(glob("a[!]]b", "axb")).isTrue();
        assertThat(glob("a[!]]b", "a]b")).isFalse();
        assertThat(glob("a[b", "a[b")).as("an unclosed [ is literal").isTrue();
        assertThat(glob("a[-b]", "a-")).isTrue();
        assertThat(glob("**x", "abcx")).isTrue();
        assertThat(glob("specific.*!*", "specific.abc!def")).isTrue();
        assertThat(glob("a^$(b)", "a^$(b)")).as("regex characters are literal").isTrue();
        assertThat(glob("Http.*", "http.request")).as("case-sensitive").isFalse();
        assertThat(glob("abc", "abcd")).as("the whole name must match").isFalse();
    }

    @Test
    void regexes_matchFromTheStartLikeReMatch() {
        ChannelCapacities capacities = ChannelCapacities.of(1).withRegex(Pattern.compile("web"), 5);
        assertThat(capacities.capacity("websocket.send")).isEqualTo(5);
        assertThat(capacities.capacity("a.websocket")).isEqualTo(1);
        ChannelCapacities anchored = ChannelCapacities.of(1).withRegex(Pattern.compile("web$"), 5);
        assertThat(anchored.capacity("websocket")).isEqualTo(1);
        assertThat(anchored.capacity("web")).isEqualTo(5);
    }

    @Test
    void firstMatchingRuleWins_elseTheDefault() {
        ChannelCapacities capacities = ChannelCapacities.of(100)
                .withGlob("http.*", 10)
                .withRegex(Pattern.compile("http\\.req"), 20)
                .withGlob("*", 30);
        assertThat(capacities.capacity("http.request")).isEqualTo(10);
        assertThat(capacities.capacity("other")).isEqualTo(30);
        assertThat(ChannelCapacities.of(100).withGlob("x", 1).capacity("y")).isEqualTo(100);
        assertThat(capacities.rules()).hasSize(3);
        assertThat(capacities.withDefault(7).rules()).hasSize(3);
        assertThat(capacities.toString()).isEqualTo("ChannelCapacities[default=100, http.*=10, /http\\.req/=20, *=30]");
    }

    @Test
    void parse_readsTheUrlForm() {
        ChannelCapacities capacities = ChannelCapacities.parse("http.request=200; websocket.*=20;", 50);
        assertThat(capacities.capacity("http.request")).isEqualTo(200);
        assertThat(capacities.capacity("websocket.send")).isEqualTo(20);
        assertThat(capacities.capacity("other")).isEqualTo(50);
        assertThat(ChannelCapacities.parse("", 5).rules()).isEmpty();
        assertThatThrownBy(() -> ChannelCapacities.parse("http.request", 5))
                .hasMessageContaining("'http.request' must have the form glob=capacity");
        assertThatThrownBy(() -> ChannelCapacities.parse("a=lots", 5))
                .hasMessage("channel capacity for 'a' must be an integer >= 1, was 'lots'");
        assertThatThrownBy(() -> ChannelCapacities.parse("a=0", 5))
                .hasMessage("channel capacity for 'a' must be >= 1, was 0");
    }

    @Test
    void badValues_areRejected() {
        assertThatThrownBy(() -> ChannelCapacities.of(0)).hasMessage("capacity must be >= 1, was 0");
        assertThatThrownBy(() -> ChannelCapacities.of(1).withGlob("", 1)).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> ChannelCapacities.of(1).withRegex(Pattern.compile("x"), 0))
                .hasMessage("channel capacity for /x/ must be >= 1, was 0");
    }
}
