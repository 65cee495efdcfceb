package io.channels4j.redis;

import io.channels4j.layer.ChannelLayerException;

import java.util.List;
import java.util.function.Function;

import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * One Redis server (or Sentinel-managed master) of the layer: a connection pool and the script
 * calls. Every failure to reach it becomes a {@link ChannelLayerException} naming the server, at
 * the latest after the pool's socket timeout. Thread-safe.
 */
final class RedisShard implements AutoCloseable {

    private final String name;
    private final Pool<Jedis> pool;
    /** Set when a call could not reach Redis; the next call runs {@link #recovery} first. */
    private volatile boolean unreachable;
    private volatile Runnable recovery;
    /** True on a thread running {@link #recovery}, whose own calls must not start it again. */
    private static final ThreadLocal<Boolean> RECOVERING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    RedisShard(String name, Pool<Jedis> pool) {
        this.name = name;
        this.pool = pool;
    }

    String name() {
        return name;
    }

    /**
     * Sets what the first call after an outage runs before its own commands (and before any
     * other thread's call proceeds): the layer re-adds the group memberships a restarted Redis
     * lost, so no message sent right after Redis is back finds an empty group.
     *
     * @param recovery runs on the calling thread; may call this shard; its failure fails the call
     */
    void onReconnect(Runnable recovery) {
        this.recovery = recovery;
    }

    /**
     * Runs commands on a pooled connection.
     *
     * @param operation names the operation in errors
     * @param commands  what to run
     * @param <T>       the result type
     * @return the result
     * @throws ChannelLayerException if Redis cannot be reached or fails
     */
    <T> T call(String operation, Function<Jedis, T> commands) {
        if (unreachable && !RECOVERING.get()) {
            recover();
        }
        try {
            return attempt(commands);
        } catch (JedisConnectionException stale) {
            if (Thread.currentThread().isInterrupted()) {
                // A virtual thread's socket is closed by its interrupt (JDK): not an outage, so
                // no retry and no reconnect recovery. Callers that can throw InterruptedException
                // turn this into one.
                throw new ChannelLayerException("Redis " + name + ": " + operation + " interrupted", stale);
            }
            // After a Redis restart every idle pooled connection is dead, and the first command on
            // one fails without having reached the new server: drop them all and try once more
            // on a fresh connection, as redis-py's connection check on checkout would.
            pool.clear();
            try {
                return attempt(commands);
            } catch (JedisException e) {
                e.addSuppressed(stale);
                throw translate(operation, e);
            }
        } catch (JedisException e) {
            throw translate(operation, e);
        }
    }

    private <T> T attempt(Function<Jedis, T> commands) {
        try (Jedis jedis = pool.getResource()) {
            return commands.apply(jedis);
        }
    }

    private synchronized void recover() {
        Runnable hook = recovery;
        if (!unreachable) {
            return; // another thread recovered while this one waited
        }
        if (hook != null) {
            RECOVERING.set(Boolean.TRUE);
            try {
                hook.run(); // throws ChannelLayerException while Redis is still down: stay unreachable
            } finally {
                RECOVERING.set(Boolean.FALSE);
            }
        }
        unreachable = false;
    }

    private ChannelLayerException translate(String operation, JedisException e) {
        if (!(e instanceof JedisDataException)) {
            unreachable = true;
        }
        if (e instanceof JedisDataException) {
            return new ChannelLayerException("Redis " + name + " rejected " + operation + ": " + e.getMessage(), e);
        }
        return new ChannelLayerException("Redis " + name + " is unavailable (" + operation + "): " + e.getMessage(), e);
    }

    /**
     * Flushes a pipeline that holds a blocking pop and reads its replies with no socket read
     * timeout, as Jedis does for a lone blocking command (the pop itself bounds the wait); the
     * connection's usual timeout is restored afterwards.
     *
     * @param jedis    the connection the pipeline was opened on
     * @param pipeline its pipeline
     */
    static void syncBlocking(Jedis jedis, Pipeline pipeline) {
        Connection connection = jedis.getConnection();
        connection.setTimeoutInfinite();
        try {
            pipeline.sync();
        } finally {
            if (!connection.isBroken()) {
                connection.rollbackTimeout();
            }
        }
    }

    /** @return whether a script call failed because Redis does not have the script cached */
    static boolean isNoScript(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    /** Runs a script by SHA, loading it on first use (NOSCRIPT). */
    static Object eval(Jedis jedis, RedisScripts.Script script, List<byte[]> keys, List<byte[]> args) {
        try {
            return jedis.evalsha(script.sha1(), keys, args);
        } catch (JedisDataException e) {
            if (isNoScript(e)) {
                return jedis.eval(script.source(), keys, args);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
