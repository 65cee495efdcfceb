package io.channels4j.redis;

import io.channels4j.layer.ChannelLayerException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Keeps the group memberships of a {@link RedisChannelLayer}'s own live channels in Redis: the
 * memberships {@code groupAdd} made for channels this layer created, and that neither
 * {@code groupDiscard}, {@code flush}, the end of the channel's subscription nor its idle expiry
 * took back (they live in {@link LocalChannels.Local#groups}, so memory is bounded by the live
 * channels and the groups each joined).
 *
 * <p>Two things would otherwise silence a room whose clients are all still connected:
 * <ul>
 *   <li><b>Redis restarted without persistence</b> (or failed over to a server that lacks the
 *       writes): every membership is gone. Once a second one named daemon thread per layer
 *       ({@code channels4j-redis-groups-<host>}) asks each shard for its {@code run_id}
 *       ({@code INFO server}); when it changed, it re-adds this process's memberships on that
 *       shard on the same connection, within about a second of Redis answering again.</li>
 *   <li><b>{@code group_expiry}</b> (86400 s by default): channels_redis drops a membership that
 *       long after its last {@code groupAdd}, even when its connection is alive. Every
 *       {@code group_expiry / 2} every membership is re-added, so a live channel never expires
 *       and a dead process's memberships still do.</li>
 * </ul>
 *
 * <p>Re-adding is channels_redis's {@code group_add} exactly, so Python processes see nothing
 * new: one {@code ZADD} of all of a group's members scored by the current time in float seconds
 * (atomic per group: a concurrent {@code groupSend} sees all of this process's members of the
 * group or none), {@code EXPIRE} of the group key by {@code group_expiry}, plus the labels of
 * labelled memberships ({@code HSET} and {@code EXPIRE} of {@code prefix:labels:group}). A
 * membership discarded while it was being re-added is removed again right after.
 *
 * <p>Not detected at once: a {@code FLUSHALL}/{@code FLUSHDB} or an eviction of group keys on a
 * server that did not restart; the periodic re-add repairs those after at most
 * {@code group_expiry / 2}. Thread-safe; started with the first remembered membership, stopped by
 * {@link #close()}.
 */
final class MembershipKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MembershipKeeper.class);
    /** How often each shard is asked whether it restarted. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final String UNKNOWN = "unknown";
    /** Groups per pipeline flush, so a very large re-add does not buffer everything at once. */
    private static final int GROUPS_PER_SYNC = 500;

    /** One remembered membership, as seen when a re-add started. */
    private record Seen(LocalChannels.Local local, String group, LocalChannels.Membership membership) {
    }

    private final RedisChannelLayer layer;
    private final LocalChannels locals;
    private final List<RedisShard> shards;
    private final long groupExpirySeconds;
    private final long refreshEveryNanos;
    /** Per shard: the run_id of the Redis process our memberships were last written to, or null. */
    private final AtomicReferenceArray<String> runIds;
    private final long[] lastRefreshNanos;
    private final String threadName;
    private ScheduledExecutorService timer; // guarded by this
    private boolean closed; // guarded by this
    private volatile boolean infoRefused;

    MembershipKeeper(RedisChannelLayer layer, LocalChannels locals, List<RedisShard> shards, Duration groupExpiry) {
        this.layer = layer;
        this.locals = locals;
        this.shards = List.copyOf(shards);
        this.groupExpirySeconds = groupExpiry.toSeconds();
        this.refreshEveryNanos = Math.max(CHECK_INTERVAL.toNanos(), groupExpiry.toNanos() / 2);
        this.runIds = new AtomicReferenceArray<>(shards.size());
        this.lastRefreshNanos = new long[shards.size()];
        this.threadName = "channels4j-redis-groups-" + shards.get(0).name();
    }

    /**
     * Called by {@code groupAdd} of an own channel, on its connection, before its {@code ZADD}:
     * learns the shard's run_id the first time, so a restart right after the first membership is
     * noticed too. Cheap afterwards (no command).
     *
     * @param shard the group's shard
     * @param jedis the connection the membership is about to be written on
     */
    void beforeAdd(RedisShard shard, Jedis jedis) {
        int index = shards.indexOf(shard);
        if (runIds.get(index) == null) {
            runIds.compareAndSet(index, null, runId(jedis));
        }
    }

    /** Starts the periodic check if it is not running (and the layer is open). */
    synchronized void ensureRunning() {
        if (timer != null || closed) {
            return;
        }
        long now = System.nanoTime();
        java.util.Arrays.fill(lastRefreshNanos, now);
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
        timer.scheduleWithFixedDelay(this::tick, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One check of every shard; runs on the keeper thread. */
    private void tick() {
        for (int i = 0; i < shards.size(); i++) {
            try {
                check(i);
            } catch (ChannelLayerException e) {
                // the callers and the receive loop report the outage; here it only delays the check
                log.debug("group memberships: {}; checking again in {} ms", e.getMessage(), CHECK_INTERVAL.toMillis());
            } catch (RuntimeException e) {
                log.error("group memberships: the check of Redis {} failed", shards.get(i).name(), e);
            }
        }
    }

    /**
     * Runs the restart check of one shard now, on the calling thread: the shard's first call
     * after an outage does, so memberships are back before that call's own commands run (the
     * once-a-second check alone leaves a gap in which group sends find the group empty).
     *
     * @param index the shard's index
     * @throws ChannelLayerException if Redis is still unreachable
     */
    void checkNow(int index) {
        check(index);
    }

    private void check(int index) {
        RedisShard shard = shards.get(index);
        long now = System.nanoTime();
        boolean refreshDue = now - lastRefreshNanos[index] >= refreshEveryNanos;
        String known = runIds.get(index);
        int[] counts = new int[2];
        List<Seen> written = new ArrayList<>();
        String current = shard.call("group memberships check", jedis -> {
            counts[0] = 0;
            counts[1] = 0;
            written.clear();
            String id = runId(jedis);
            boolean restarted = known != null && !known.equals(id);
            if (restarted || refreshDue) {
                written.addAll(reAdd(shard, jedis, counts));
            }
            return id;
        });
        boolean restarted = known != null && !known.equals(current);
        runIds.compareAndSet(index, known, current);
        if (refreshDue || restarted) {
            lastRefreshNanos[index] = now;
            undoDiscarded(shard, written);
        }
        if (restarted) {
            log.info("Redis {} restarted (its run_id changed) and lost the group memberships it held: re-added "
                    + "{} of this process's memberships in {} groups", shard.name(), counts[0], counts[1]);
        } else if (refreshDue && counts[0] > 0) {
            log.debug("Redis {}: refreshed {} group memberships in {} groups before group_expiry", shard.name(),
                    counts[0], counts[1]);
        }
    }

    /** Writes every remembered membership whose group lives on this shard; returns what it wrote. */
    private List<Seen> reAdd(RedisShard shard, Jedis jedis, int[] counts) {
        Map<String, List<Seen>> byGroup = new LinkedHashMap<>();
        for (LocalChannels.Local local : locals.all()) {
            for (Map.Entry<String, LocalChannels.Membership> e : local.groups.entrySet()) {
                if (layer.shardForGroup(e.getKey()) == shard) {
                    byGroup.computeIfAbsent(e.getKey(), g -> new ArrayList<>()).add(new Seen(local, e.getKey(), e.getValue()));
                }
            }
        }
        if (byGroup.isEmpty()) {
            return List.of();
        }
        double now = layer.nowSeconds();
        Pipeline pipeline = jedis.pipelined();
        int groups = 0;
        List<Seen> all = new ArrayList<>();
        for (Map.Entry<String, List<Seen>> e : byGroup.entrySet()) {
            Map<byte[], Double> members = new LinkedHashMap<>();
            Map<byte[], byte[]> labels = new LinkedHashMap<>();
            for (Seen seen : e.getValue()) {
                byte[] channel = seen.local().name.getBytes(StandardCharsets.UTF_8);
                members.put(channel, now);
                if (seen.membership().label() != null) {
                    labels.put(channel, seen.membership().label().getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] key = layer.groupKey(e.getKey());
            pipeline.zadd(key, members);
            pipeline.expire(key, groupExpirySeconds);
            if (!labels.isEmpty()) {
                byte[] labelsKey = layer.labelsKey(e.getKey());
                pipeline.hset(labelsKey, labels);
                pipeline.expire(labelsKey, groupExpirySeconds);
            }
            all.addAll(e.getValue());
            if (++groups % GROUPS_PER_SYNC == 0) {
                pipeline.sync();
            }
        }
        pipeline.sync();
        counts[0] = all.size();
        counts[1] = groups;
        return all;
    }

    /**
     * A {@code groupDiscard} (or the channel's end) that raced with a re-add may have been undone
     * by it: remove those memberships again. What is still remembered stays.
     */
    private void undoDiscarded(RedisShard shard, List<Seen> written) {
        List<Seen> gone = new ArrayList<>();
        for (Seen seen : written) {
            // Presence, not identity: a groupAdd that replaced the record (say with a label, as
            // Presence.join does right after the consumer's own groupAdd) is still a membership.
            if (seen.local().groups.get(seen.group()) == null || locals.get(seen.local().name) != seen.local()) {
                gone.add(seen);
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        shard.call("group discard", jedis -> {
            Pipeline pipeline = jedis.pipelined();
            for (Seen seen : gone) {
                byte[] channel = seen.local().name.getBytes(StandardCharsets.UTF_8);
                pipeline.zrem(layer.groupKey(seen.group()), channel);
                pipeline.hdel(layer.labelsKey(seen.group()), channel);
            }
            pipeline.sync();
            return null;
        });
    }

    /**
     * The {@code run_id} of the Redis process behind a connection, or {@code "unknown"} where
     * {@code INFO} is disabled (some managed services rename it): restarts then go unnoticed and
     * only the periodic re-add repairs them.
     */
    private String runId(Jedis jedis) {
        String info;
        try {
            info = jedis.info("server");
        } catch (JedisDataException e) {
            if (!infoRefused) {
                infoRefused = true;
                log.info("Redis {} refuses INFO ({}): a restart that loses group memberships is repaired only by "
                        + "the periodic re-add every {} s", shards.get(0).name(), e.getMessage(),
                        TimeUnit.NANOSECONDS.toSeconds(refreshEveryNanos));
            }
            return UNKNOWN;
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).strip();
            }
        }
        return UNKNOWN;
    }

    /** Stops the check; idempotent. Waits up to 3 s for a check in progress. */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            closed = true;
            running = timer;
            timer = null;
        }
        if (running != null) {
            running.shutdownNow();
            try {
                if (!running.awaitTermination(3, TimeUnit.SECONDS)) {
                    log.warn("{} did not stop within 3 s", threadName);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
