package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.Subscription;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java and Python Django processes on one Redis: the real channels_redis 4.0 (Debian's
 * python3-channels-redis, run with /usr/bin/python3) sends and receives against this layer, with
 * and without encryption.
 */
class PythonInteropIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final List<String> KEYS = List.of("first-secret", "older-secret");
    private static Path script;

    /** What the Python peer sends, as Java sees it. */
    static final Message PYTHON_MESSAGE = Message.of("type", "chat.message", "message", "from python é", "n", 42,
            "big", 1L << 40, "f", 1.5, "yes", true, "nothing", null, "b", new byte[] {0, 1, (byte) 0xff},
            "l", List.of(1, "two", 3.0), "m", Map.of("k", "v", "nested", List.of(true)));

    /** What Java sends to the Python peer. */
    static final Message JAVA_MESSAGE = Message.of("type", "chat.message", "message", "from java ✓", "n", -7,
            "f", 0.25, "b", new byte[] {9, 8, 7}, "l", List.of("x", 2), "m", Map.of("deep", Map.of("ok", false)));

    private final String prefix = TestRedis.uniquePrefix();
    private final List<ChannelLayer> layers = new ArrayList<>();

    @BeforeAll
    static void requirements() throws IOException {
        TestRedis.requireRunning();
        Process check = new ProcessBuilder(PYTHON, "-c", "import channels_redis, msgpack, cryptography")
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
        script = Files.createTempFile("channels_redis_peer", ".py");
        try (var in = PythonInteropIT.class.getResourceAsStream("/channels_redis_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    @AfterEach
    void cleanUp() {
        layers.forEach(ChannelLayer::close);
        TestRedis.deleteKeys(prefix);
    }

    private RedisChannelLayer layer(boolean encrypted) {
        RedisChannelLayerBuilder builder = RedisChannelLayer.builder().host(TestRedis.url()).prefix(prefix);
        if (encrypted) {
            builder.symmetricEncryptionKeys(KEYS);
        }
        RedisChannelLayer layer = builder.build();
        layers.add(layer);
        return layer;
    }

    private PythonPeer python(String mode, String name, boolean encrypted) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), mode, TestRedis.url(), prefix, name));
        if (encrypted) {
            // Python is configured with the keys in the other order: it decrypts with either
            // (rotation), and what it encrypts with its first key Java must decrypt too.
            command.addAll(List.of(KEYS.get(1), KEYS.get(0)));
        }
        return new PythonPeer(command);
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void pythonGroupSend_reachesAJavaConsumersChannel(boolean encrypted) throws Exception {
        RedisChannelLayer layer = layer(encrypted);
        String channel = layer.newChannel();
        layer.groupAdd("interop", channel);
        LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        Subscription subscription = layer.subscribe(channel, inbox::offer);
        try (PythonPeer peer = python("group-send", "interop", encrypted)) {
            peer.expect("SENT");
            assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo(PYTHON_MESSAGE);
        } finally {
            subscription.close();
        }
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void javaGroupSend_reachesAPythonReceiver(boolean encrypted) throws Exception {
        RedisChannelLayer layer = layer(encrypted);
        try (PythonPeer peer = python("receive-group", "interop", encrypted)) {
            String pythonChannel = peer.expect("READY ").substring(6);
            assertThat(pythonChannel).startsWith("specific.").contains("!");
            layer.groupSend("interop", JAVA_MESSAGE);
            assertThat(PythonPeer.fromPython(peer.expect("{"))).isEqualTo(JAVA_MESSAGE);
        }
    }

    /**
     * One copy for 20 channels of one Python process (its {@code __asgi_channel__} a list of 20,
     * a msgpack array16), and the sender's own member in the same group served in-process.
     */
    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void javaGroupSend_reachesEveryChannelOfAPythonProcess_andTheSendersOwn(boolean encrypted) throws Exception {
        RedisChannelLayer layer = layer(encrypted);
        String own = layer.newChannel();
        layer.groupAdd("interop", own);
        try (PythonPeer peer = python("receive-group-many", "interop", encrypted)) {
            peer.expect("READY");
            layer.groupSend("interop", JAVA_MESSAGE);
            for (int i = 0; i < 20; i++) {
                assertThat(PythonPeer.fromPython(peer.expect("{"))).as("Python channel %d of 20", i + 1)
                        .isEqualTo(JAVA_MESSAGE);
            }
        }
        assertThat(layer.receive(own, Duration.ofSeconds(10))).as("the sender's own member").isEqualTo(JAVA_MESSAGE);
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void pythonSend_toANamedChannel_isReceivedInJava(boolean encrypted) throws Exception {
        RedisChannelLayer layer = layer(encrypted);
        try (PythonPeer peer = python("send", "interop-jobs", encrypted)) {
            peer.expect("SENT");
            assertThat(layer.receive("interop-jobs", Duration.ofSeconds(10))).isEqualTo(PYTHON_MESSAGE);
        }
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = {false, true})
    void javaSend_toANamedChannel_isReceivedInPython(boolean encrypted) throws Exception {
        RedisChannelLayer layer = layer(encrypted);
        try (PythonPeer peer = python("receive", "interop-jobs", encrypted)) {
            peer.expect("READY");
            layer.send("interop-jobs", JAVA_MESSAGE);
            assertThat(PythonPeer.fromPython(peer.expect("{"))).isEqualTo(JAVA_MESSAGE);
        }
    }
}
