package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.Subscription;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java and Python processes on one Redis through the pub/sub layers: the real channels_redis 4.0
 * {@code RedisPubSubChannelLayer} (Debian's python3-channels-redis, run with /usr/bin/python3,
 * script {@code pubsub_peer.py}) against {@link RedisPubSubChannelLayer}, with the same prefix.
 */
class RedisPubSubInteropIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static Path script;

    /** What the Python peer sends, as Java sees it. */
    static final Message PYTHON_MESSAGE = Message.of("type", "chat.message", "message", "from python pubsub é",
            "n", 42, "big", 1L << 40, "f", 1.5, "yes", true, "nothing", null, "b", new byte[] {0, 1, (byte) 0xff},
            "l", List.of(1, "two", 3.0), "m", Map.of("k", "v", "nested", List.of(true)));

    /** What Java sends to the Python peer. */
    static final Message JAVA_MESSAGE = Message.of("type", "chat.message", "message", "from java ✓", "n", -7,
            "f", 0.25, "b", new byte[] {9, 8, 7}, "l", List.of("x", 2), "m", Map.of("deep", Map.of("ok", false)));

    private final String prefix = TestRedis.uniquePrefix().replace(':', '.');
    private RedisPubSubChannelLayer layer;

    @BeforeAll
    static void requirements() throws IOException {
        TestRedis.requireRunning();
        Process check = new ProcessBuilder(PYTHON, "-c", "import channels_redis.pubsub, msgpack, redis")
                .redirectErrorStream(true).start();
        try {
            String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
                throw new AssertionError("these tests need Debian's python3-channels-redis for " + PYTHON
                        + " (apt-get install python3-channels-redis): " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        script = Files.createTempFile("pubsub_peer", ".py");
        try (var in = RedisPubSubInteropIT.class.getResourceAsStream("/pubsub_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    @AfterAll
    static void deleteScript() throws IOException {
        if (script != null) {
            Files.deleteIfExists(script);
        }
    }

    @AfterEach
    void closeLayer() {
        if (layer != null) {
            layer.close();
        }
    }

    private RedisPubSubChannelLayer layer() {
        layer = RedisPubSubChannelLayer.builder().host(TestRedis.url()).prefix(prefix).build();
        return layer;
    }

    @Test
    void pythonGroupSend_reachesAJavaChannel() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        String channel = layer.newChannel();
        layer.groupAdd("interop", channel);
        LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        Subscription subscription = layer.subscribe(channel, inbox::offer);
        try (PythonPeer peer = python("group-send", "interop")) {
            peer.expect("SENT");
            assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo(PYTHON_MESSAGE);
        } finally {
            subscription.close();
        }
    }

    @Test
    void javaGroupSend_reachesAPythonChannel() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        try (PythonPeer peer = python("receive-group", "interop")) {
            String pythonChannel = peer.expect("READY ").substring(6);
            assertThat(pythonChannel).matches(java.util.regex.Pattern.quote(prefix) + "specific\\.[0-9a-f]{32}");
            layer.groupSend("interop", JAVA_MESSAGE);
            assertThat(PythonPeer.fromPython(peer.expect("{"))).isEqualTo(JAVA_MESSAGE);
        }
    }

    @Test
    void pythonSend_toAJavaChannelName_isReceivedInJava() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        String channel = layer.newChannel();
        try (PythonPeer peer = python("send", channel)) {
            peer.expect("SENT");
            assertThat(layer.receive(channel, Duration.ofSeconds(10))).isEqualTo(PYTHON_MESSAGE);
        }
    }

    @Test
    void javaSend_toAPythonChannelName_isReceivedInPython() throws Exception {
        RedisPubSubChannelLayer layer = layer();
        try (PythonPeer peer = python("receive", "-")) {
            String pythonChannel = peer.expect("READY ").substring(6);
            layer.send(pythonChannel, JAVA_MESSAGE);
            assertThat(PythonPeer.fromPython(peer.expect("{"))).isEqualTo(JAVA_MESSAGE);
        }
    }

    private PythonPeer python(String mode, String name) throws IOException {
        return new PythonPeer(List.of(PYTHON, script.toString(), mode, TestRedis.url(), prefix, name));
    }
}
