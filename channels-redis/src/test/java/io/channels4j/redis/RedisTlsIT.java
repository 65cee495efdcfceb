package io.channels4j.redis;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code rediss://}: a real redis-server serving TLS with certificates made by openssl for this
 * run (a test CA; one server certificate for 127.0.0.1, one for another host name). The layers,
 * the pub/sub layer and the session store talk TLS to it; a certificate that does not chain to the
 * trusted CA, or that names another host, is refused; and the real channels_redis (redis-py over
 * TLS) exchanges group messages with a Java layer through it.
 */
class RedisTlsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Message MESSAGE = Message.of("type", "chat.message", "message", "over tls");

    @TempDir
    static Path certificates;
    private static Path authority;
    private static RedisProcess redis;
    /** Serves a certificate from the same CA that names another host. */
    private static RedisProcess elsewhere;

    private final String prefix = TestRedis.uniquePrefix();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startTlsRedis() throws Exception {
        authority = certificates.resolve("ca.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=channels4j test CA");
        issue("server", "IP:127.0.0.1,DNS:localhost");
        issue("elsewhere", "DNS:elsewhere.example");
        redis = RedisProcess.tlsServer(certificates.resolve("server.pem"), certificates.resolve("server.key"));
        elsewhere = RedisProcess.tlsServer(certificates.resolve("elsewhere.pem"), certificates.resolve("elsewhere.key"));
    }

    /** A server key and a certificate signed by the test CA for the given subject alternative names. */
    private static void issue(String name, String subjectAltNames) throws Exception {
        Files.writeString(certificates.resolve(name + ".ext"), "subjectAltName=" + subjectAltNames + "\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(certificates.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0)
                .as("%s (Debian: apt-get install openssl): %s", command, output).isTrue();
    }

    @AfterAll
    static void stopRedis() {
        RedisProcess.closeAll(java.util.Arrays.asList(redis, elsewhere));
    }

    @AfterEach
    void cleanUp() {
        RedisProcess.closeAll(closeables);
        try (Jedis witness = redis.client()) {
            for (String key : witness.keys(prefix + "*")) {
                witness.del(key);
            }
        }
    }

    private String tlsUrl(RedisProcess server) {
        return "rediss://127.0.0.1:" + server.tlsPort() + "/0";
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private RedisChannelLayer trustingLayer(RedisProcess server) {
        return closing(RedisChannelLayer.builder().host(tlsUrl(server)).prefix(prefix).timeout(Duration.ofSeconds(2))
                .sslContext(RedisTls.trusting(authority)).build());
    }

    @Test
    void layersOverTls_sendAndGroupSend_betweenTwoProcesses() throws InterruptedException {
        ChannelLayer sender = closing(ChannelLayers.create(tlsUrl(redis) + "?prefix=" + prefix + "&ssl_ca_certs="
                + authority));
        RedisChannelLayer receiver = trustingLayer(redis);
        String channel = receiver.newChannel();
        receiver.groupAdd("room", channel);

        sender.groupSend("room", MESSAGE);
        sender.send("tls.worker", MESSAGE);

        assertThat(receiver.receive(channel, WAIT)).as("a group message over TLS").isEqualTo(MESSAGE);
        assertThat(receiver.receive("tls.worker", WAIT)).as("a named channel's message over TLS").isEqualTo(MESSAGE);
        try (Jedis witness = redis.client()) {
            assertThat(witness.zrange(prefix + ":group:room", 0, -1)).as("the group, seen on the plain port")
                    .containsExactly(channel);
        }
    }

    @Test
    void plainRespToTheTlsPort_failsWithinTheTimeout() {
        RedisChannelLayer plain = closing(RedisChannelLayer.builder()
                .host("redis://127.0.0.1:" + redis.tlsPort() + "/0").prefix(prefix).timeout(Duration.ofSeconds(2))
                .build());

        assertThatThrownBy(() -> plain.groupAdd("room", "tls.worker")).isInstanceOf(ChannelLayerException.class)
                .hasMessageContaining("redis://127.0.0.1:" + redis.tlsPort());
    }

    @Test
    void aCertificateThatNamesAnotherHost_isRefused() {
        RedisChannelLayer layer = trustingLayer(elsewhere);

        assertThatThrownBy(() -> layer.groupAdd("room", "tls.worker")).isInstanceOf(ChannelLayerException.class)
                .hasMessageContaining(tlsUrl(elsewhere))
                .hasRootCauseMessage("No subject alternative names matching IP address 127.0.0.1 found")
                .cause().hasCauseInstanceOf(SSLHandshakeException.class);
        try (Jedis witness = elsewhere.client()) {
            assertThat(witness.keys(prefix + "*")).as("nothing written").isEmpty();
        }
    }

    @Test
    void aCertificateFromAnAuthorityTheJvmDoesNotTrust_isRefused() {
        RedisChannelLayer layer = closing(RedisChannelLayer.builder().host(tlsUrl(redis)).prefix(prefix)
                .timeout(Duration.ofSeconds(2)).build());

        assertThatThrownBy(() -> layer.groupAdd("room", "tls.worker")).isInstanceOf(ChannelLayerException.class)
                .hasMessageContaining(tlsUrl(redis))
                .hasStackTraceContaining("PKIX path building failed");
    }

    @Test
    void pubSubLayerAndSessionStore_overTls() throws InterruptedException {
        String query = "?ssl_ca_certs=" + authority;
        ChannelLayer pubsub = closing(ChannelLayers.create("rediss-pubsub://127.0.0.1:" + redis.tlsPort() + "/0"
                + query + "&prefix=" + prefix.replace(":", "")));
        String channel = pubsub.newChannel();
        pubsub.send(channel, MESSAGE);
        assertThat(pubsub.receive(channel, WAIT)).as("a pub/sub message over TLS").isEqualTo(MESSAGE);

        RedisSessionStore sessions = closing(RedisSessionStore.create(tlsUrl(redis) + query, prefix + "session:"));
        sessions.save("k", Map.of("user", "ada"), Duration.ofMinutes(1));
        assertThat(sessions.load("k")).as("a session over TLS").isEqualTo(Map.of("user", "ada"));
    }

    @Test
    void aCaFileWithoutCertificates_isAClearError() throws IOException {
        Path empty = Files.writeString(certificates.resolve("empty.pem"), "not a certificate\n");

        assertThatThrownBy(() -> ChannelLayers.create(tlsUrl(redis) + "?ssl_ca_certs=" + empty))
                .hasMessageContaining(empty.toString());
        assertThatThrownBy(() -> RedisChannelLayer.builder().host(tlsUrl(redis) + "?ssl_ca_certs=" + empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sslContext");
    }

    /** The real channels_redis over TLS (redis-py's rediss:// with ssl_ca_certs and host name checks). */
    @Test
    void pythonChannelsRedis_andJava_exchangeGroupMessagesOverTls() throws Exception {
        Path script = Files.createTempFile(certificates, "channels_redis_peer", ".py");
        try (var in = RedisTlsIT.class.getResourceAsStream("/channels_redis_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
        String pythonUrl = tlsUrl(redis) + "?ssl_ca_certs=" + authority + "&ssl_check_hostname=true";
        RedisChannelLayer layer = trustingLayer(redis);
        try (PythonPeer peer = new PythonPeer(List.of("/usr/bin/python3", script.toString(), "receive-group", pythonUrl,
                prefix, "interop"))) {
            peer.expect("READY ");
            layer.groupSend("interop", PythonInteropIT.JAVA_MESSAGE);
            assertThat(PythonPeer.fromPython(peer.expect("{"))).as("Java's group message, read by Python")
                    .isEqualTo(PythonInteropIT.JAVA_MESSAGE);
        }
        String channel = layer.newChannel();
        layer.groupAdd("interop", channel);
        try (PythonPeer peer = new PythonPeer(List.of("/usr/bin/python3", script.toString(), "group-send", pythonUrl,
                prefix, "interop"))) {
            peer.expect("SENT");
            assertThat(layer.receive(channel, WAIT)).as("Python's group message, read by Java")
                    .isEqualTo(PythonInteropIT.PYTHON_MESSAGE);
        }
    }
}
