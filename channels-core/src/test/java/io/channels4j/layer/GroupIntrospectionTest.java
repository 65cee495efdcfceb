package io.channels4j.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channels4j.Message;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link GroupIntrospection} on {@link InMemoryChannelLayer}, with a fake clock for expiry. */
class GroupIntrospectionTest {

    private static final Duration GROUP_EXPIRY = Duration.ofSeconds(10);

    private final FakeClock clock = new FakeClock();
    private final InMemoryChannelLayer layer = InMemoryChannelLayer.builder()
            .expiry(Duration.ofSeconds(60))
            .groupExpiry(GROUP_EXPIRY)
            .clock(clock)
            .build();

    @AfterEach
    void close() {
        layer.close();
    }

    @Test
    void theLayerAdvertisesTheExtension() {
        assertThat(layer.extensions()).containsExactlyInAnyOrder(ChannelLayer.EXTENSION_GROUPS,
                ChannelLayer.EXTENSION_FLUSH, GroupIntrospection.EXTENSION_INTROSPECTION);
        assertThat(GroupIntrospection.of(layer)).containsSame(layer);
        assertThat(GroupIntrospection.require(layer)).isSameAs(layer);
    }

    @Test
    void aLayerWithoutTheExtension_isRefusedClearly() {
        ChannelLayer plain = plainLayer();
        assertThat(GroupIntrospection.of(plain)).isEmpty();
        assertThatThrownBy(() -> GroupIntrospection.require(plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not support group introspection (extension 'introspection'");
    }

    @Test
    void unknownGroup_isEmpty() {
        assertThat(layer.groupMembers("nobody-here")).isEmpty();
        assertThat(layer.groupSize("nobody-here")).isZero();
        assertThat(layer.groupLabels("nobody-here")).isEmpty();
    }

    @Test
    void membersAndSize_followAddAndDiscard() {
        String a = layer.newChannel();
        String b = layer.newChannel();
        layer.groupAdd("room", a);
        layer.groupAdd("room", b);
        layer.groupAdd("room", a); // idempotent
        layer.groupAdd("other", a);
        assertThat(layer.groupMembers("room")).containsExactlyInAnyOrder(a, b);
        assertThat(layer.groupSize("room")).isEqualTo(2);

        layer.groupDiscard("room", a);
        assertThat(layer.groupMembers("room")).containsExactly(b);
        assertThat(layer.groupSize("room")).isEqualTo(1);
        assertThat(layer.groupMembers("other")).containsExactly(a);

        layer.groupDiscard("room", b);
        assertThat(layer.groupMembers("room")).isEmpty();
        assertThat(layer.groupSize("room")).isZero();
    }

    @Test
    void results_areUnmodifiableSnapshots() {
        String a = layer.newChannel();
        layer.groupAdd("room", a, "alice");
        Set<String> members = layer.groupMembers("room");
        Map<String, String> labels = layer.groupLabels("room");
        assertThatThrownBy(() -> members.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> labels.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        layer.groupDiscard("room", a);
        assertThat(members).containsExactly(a);
        assertThat(labels).containsExactly(Map.entry(a, "alice"));
    }

    @Test
    void expiredMemberships_areNotCounted_andGroupAddRefreshesThem() {
        String early = layer.newChannel();
        String late = layer.newChannel();
        layer.groupAdd("room", early);
        clock.advance(Duration.ofSeconds(5));
        layer.groupAdd("room", late);
        clock.advance(Duration.ofSeconds(5)); // early: exactly groupExpiry old
        assertThat(layer.groupMembers("room")).containsExactly(late);
        assertThat(layer.groupSize("room")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(4));
        layer.groupAdd("room", late); // refresh
        clock.advance(Duration.ofSeconds(9));
        assertThat(layer.groupMembers("room")).containsExactly(late);
        clock.advance(Duration.ofSeconds(1));
        assertThat(layer.groupMembers("room")).isEmpty();
        assertThat(layer.groupSize("room")).isZero();
    }

    @Test
    void members_areExactlyWhomGroupSendReaches() throws Exception {
        String stale = layer.newChannel();
        String fresh = layer.newChannel();
        layer.groupAdd("room", stale);
        clock.advance(Duration.ofSeconds(8));
        layer.groupAdd("room", fresh);
        clock.advance(Duration.ofSeconds(3));
        Set<String> members = layer.groupMembers("room");
        layer.groupSend("room", Message.of("type", "hello"));
        assertThat(members).containsExactly(fresh);
        assertThat(layer.receive(fresh, Duration.ofMillis(100))).isEqualTo(Message.of("type", "hello"));
        assertThat(layer.receive(stale, Duration.ofMillis(20))).isNull();
    }

    @Test
    void aChannelWithAnExpiredMessage_leavesItsGroups_andItsLabels() {
        InMemoryChannelLayer shortExpiry = InMemoryChannelLayer.builder()
                .expiry(Duration.ofSeconds(2)).groupExpiry(GROUP_EXPIRY).clock(clock).build();
        try {
            String dead = shortExpiry.newChannel();
            String live = shortExpiry.newChannel();
            shortExpiry.groupAdd("room", dead, "ghost");
            shortExpiry.groupAdd("room", live, "alice");
            shortExpiry.send(dead, Message.of("type", "unread"));
            clock.advance(Duration.ofSeconds(3)); // the unread message expires; the sweep is due
            assertThat(shortExpiry.groupMembers("room")).containsExactly(live);
            assertThat(shortExpiry.groupLabels("room")).containsExactly(Map.entry(live, "alice"));
            shortExpiry.groupAdd("room", dead); // back, without its old label
            assertThat(shortExpiry.groupLabels("room")).containsExactly(Map.entry(live, "alice"));
        } finally {
            shortExpiry.close();
        }
    }

    @Test
    void labels_liveAndDieWithTheMembership() {
        String a = layer.newChannel();
        String b = layer.newChannel();
        String anonymous = layer.newChannel();
        layer.groupAdd("room", a, "alice");
        layer.groupAdd("room", b, "bob");
        layer.groupAdd("room", anonymous);
        assertThat(layer.groupLabels("room")).containsOnly(Map.entry(a, "alice"), Map.entry(b, "bob"));
        assertThat(layer.groupMembers("room")).containsExactlyInAnyOrder(a, b, anonymous);

        layer.groupAdd("room", a); // a plain add keeps the label
        layer.groupAdd("room", b, "robert"); // a labelled add replaces it
        assertThat(layer.groupLabels("room")).containsOnly(Map.entry(a, "alice"), Map.entry(b, "robert"));

        layer.groupDiscard("room", a);
        layer.groupAdd("room", a); // back, without a label
        assertThat(layer.groupLabels("room")).containsOnly(Map.entry(b, "robert"));

        clock.advance(GROUP_EXPIRY);
        assertThat(layer.groupLabels("room")).isEmpty();
        layer.groupAdd("room", b);
        assertThat(layer.groupLabels("room")).isEmpty();
    }

    @Test
    void labels_arePerGroup() {
        String a = layer.newChannel();
        layer.groupAdd("kitchen", a, "alice in the kitchen");
        layer.groupAdd("garden", a, "alice in the garden");
        layer.groupDiscard("kitchen", a);
        assertThat(layer.groupLabels("kitchen")).isEmpty();
        assertThat(layer.groupLabels("garden")).containsExactly(Map.entry(a, "alice in the garden"));
    }

    @Test
    void labels_mayBeAnyTextUpToTheLimit() {
        String a = layer.newChannel();
        String b = layer.newChannel();
        String longest = "é".repeat(GroupIntrospection.MAX_LABEL_LENGTH);
        layer.groupAdd("room", a, "Zoë 🎉 \"quoted\" ");
        layer.groupAdd("room", b, longest);
        assertThat(layer.groupLabels("room")).containsOnly(Map.entry(a, "Zoë 🎉 \"quoted\" "), Map.entry(b, longest));
        assertThatThrownBy(() -> layer.groupAdd("room", a, longest + "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label longer than 1000 chars (1001)");
        assertThatThrownBy(() -> layer.groupAdd("room", a, null))
                .isInstanceOf(NullPointerException.class).hasMessage("label");
    }

    @Test
    void flush_forgetsMembersAndLabels() {
        String a = layer.newChannel();
        layer.groupAdd("room", a, "alice");
        layer.flush();
        assertThat(layer.groupMembers("room")).isEmpty();
        assertThat(layer.groupLabels("room")).isEmpty();
        layer.groupAdd("room", a);
        assertThat(layer.groupLabels("room")).isEmpty();
    }

    @Test
    void badNames_andAClosedLayer_areRefused() {
        assertThatThrownBy(() -> layer.groupMembers("bad name")).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> layer.groupSize("bad name")).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> layer.groupLabels("bad name")).isInstanceOf(InvalidChannelNameException.class);
        assertThatThrownBy(() -> layer.groupAdd("room", "bad channel", "x"))
                .isInstanceOf(InvalidChannelNameException.class);
        layer.close();
        assertThatThrownBy(() -> layer.groupMembers("room")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> layer.groupSize("room")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> layer.groupLabels("room")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> layer.groupAdd("room", "a", "x")).isInstanceOf(IllegalStateException.class);
    }

    /** A layer that implements only {@link ChannelLayer}; every call but the defaults fails. */
    static ChannelLayer plainLayer() {
        return (ChannelLayer) Proxy.newProxyInstance(ChannelLayer.class.getClassLoader(),
                new Class<?>[] {ChannelLayer.class}, (proxy, method, args) -> {
                    if (method.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (method.getName().equals("toString")) {
                        return "PlainLayer";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
