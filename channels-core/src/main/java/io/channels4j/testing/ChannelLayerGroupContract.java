package io.channels4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.channels4j.layer.ChannelLayer;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The group, expiry and flush part of the channel layer contract: broadcast to members only,
 * discard, idempotent add, silent but counted drops for full members, message expiry (and the
 * capacity it frees), group membership expiry and its refresh, and flush. Extend
 * {@link ChannelLayerContract}, which inherits these tests, not this class.
 *
 * <p>Lifecycle and threading as {@link ChannelLayerContractSupport}.
 */
public abstract class ChannelLayerGroupContract extends ChannelLayerContractSupport {

    /** For subclasses. */
    protected ChannelLayerGroupContract() {
    }

    // ---------------------------------------------------------------- groups

    @Test
    void groupSend_reachesEveryMemberAndNoOneElse() throws Exception {
        ChannelLayer layer = layer();
        String group = uniqueName("room");
        String first = layer.newChannel();
        String second = layer.newChannel();
        String outsider = layer.newChannel();
        layer.groupAdd(group, first);
        layer.groupAdd(group, second);
        layer.groupSend(group, numbered(1));
        assertEquals(numbered(1), receiveNow(layer, first));
        assertEquals(numbered(1), receiveNow(layer, second));
        assertNothingOn(layer, outsider);
    }

    @Test
    void groupDiscard_stopsDelivery_andIgnoresNonMembers() throws Exception {
        ChannelLayer layer = layer();
        String group = uniqueName("room");
        String stays = layer.newChannel();
        String leaves = layer.newChannel();
        layer.groupAdd(group, stays);
        layer.groupAdd(group, leaves);
        layer.groupDiscard(group, leaves);
        layer.groupDiscard(group, leaves);
        layer.groupDiscard(uniqueName("nobody-here"), stays);
        layer.groupSend(group, numbered(1));
        assertEquals(numbered(1), receiveNow(layer, stays));
        assertNothingOn(layer, leaves);
    }

    @Test
    void groupAdd_twice_deliversOneCopy() throws Exception {
        ChannelLayer layer = layer();
        String group = uniqueName("room");
        String channel = layer.newChannel();
        layer.groupAdd(group, channel);
        layer.groupAdd(group, channel);
        layer.groupSend(group, numbered(1));
        assertEquals(numbered(1), receiveNow(layer, channel));
        assertNothingOn(layer, channel);
    }

    @Test
    void groupSend_skipsFullMembersWithoutThrowing_andCountsTheDrop() throws Exception {
        ChannelLayer layer = layer(Settings.defaults().withCapacity(1));
        String group = uniqueName("room");
        String full = layer.newChannel();
        String free = layer.newChannel();
        layer.groupAdd(group, full);
        layer.groupAdd(group, free);
        layer.send(full, numbered(0));
        long droppedBefore = layer.droppedMessages();
        layer.groupSend(group, numbered(1));
        assertEquals(droppedBefore + 1, layer.droppedMessages());
        assertEquals(numbered(1), receiveNow(layer, free));
        assertEquals(numbered(0), receiveNow(layer, full));
        assertNothingOn(layer, full);
    }

    @Test
    void groupSend_toAnEmptyGroup_doesNothing() {
        layer().groupSend(uniqueName("nobody"), numbered(1));
    }

    // ---------------------------------------------------------------- expiry

    @Test
    void message_isDroppedAfterExpiry() throws Exception {
        ChannelLayer layer = layer(Settings.defaults().withExpiry(expiryUnderTest()));
        String channel = uniqueName("expiring");
        layer.send(channel, numbered(1));
        advanceClock(expiryUnderTest().multipliedBy(2));
        assertNothingOn(layer, channel);
    }

    @Test
    void expiredMessages_freeCapacity() throws Exception {
        ChannelLayer layer = layer(Settings.defaults().withCapacity(1).withExpiry(expiryUnderTest()));
        String channel = uniqueName("expiring");
        layer.send(channel, numbered(1));
        advanceClock(expiryUnderTest().multipliedBy(2));
        layer.send(channel, numbered(2));
        assertEquals(numbered(2), receiveNow(layer, channel));
    }

    @Test
    void groupMembership_expiresAfterGroupExpiry() throws Exception {
        ChannelLayer layer = layer(Settings.defaults().withGroupExpiry(groupExpiryUnderTest()));
        String group = uniqueName("room");
        String channel = layer.newChannel();
        layer.groupAdd(group, channel);
        advanceClock(groupExpiryUnderTest().plusSeconds(1));
        layer.groupSend(group, numbered(1));
        assertNothingOn(layer, channel);
    }

    @Test
    void groupAdd_again_refreshesTheMembership() throws Exception {
        Duration groupExpiry = groupExpiryUnderTest();
        ChannelLayer layer = layer(Settings.defaults().withGroupExpiry(groupExpiry));
        String group = uniqueName("room");
        String channel = layer.newChannel();
        layer.groupAdd(group, channel);
        advanceClock(groupExpiry.multipliedBy(6).dividedBy(10));
        layer.groupAdd(group, channel);
        advanceClock(groupExpiry.multipliedBy(6).dividedBy(10));
        layer.groupSend(group, numbered(1));
        assertEquals(numbered(1), receiveNow(layer, channel));
    }

    // ---------------------------------------------------------------- flush

    @Test
    void flush_emptiesChannelsAndGroups() throws Exception {
        ChannelLayer layer = layer();
        String group = uniqueName("room");
        String channel = layer.newChannel();
        String plain = uniqueName("plain");
        layer.groupAdd(group, channel);
        layer.send(channel, numbered(1));
        layer.send(plain, numbered(2));
        layer.flush();
        assertNothingOn(layer, channel);
        assertNothingOn(layer, plain);
        layer.groupSend(group, numbered(3));
        assertNothingOn(layer, channel);
        layer.send(plain, numbered(4));
        assertEquals(numbered(4), receiveNow(layer, plain));
    }
}
