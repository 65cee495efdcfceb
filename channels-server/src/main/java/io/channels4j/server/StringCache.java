package io.channels4j.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    /**
     * {@link #dedup(String)} for ISO-8859-1 bytes, without making a string when the cached one
     * matches.
     *
     * @param bytes     the bytes
     * @param from      the first byte
     * @param to        one past the last byte
     * @param lowerCase whether to map {@code A-Z} to {@code a-z} (header names)
     * @return an equal string: the cached instance when there is one, else a new one (now cached)
     */
    String dedup(byte[] bytes, int from, int to, boolean lowerCase) {
        int length = to - from;
        if (length > MAX_LENGTH) {
            return string(bytes, from, to, lowerCase);
        }
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + (lowerCase ? lower(bytes[k]) : bytes[k] & 0xff); // String.hashCode of the result
        }
        int i = (h ^ (h >>> 16)) & mask;
        String cached = slots[i];
        if (cached != null && cached.length() == length && matches(cached, bytes, from, lowerCase)) {
            return cached;
        }
        String s = string(bytes, from, to, lowerCase);
        slots[i] = s;
        return s;
    }

    private static boolean matches(String cached, byte[] bytes, int from, boolean lowerCase) {
        for (int k = 0; k < cached.length(); k++) {
            int b = lowerCase ? lower(bytes[from + k]) : bytes[from + k] & 0xff;
            if (cached.charAt(k) != b) {
                return false;
            }
        }
        return true;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xff;
    }

    /** @return the bytes as an ISO-8859-1 string, lower-cased if asked */
    static String string(byte[] bytes, int from, int to, boolean lowerCase) {
        if (lowerCase) {
            for (int k = from; k < to; k++) {
                if (bytes[k] >= 'A' && bytes[k] <= 'Z') {
                    byte[] lowered = Arrays.copyOfRange(bytes, from, to);
                    for (int j = k - from; j < lowered.length; j++) {
                        lowered[j] = (byte) lower(lowered[j]);
                    }
                    return new String(lowered, StandardCharsets.ISO_8859_1);
                }
            }
        }
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
