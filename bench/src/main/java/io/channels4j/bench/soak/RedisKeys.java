package io.channels4j.bench.soak;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis keys of one bench run: the layer URL gets a key prefix of the run's own
 * ({@code ?prefix=flat<8 hex digits>}), and {@link #delete} removes every key under it at the end, with
 * {@code SCAN MATCH <prefix>*} and {@code UNLINK}, never anything else. Immutable; each call
 * opens and closes its own connection.
 *
 * @param url    the layer URL with the prefix, for the server's {@code --layer}
 * @param prefix the prefix ({@code [a-z0-9]} only, so it is no glob pattern)
 */
record RedisKeys(String url, String prefix) {

    private static final int MAX_SCAN_ROUNDS = 100_000;

    /**
     * Checks that a layer URL is one the check can run on and clean up after.
     *
     * @param layer {@code memory://...}, {@code redis://...} or {@code rediss://...}
     * @throws IllegalArgumentException otherwise, or when a Redis URL already sets a prefix
     */
    static void checkLayer(String layer) {
        String lower = layer.toLowerCase(Locale.ROOT);
        if (lower.startsWith("memory://")) {
            return;
        }
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            throw new IllegalArgumentException("--layer must be memory://... or redis://host:port[/db], was '" + layer + "'");
        }
        int query = layer.indexOf('?');
        if (query >= 0 && ("&" + layer.substring(query + 1)).contains("&prefix=")) {
            throw new IllegalArgumentException("--layer: leave out prefix=, the run uses a key prefix of its own (and"
                    + " deletes its keys at the end)");
        }
        try {
            new URI(query >= 0 ? layer.substring(0, query) : layer);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--layer is not a URL: " + e.getMessage(), e);
        }
    }

    /** @return whether a layer URL is a Redis one (whose keys need cleaning up) */
    static boolean isRedis(String layer) {
        return layer.toLowerCase(Locale.ROOT).startsWith("redis");
    }

    /**
     * @param layer a Redis layer URL without a prefix (see {@link #checkLayer})
     * @param name  what the prefix starts with, {@code [a-z]+}
     * @return the URL with a fresh prefix
     */
    static RedisKeys fresh(String layer, String name) {
        String prefix = name + Long.toHexString(ThreadLocalRandom.current().nextLong(0x1000_0000L, 0xffff_ffffL));
        return new RedisKeys(layer + (layer.indexOf('?') >= 0 ? "&" : "?") + "prefix=" + prefix, prefix);
    }

    /** @return how many keys are under the prefix now */
    long count() {
        return scan(false);
    }

    /** @return how many keys under the prefix were deleted */
    long delete() {
        return scan(true);
    }

    private long scan(boolean delete) {
        try (Jedis jedis = new Jedis(server())) {
            ScanParams params = new ScanParams().match(prefix + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            long keys = 0;
            for (int round = 0; round < MAX_SCAN_ROUNDS; round++) {
                ScanResult<String> page = jedis.scan(cursor, params);
                List<String> found = page.getResult();
                if (!found.isEmpty()) {
                    keys += delete ? jedis.unlink(found.toArray(String[]::new)) : found.size();
                }
                cursor = page.getCursor();
                if (cursor.equals(ScanParams.SCAN_POINTER_START)) {
                    return keys;
                }
            }
            throw new IllegalStateException("SCAN of " + prefix + "* did not end within " + MAX_SCAN_ROUNDS + " rounds");
        }
    }

    /** @return the Redis server of the URL, without the layer's query parameters */
    private URI server() {
        int query = url.indexOf('?');
        return URI.create(url.substring(0, query >= 0 ? query : url.length()));
    }
}
