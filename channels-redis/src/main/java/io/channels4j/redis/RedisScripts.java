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
     * A whole group send in one script, for a layer on one Redis that neither encrypts nor has
     * per-channel capacity rules: {@link #GROUP_MEMBERS}, then {@link #GROUP_SEND} for the members
     * of other processes, with each copy's body completed here. KEYS[1] group; ARGV group
     * trim-before, key prefix, the sender's own queue suffix ({@code "." + client prefix + "!"}),
     * the body up to its channel list (map header, entries, the {@code __asgi_channel__} key), the
     * 12 random bytes of the members, capacity, score, expiry, queue trim-before, and the most
     * members it sends to itself.
     *
     * <p>The copies are what {@link #GROUP_SEND} stores: one per queue key ({@code prefix +} the
     * channel up to its {@code !}, or the whole name), its {@code __asgi_channel__} the members
     * that share it in group order, as a msgpack array of str (the same bytes as msgpack-java's and
     * Python's packers). Queue keys are derived here, not passed as KEYS, so the script is for a
     * plain Redis or Sentinel master, never a Redis Cluster (which channels_redis does not support
     * either).
     *
     * <p>Returns the sender's own members (which the sender delivers in-process), then the copies
     * skipped over capacity, then the member count. A group larger than the last argument is only
     * read: the reply is every member, then -1, then the count, and the sender sends as after
     * {@link #GROUP_MEMBERS} (Lua takes about 0.5 µs per member to build copies, more than a round
     * trip for a few hundred members).
     */
    static final Script GROUP_SEND_ALL = new Script("""
            local char, floor, find, sub = string.char, math.floor, string.find, string.sub
            -- msgpack str and array headers (what msgpack-java and Python's packer write)
            local function str_header(n)
                if n < 32 then
                    return char(0xa0 + n)
                elseif n < 256 then
                    return char(0xd9, n)
                elseif n < 65536 then
                    return char(0xda, floor(n / 256), n % 256)
                end
                return char(0xdb, floor(n / 16777216), floor(n / 65536) % 256, floor(n / 256) % 256, n % 256)
            end
            local function array_header(n)
                if n < 16 then
                    return char(0x90 + n)
                elseif n < 65536 then
                    return char(0xdc, floor(n / 256), n % 256)
                end
                return char(0xdd, floor(n / 16777216), floor(n / 65536) % 256, floor(n / 256) % 256, n % 256)
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
            local members = redis.call('ZRANGE', KEYS[1], 0, -1)
            local count = #members
            if count > tonumber(ARGV[10]) then
                -- a large group: the sender builds the copies faster than Lua does
                members[count + 1] = -1
                members[count + 2] = count
                return members
            end
            local own_suffix = ARGV[3]
            local own, queues, order, queued = 0, {}, {}, 0
            for i = 1, count do
                local channel = members[i]
                -- a channel name holds at most one '!', so this is "its queue ends with own_suffix"
                if find(channel, own_suffix, 1, true) then
                    own = own + 1
                    members[own] = channel
                else
                    local queue = channel
                    local bang = find(channel, '!', 1, true)
                    if bang then
                        queue = sub(channel, 1, bang)
                    end
                    local names = queues[queue]
                    if not names then
                        names = {}
                        queues[queue] = names
                        queued = queued + 1
                        order[queued] = queue
                    end
                    names[#names + 1] = channel
                end
            end
            local over = 0
            local capacity = tonumber(ARGV[6])
            for q = 1, queued do
                local queue = order[q]
                local key = ARGV[2] .. queue
                redis.call('ZREMRANGEBYSCORE', key, 0, ARGV[9])
                if redis.call('ZCOUNT', key, '-inf', '+inf') < capacity then
                    local names = queues[queue]
                    local parts = {ARGV[5], ARGV[4], array_header(#names)}
                    local p = 3
                    for i = 1, #names do
                        local name = names[i]
                        parts[p + 1] = str_header(#name)
                        parts[p + 2] = name
                        p = p + 2
                    end
                    redis.call('ZADD', key, ARGV[7], table.concat(parts))
                    redis.call('EXPIRE', key, ARGV[8])
                else
                    over = over + 1
                end
            end
            -- the members table becomes the reply: own members, then over, then count
            for i = count, own + 3, -1 do
                members[i] = nil
            end
            members[own + 1] = over
            members[own + 2] = count
            return members
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
