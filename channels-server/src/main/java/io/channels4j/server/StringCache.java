package io.channels4j.server;

/**
 * Hands back one instance of strings that repeat from connection to connection (header names and
 * values such as {@code host}, {@code origin} or {@code user-agent}, the path of a busy room, the
 * client address behind a proxy), so that a scope, which lives as long as its connection, does not
 * keep its own copy of each: about 50 bytes saved per repeated string per connection.
 *
 * <p>A fixed table indexed by the string's hash; a slot keeps the last string that hashed there, so
 * the table never grows and a string that does not repeat costs one slot write. Strings longer
 * than {@link #MAX_LENGTH} are returned as given.
 *
 * <p>Thread-safe without locks: slots are written and read racily, which is safe for
 * {@code String} (immutable, with final fields); a lost race only means one more copy.
 */
final class StringCache {

    /** Longer strings are not cached: they rarely repeat, and would pin memory in a slot. */
    static final int MAX_LENGTH = 512;

    private final String[] slots;
    private final int mask;

    /** @param size the number of slots, a power of two */
    StringCache(int size) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two, was " + size);
        }
        this.slots = new String[size];
        this.mask = size - 1;
    }

    /**
     * @param s a string, or null
     * @return an equal string: the cached instance when there is one, else {@code s} (now cached)
     */
    String dedup(String s) {
        if (s == null || s.length() > MAX_LENGTH) {
            return s;
        }
        int h = s.hashCode();
        int i = (h ^ (h >>> 16)) & mask;
        String cached = slots[i];
        if (s.equals(cached)) {
            return cached;
        }
        slots[i] = s;
        return s;
    }
}
