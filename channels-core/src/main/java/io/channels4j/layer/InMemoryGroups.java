package io.channels4j.layer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Group membership of an {@link InMemoryChannelLayer}: group to member channels, each with the
 * instant its membership expires, plus the reverse index so a channel whose message expired can
 * leave all its groups without a scan, and the optional label of each membership
 * ({@link GroupIntrospection}), which ends with it.
 *
 * <p>Thread-safe: every method synchronizes on this object. It never calls out while holding
 * the monitor, so a thread holding a channel lock may call it (the only lock order used).
 */
final class InMemoryGroups {

    private final Map<String, Map<String, Instant>> members = new HashMap<>();
    /**
     * Channel to its groups: the group's name itself while the channel is in one group (nearly
     * always: one room per connection), a {@code Set<String>} from the second on. A set per
     * channel would be about 170 bytes for every connection.
     */
    private final Map<String, Object> groupsOf = new HashMap<>();
    /** Labels of memberships ({@link GroupIntrospection}): group to channel to label. */
    private final Map<String, Map<String, String>> labels = new HashMap<>();

    /** Adds or refreshes a membership. */
    synchronized void add(String group, String channel, Instant expiresAt) {
        members.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(channel, expiresAt);
        Object groups = groupsOf.putIfAbsent(channel, group);
        if (groups instanceof String only && !only.equals(group)) {
            Set<String> several = new LinkedHashSet<>(4);
            several.add(only);
            several.add(group);
            groupsOf.put(channel, several);
        } else if (groups instanceof Set<?> several) {
            @SuppressWarnings("unchecked")
            Set<String> names = (Set<String>) several;
            names.add(group);
        }
    }

    /** Adds or refreshes a membership and sets its label. */
    synchronized void add(String group, String channel, Instant expiresAt, String label) {
        add(group, channel, expiresAt);
        labels.computeIfAbsent(group, g -> new HashMap<>()).put(channel, label);
    }

    /** Removes a membership if present. */
    synchronized void discard(String group, String channel) {
        Map<String, Instant> channels = members.get(group);
        if (channels != null && channels.remove(channel) != null) {
            if (channels.isEmpty()) {
                members.remove(group);
            }
            unindex(channel, group);
        }
    }

    /** The live members of a group, dropping expired memberships on the way. */
    synchronized List<String> members(String group, Instant now) {
        Map<String, Instant> channels = members.get(group);
        if (channels == null) {
            return List.of();
        }
        List<String> live = new ArrayList<>(channels.size());
        for (Iterator<Map.Entry<String, Instant>> it = channels.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Instant> e = it.next();
            if (now.isBefore(e.getValue())) {
                live.add(e.getKey());
            } else {
                it.remove();
                unindex(e.getKey(), group);
            }
        }
        if (channels.isEmpty()) {
            members.remove(group);
        }
        return live;
    }

    /** The labels of a group's live members that have one, dropping expired memberships on the way. */
    synchronized Map<String, String> labels(String group, Instant now) {
        List<String> live = members(group, now);
        Map<String, String> byChannel = labels.get(group);
        if (byChannel == null) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String channel : live) {
            String label = byChannel.get(channel);
            if (label != null) {
                result.put(channel, label);
            }
        }
        return result;
    }

    /** Removes a channel from every group. */
    synchronized void removeEverywhere(String channel) {
        Object groups = groupsOf.remove(channel);
        if (groups == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        Iterable<String> names = groups instanceof String only ? List.of(only) : (Set<String>) groups;
        for (String group : names) {
            unlabel(group, channel);
            Map<String, Instant> channels = members.get(group);
            if (channels != null) {
                channels.remove(channel);
                if (channels.isEmpty()) {
                    members.remove(group);
                }
            }
        }
    }

    /** Drops every expired membership. */
    synchronized void expire(Instant now) {
        for (String group : List.copyOf(members.keySet())) {
            members(group, now);
        }
    }

    /** Drops every group. */
    synchronized void clear() {
        members.clear();
        groupsOf.clear();
        labels.clear();
    }

    /** @return how many groups have members */
    synchronized int size() {
        return members.size();
    }

    private void unindex(String channel, String group) {
        unlabel(group, channel);
        Object groups = groupsOf.get(channel);
        if (groups instanceof String only) {
            if (only.equals(group)) {
                groupsOf.remove(channel);
            }
        } else if (groups instanceof Set<?> several) {
            several.remove(group);
            if (several.isEmpty()) {
                groupsOf.remove(channel);
            }
        }
    }

    private void unlabel(String group, String channel) {
        Map<String, String> byChannel = labels.get(group);
        if (byChannel != null && byChannel.remove(channel) != null && byChannel.isEmpty()) {
            labels.remove(group);
        }
    }
}
