/**
 * JMH benchmarks of the channel layers: send + receive round trips and group sends, on the
 * in-memory layer and on the Redis layer, the Java side of {@code bench/layer-bench} (which runs
 * the same workloads through Python's channels_redis and prints both side by side).
 *
 * <p>Layers, the {@code layer} parameter of every benchmark ({@link io.channels4j.bench.jmh.LayerPair}):
 * {@code memory} (one {@link io.channels4j.layer.InMemoryChannelLayer}), {@code redis} (one
 * {@link io.channels4j.redis.RedisChannelLayer}: sender and receivers in one process) and
 * {@code redis-2} (two Redis layer instances on one Redis: the sender in one process, the
 * receivers in another, so every message crosses Redis). Redis is {@code CHANNELS_BENCH_REDIS}
 * or {@code redis://127.0.0.1:6379/0}; every trial uses its own key prefix and deletes its keys
 * (only those) when it ends.
 *
 * <pre>
 *   java -jar bench/target/channels4j-bench.jar jmh -f 1 -wi 2 -w 2s -i 3 -r 3s 'io.channels4j.bench.jmh.*'
 * </pre>
 */
package io.channels4j.bench.jmh;
