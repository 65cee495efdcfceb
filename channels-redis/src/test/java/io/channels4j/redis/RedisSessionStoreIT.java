package io.channels4j.redis;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.middleware.Session;
import io.channels4j.middleware.SessionMiddlewareStack;
import io.channels4j.middleware.SessionStoreException;
import io.channels4j.testing.HttpCommunicator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link RedisSessionStore} against a real Redis. */
class RedisSessionStoreIT {

    static final String SECRET = "a-test-secret-that-is-long-enough-for-hmac-sha256";

    private final String prefix = TestRedis.uniquePrefix();
    private final RedisSessionStore store = RedisSessionStore.create(TestRedis.url(), prefix);

    @BeforeAll
    static void redis() {
        TestRedis.requireRunning();
    }

    @AfterEach
    void tearDown() {
        store.close();
        TestRedis.deleteKeys(prefix);
    }

    private static Jedis jedis() {
        URI uri = URI.create(TestRedis.url());
        return new Jedis(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), 2000);
    }

    @Test
    void saveThenLoad_roundTripsJsonValues() {
        Map<String, Object> data = new HashMap<>();
        data.put("name", "ada");
        data.put("visits", 3L);
        data.put("ratio", 0.25);
        data.put("admin", true);
        data.put("nothing", null);
        data.put("tags", List.of("a", "b"));
        data.put("nested", Map.of("big", 1L << 40));

        store.save("k1", data, Duration.ofMinutes(5));

        Map<String, Object> loaded = store.load("k1");
        assertThat(loaded).containsEntry("name", "ada").containsEntry("ratio", 0.25).containsEntry("admin", true)
                .containsEntry("nothing", null).containsEntry("tags", List.of("a", "b"));
        assertThat(((Number) loaded.get("visits")).longValue()).isEqualTo(3L);
        assertThat(((Number) ((Map<?, ?>) loaded.get("nested")).get("big")).longValue()).isEqualTo(1L << 40);
    }

    @Test
    void storedAsJsonString_underPrefix_withTtl() {
        store.save("k1", Map.of("name", "ada"), Duration.ofMinutes(5));

        try (Jedis jedis = jedis()) {
            assertThat(jedis.get(prefix + "k1")).isEqualTo("{\"name\":\"ada\"}");
            assertThat(jedis.pttl(prefix + "k1")).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
        }
        assertThat(store.prefix()).isEqualTo(prefix);
    }

    @Test
    void expires_whenRedisForgetsIt() {
        store.save("k1", Map.of("a", 1), Duration.ofMillis(50));

        await().atMost(Duration.ofSeconds(5)).until(() -> store.load("k1") == null);
    }

    @Test
    void unknownKey_null_deleteForgets() {
        store.save("k1", Map.of("a", 1), Duration.ofMinutes(1));

        store.delete("k1");
        store.delete("never-there");

        assertThat(store.load("k1")).isNull();
        assertThat(store.load("other")).isNull();
    }

    @Test
    void corruptValue_treatedAsNoSession() {
        try (Jedis jedis = jedis()) {
            jedis.set(prefix + "bad", "[1, 2]");
            jedis.set(prefix + "garbage", "not json");
        }

        assertThat(store.load("bad")).isNull();
        assertThat(store.load("garbage")).isNull();
    }

    @Test
    void unreachableRedis_failsWithSessionStoreException_namingTheServer() {
        try (RedisSessionStore nowhere = RedisSessionStore.create("redis://127.0.0.1:1/0")) {
            assertThatThrownBy(() -> nowhere.load("k"))
                    .isInstanceOf(SessionStoreException.class)
                    .hasMessageContaining("redis://127.0.0.1:1/0").hasMessageContaining("load");
        }
    }

    @Test
    void badUrl_rejected() {
        assertThatThrownBy(() -> RedisSessionStore.create("http://localhost/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://host:6379/0");
        // a setting other than ssl_ca_certs would be ignored: refused, with the password masked
        assertThatThrownBy(() -> RedisSessionStore.create("redis://:secret@localhost:6379/0?pool_size=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only query parameter is ssl_ca_certs")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisSessionStore.create("redis://localhost/0?ssl_ca_certs=a&ssl_ca_certs=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void twoServers_shareSessionsThroughRedis() {
        Application counter = (scope, receive, send) -> {
            receive.receive();
            Session session = Session.of(scope);
            long visits = session.get("visits", Long.class, 0L) + 1;
            session.put("visits", visits);
            send.send(Events.httpResponseStart(200, Headers.empty()));
            send.send(Events.httpResponseBody(Long.toString(visits).getBytes(StandardCharsets.UTF_8), false));
        };
        try (RedisSessionStore otherServersStore = RedisSessionStore.create(TestRedis.url(), prefix)) {
            Application serverA = SessionMiddlewareStack.wrap(counter, store, SECRET);
            Application serverB = SessionMiddlewareStack.wrap(counter, otherServersStore, SECRET);

            HttpCommunicator.Response first;
            try (var http = new HttpCommunicator(serverA, "GET", "/")) {
                first = http.getResponse();
            }
            String header = first.headers().get("set-cookie");
            String cookie = header.substring(0, header.indexOf(';'));
            try (var http = new HttpCommunicator(serverB, "GET", "/", new byte[0], Headers.of("cookie", cookie))) {
                assertThat(http.getResponse().bodyText()).isEqualTo("2");
            }
        }
    }
}
