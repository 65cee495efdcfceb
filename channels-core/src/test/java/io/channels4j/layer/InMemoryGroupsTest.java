package io.channels4j.layer;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Group membership and its reverse index, for a channel in one group and in several. */
class InMemoryGroupsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(60);

    private final InMemoryGroups groups = new InMemoryGroups();

    @Test
    void aChannelInOneGroup_leavesItByDiscardOrEverywhere() {
        groups.add("room", "a", LATER);
        groups.add("room", "a", LATER); // a refresh, not a second membership
        groups.add("room", "b", LATER);

        groups.discard("room", "a");
        assertThat(groups.members("room", NOW)).containsExactly("b");

        groups.removeEverywhere("b");
        assertThat(groups.members("room", NOW)).isEmpty();
        assertThat(groups.size()).isZero();
    }

    @Test
    void aChannelInSeveralGroups_leavesOneOrAll() {
        groups.add("one", "a", LATER);
        groups.add("two", "a", LATER);
        groups.add("three", "a", LATER);

        groups.discard("two", "a");
        assertThat(groups.members("two", NOW)).isEmpty();
        assertThat(groups.members("one", NOW)).containsExactly("a");

        groups.removeEverywhere("a");
        assertThat(groups.members("one", NOW)).isEmpty();
        assertThat(groups.members("three", NOW)).isEmpty();
        assertThat(groups.size()).isZero();
    }

    @Test
    void aChannelBackToOneGroup_andThenGone_isIndexedRight() {
        groups.add("one", "a", LATER);
        groups.add("two", "a", LATER);
        groups.discard("one", "a");
        groups.discard("two", "a");
        groups.add("three", "a", LATER, "alice");

        assertThat(groups.labels("three", NOW)).containsExactly(java.util.Map.entry("a", "alice"));
        groups.removeEverywhere("a");
        assertThat(groups.members("three", NOW)).isEmpty();
        assertThat(groups.labels("three", NOW)).isEmpty();
        // expiry goes through the same index
        groups.add("four", "b", NOW.plusSeconds(1));
        groups.add("five", "b", NOW.plusSeconds(1));
        groups.expire(NOW.plusSeconds(2));
        assertThat(groups.size()).isZero();
    }
}
