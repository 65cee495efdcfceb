package io.channels4j.redis;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Picks the Redis shard for a channel or group name exactly as channels_redis's
 * {@code _consistent_hash} does, so Java and Python processes agree on where a name lives.
 *
 * <p>Thread-safe: stateless.
 */
final class ConsistentHash {

    private ConsistentHash() {
    }

    /**
     * The shard index for a name: {@code (crc32(utf8(value)) & 0xFFF) / (4096.0 / ringSize)},
     * truncated, or 0 when there is a single shard.
     *
     * @param value    the name to hash
     * @param ringSize the number of shards, at least 1
     * @return an index in {@code [0, ringSize)}
     * @throws IllegalArgumentException if {@code ringSize} is less than 1
     */
    static int shard(String value, int ringSize) {
        Objects.requireNonNull(value, "value");
        if (ringSize < 1) {
            throw new IllegalArgumentException("ring size must be at least 1, got " + ringSize);
        }
        if (ringSize == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(value.getBytes(StandardCharsets.UTF_8));
        long bucket = crc.getValue() & 0xFFF;
        return (int) (bucket / (4096.0 / ringSize));
    }
}
