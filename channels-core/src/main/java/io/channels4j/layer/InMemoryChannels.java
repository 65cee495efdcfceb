package io.channels4j.layer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The live channels of an {@link InMemoryChannelLayer} by name. A channel is created on first
 * use and removed once idle (see {@link InMemoryChannel}), so unique names from
 * {@code newChannel} do not pile up.
 *
 * <p>Thread-safe. Every {@code lock...} method returns a locked, live channel; the caller must
 * pass it to {@link #release} exactly once, which removes it if it became idle and unlocks it.
 */
final class InMemoryChannels {

    private final ConcurrentHashMap<String, InMemoryChannel> channels = new ConcurrentHashMap<>();
    private final ChannelCapacities capacities;
    private final InMemoryGroups groups;

    InMemoryChannels(ChannelCapacities capacities, InMemoryGroups groups) {
        this.capacities = capacities;
        this.groups = groups;
    }

    /** Locks the live channel of that name, creating it if needed. */
    InMemoryChannel lock(String name) {
        while (true) {
            InMemoryChannel ch = channelFor(name);
            ch.lock();
            if (!ch.isRetired()) {
                return ch;
            }
            ch.unlock();
        }
    }

    /** As {@link #lock}, giving up if the thread is interrupted. */
    InMemoryChannel lockInterruptibly(String name) throws InterruptedException {
        while (true) {
            InMemoryChannel ch = channelFor(name);
            ch.lockInterruptibly();
            if (!ch.isRetired()) {
                return ch;
            }
            ch.unlock();
        }
    }

    /** Locks the live channel of that name if there is one; null otherwise. */
    InMemoryChannel lockExisting(String name) {
        InMemoryChannel ch = channels.get(name);
        if (ch == null) {
            return null;
        }
        ch.lock();
        if (ch.isRetired()) {
            ch.unlock();
            return null;
        }
        return ch;
    }

    /** Removes the channel if it has become idle, then unlocks it. */
    void release(InMemoryChannel ch) {
        try {
            if (ch.retireIfIdle()) {
                channels.remove(ch.name(), ch);
            }
        } finally {
            ch.unlock();
        }
    }

    /** Runs an action on every live channel, each locked in turn, releasing each afterwards. */
    void forEachLocked(Consumer<InMemoryChannel> action) {
        for (InMemoryChannel ch : channels.values()) {
            ch.lock();
            if (ch.isRetired()) {
                ch.unlock();
                continue;
            }
            try {
                action.accept(ch);
            } finally {
                release(ch);
            }
        }
    }

    int size() {
        return channels.size();
    }

    private InMemoryChannel channelFor(String name) {
        return channels.computeIfAbsent(name, n -> new InMemoryChannel(n, capacities.capacity(n), groups));
    }
}
