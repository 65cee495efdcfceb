package io.channels4j.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts of the layer. Same data semantics as channels_redis 4.0 (sorted sets scored by
 * send time, one member per message, capacity per queue key, {@code $inflight} backups), so Java
 * and Python processes can share keys; sends and group sends are single atomic scripts here (in
 * channels_redis {@code send} is four commands and can overshoot capacity).
 */
final class RedisScripts {

    /** KEYS[1] queue; ARGV member, score, trim-before, capacity, expiry. Returns 1 sent, 0 full. */
    static final Script SEND = new Script("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[3])
            if redis.call('ZCOUNT', KEYS[1], '-inf', '+inf') >= tonumber(ARGV[4]) then
                return 0
            end
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[5])
            return 1
            """);

    /** KEYS[1] group; ARGV trim-before. Drops expired memberships, returns the members. */
    static final Script GROUP_MEMBERS = new Script("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """);

    /** KEYS[1] group; ARGV trim-before. Drops expired memberships, returns how many are left. */
    static final Script GROUP_SIZE = new Script("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
            return redis.call('ZCARD', KEYS[1])
            """);

    /**
     * KEYS[1] group, KEYS[2] its label hash; ARGV channel, score, group expiry, label. A group add
     * (ZADD, EXPIRE, as channels_redis) that also sets the membership's label.
     */
    static final Script GROUP_ADD_LABELLED = new Script("""
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
            redis.call('EXPIRE', KEYS[2], ARGV[3])
            return 1
            """);

    /**
     * KEYS[1] group, KEYS[2] its label hash; ARGV trim-before. Drops expired memberships, deletes
     * the labels of channels no longer members, returns the others as channel, label, ...
     */
    static final Script GROUP_LABELS = new Script("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
            local live = {}
            for _, channel in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
                live[channel] = true
            end
            local labels = redis.call('HGETALL', KEYS[2])
            local result = {}
            for i = 1, #labels, 2 do
                if live[labels[i]] then
                    result[#result + 1] = labels[i]
                    result[#result + 1] = labels[i + 1]
                else
                    redis.call('HDEL', KEYS[2], labels[i])
                end
            end
            return result
            """);

    /**
     * KEYS queue keys; ARGV N messages, N capacities, score, expiry, trim-before. One copy per
     * queue key, members over capacity skipped; returns how many were skipped.
     */
    static final Script GROUP_SEND = new Script("""
            local n = #KEYS
            local over = 0
            local score = ARGV[2 * n + 1]
            local expiry = ARGV[2 * n + 2]
            local trim = ARGV[2 * n + 3]
            for i = 1, n do
                redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, trim)
                if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + n]) then
                    redis.call('ZADD', KEYS[i], score, ARGV[i])
                    redis.call('EXPIRE', KEYS[i], expiry)
                else
                    over = over + 1
                end
            end
            return over
            """);

    /**
     * ARGV queue, backup: puts back what a receiver popped but never acknowledged (channels_redis's
     * cleanup script, run before every receive's pop on a normal channel: here in one pipeline
     * with the {@code BZPOPMIN}). Our receivers write no backups; this restores those that a
     * cancelled channels_redis receive left behind.
     */
    static final Script RESTORE_INFLIGHT = new Script("""
            local backed_up = redis.call('ZRANGE', ARGV[2], 0, -1, 'WITHSCORES')
            for i = #backed_up, 1, -2 do
                redis.call('ZADD', ARGV[1], backed_up[i], backed_up[i - 1])
            end
            redis.call('DEL', ARGV[2])
            """);

    /** ARGV pattern: deletes every key matching it, in chunks (channels_redis's flush). */
    static final Script FLUSH = new Script("""
            local keys = redis.call('KEYS', ARGV[1])
            for i = 1, #keys, 5000 do
                redis.call('DEL', unpack(keys, i, math.min(i + 4999, #keys)))
            end
            return #keys
            """);

    private RedisScripts() {
    }

    /** A script and its SHA-1, for EVALSHA with an EVAL fallback. */
    record Script(byte[] source, byte[] sha1) {
        Script(String source) {
            this(source.getBytes(StandardCharsets.UTF_8), sha1Hex(source));
        }

        private static byte[] sha1Hex(String source) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
