package io.channels4j.redis;

import java.util.LinkedHashMap;
import java.util.Map;

import redis.clients.jedis.Jedis;

/**
 * Redis's own counters, read by a witness connection: calls per command ({@code INFO
 * commandstats}) and requests read ({@code INFO stats}, {@code total_reads_processed}, where a
 * pipeline counts once). Each read is one request of the witness, counted by Redis too.
 */
final class RedisCommandStats {

    private RedisCommandStats() {
    }

    /** @return calls so far by command name ({@code evalsha}, {@code bzpopmin}, ...) */
    static Map<String, Long> calls(Jedis witness) {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String line : witness.info("commandstats").split("\r?\n")) {
            // cmdstat_evalsha:calls=2,usec=31,usec_per_call=15.50,rejected_calls=0,failed_calls=0
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String stats = line.substring(line.indexOf(':') + 1);
                calls.put(name, Long.parseLong(stats.substring("calls=".length(), stats.indexOf(','))));
            }
        }
        return calls;
    }

    /** @return {@code total_reads_processed}, or -1 when this Redis does not report it (before 6) */
    static long readsProcessed(Jedis witness) {
        for (String line : witness.info("stats").split("\r?\n")) {
            if (line.startsWith("total_reads_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return -1;
    }
}
