package io.channels4j.redis;

import java.net.URI;
import java.util.UUID;

import redis.clients.jedis.Jedis;

/**
 * Where the tests' Redis is: {@code CHANNELS_TEST_REDIS} (a redis:// URL) or 127.0.0.1:6379.
 * Tests fail with a clear message when none is reachable; each test uses its own key prefix and
 * deletes only its own keys.
 */
final class TestRedis {

    private TestRedis() {
    }

    static String url() {
        String url = System.getenv("CHANNELS_TEST_REDIS");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379/0" : url;
    }

    /** Fails the test run clearly when Redis is not reachable. */
    static void requireRunning() {
        URI uri = URI.create(url());
        try (Jedis jedis = new Jedis(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), 2000)) {
            jedis.ping();
        } catch (RuntimeException e) {
            throw new AssertionError("these tests need a Redis at " + url()
                    + " (set CHANNELS_TEST_REDIS, or start one: redis-server --port 6379); " + e.getMessage(), e);
        }
    }

    /** @return a prefix no other test uses, e.g. {@code c4jt3f9a1b2c:} */
    static String uniquePrefix() {
        return "c4jt" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Deletes every key under a test prefix. */
    static void deleteKeys(String prefix) {
        URI uri = URI.create(url());
        try (Jedis jedis = new Jedis(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), 2000)) {
            for (String key : jedis.keys(prefix + "*")) {
                jedis.del(key);
            }
        }
    }
}
