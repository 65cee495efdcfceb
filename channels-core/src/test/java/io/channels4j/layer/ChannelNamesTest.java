package io.channels4j.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChannelNamesTest {

    @Test
    void groupName_withASpace_namesTheNameTheCharacterAndTheRule() {
        assertThatThrownBy(() -> ChannelNames.requireValidGroupName("chat_my room"))
                .isInstanceOf(InvalidChannelNameException.class)
                .hasMessage("Group name 'chat_my room' is invalid (character ' ' at index 7 is not allowed): "
                        + "only ASCII letters, digits, hyphens, underscores and periods are allowed, "
                        + "and the name must be shorter than 100 characters");
    }

    @Test
    void names_mustBeShorterThan100() {
        assertThat(ChannelNames.isValidChannelName("a".repeat(99))).isTrue();
        assertThat(ChannelNames.isValidGroupName("a".repeat(99))).isTrue();
        assertThatThrownBy(() -> ChannelNames.requireValidChannelName("a".repeat(100)))
                .hasMessageContaining("it is 100 characters long").hasMessageContaining("shorter than 100");
        assertThatThrownBy(() -> ChannelNames.requireValidGroupName("a".repeat(100)))
                .hasMessageStartingWith("Group name 'aaa");
        assertThat(ChannelNames.isValidChannelName("a!" + "ü".repeat(97))).isTrue();
        assertThat(ChannelNames.isValidChannelName("a!" + "𝟘".repeat(97))).as("length counts code points").isTrue();
    }

    @Test
    void channelNames_followTheChannels4Regex() {
        for (String ok : new String[] {"a", "A-b_c.9", "...", "specific.abc!", "specific.abc!def",
                "specific.x!ü", "x!٣", "x!-_.", "x!日本"}) {
            assertThat(ChannelNames.isValidChannelName(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"", "a b", "what?", "!x", "a!b!c", "ü", "a\n", "a!b c", "a!x\u0301",
                "a!b$", "a/b", "a:b"}) {
            assertThat(ChannelNames.isValidChannelName(bad)).as(bad).isFalse();
        }
    }

    @Test
    void groupNames_allowNoBang() {
        assertThat(ChannelNames.isValidGroupName("chat_lobby-1.x")).isTrue();
        assertThatThrownBy(() -> ChannelNames.requireValidGroupName("a!b"))
                .hasMessageContaining("character '!' at index 1");
    }

    @Test
    void problems_areDescribedPrecisely() {
        assertThatThrownBy(() -> ChannelNames.requireValidChannelName("a!b!c"))
                .hasMessageContaining("second '!' at index 3");
        assertThatThrownBy(() -> ChannelNames.requireValidChannelName("!x"))
                .hasMessageContaining("starts with '!'");
        assertThatThrownBy(() -> ChannelNames.requireValidChannelName("tab\there"))
                .hasMessageContaining("U+0009 at index 3");
        assertThatThrownBy(() -> ChannelNames.requireValidChannelName(""))
                .hasMessageContaining("it is empty");
        assertThatThrownBy(() -> ChannelNames.requireValidChannelName("what?"))
                .hasMessageContaining("'?' at index 4")
                .hasMessageContaining("optionally followed by one '!'");
    }

    @Test
    void null_isAClearError() {
        assertThatThrownBy(() -> ChannelNames.requireValidChannelName(null))
                .isInstanceOf(InvalidChannelNameException.class)
                .hasMessageStartingWith("Channel name null is invalid (it is null)");
        assertThatThrownBy(() -> ChannelNames.requireValidGroupName(null))
                .hasMessageStartingWith("Group name null is invalid (it is null)");
        assertThat(ChannelNames.isValidGroupName(null)).isFalse();
    }

    @Test
    void receiveNames_mustBeFullProcessLocalNames() {
        assertThat(ChannelNames.requireValidReceiveName("specific.abc!def")).isEqualTo("specific.abc!def");
        assertThat(ChannelNames.requireValidReceiveName("plain")).isEqualTo("plain");
        assertThatThrownBy(() -> ChannelNames.requireValidReceiveName("specific.abc!"))
                .isInstanceOf(InvalidChannelNameException.class)
                .hasMessageContaining("full process-local name");
    }

    @Test
    void nonLocalName_isUpToAndIncludingTheFirstBang() {
        assertThat(ChannelNames.nonLocalName("specific.abc!def")).isEqualTo("specific.abc!");
        assertThat(ChannelNames.nonLocalName("plain.name")).isEqualTo("plain.name");
        assertThat(ChannelNames.isProcessLocal("a!b")).isTrue();
        assertThat(ChannelNames.isProcessLocal("a.b")).isFalse();
    }

    @Test
    void prefix_mustLeaveRoomForTheGeneratedPart() {
        assertThat(ChannelNames.requireValidPrefix("x".repeat(73), 26)).hasSize(73);
        assertThatThrownBy(() -> ChannelNames.requireValidPrefix("x".repeat(74), 26))
                .hasMessageContaining("would be 100 characters long");
        assertThatThrownBy(() -> ChannelNames.requireValidPrefix("a!b", 26))
                .hasMessageStartingWith("newChannel prefix 'a!b' is invalid");
    }
}
