package io.channels4j.server;


import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TLS keystore password never shows up in anything the server writes: its log (slf4j, here
 * slf4j-simple on {@code System.err}: the startup line, errors, the library's own lines), the
 * command line's standard output and error (banner, access log, usage errors), nor the
 * {@code toString()} of its settings; not when the password is right, not when it is wrong, and
 * not when an operator puts it where a variable name belongs. The server runs
 * {@link SecretsFixture}.
 */
class SecretsNotLoggedIT {

    /** Distinctive, so any appearance is found; mixed case, so it cannot pass for a variable name. */
    static final String PASSWORD = "Tls-pw-" + UUID.randomUUID();
    static final String WRONG = "Wrong-pw-" + UUID.randomUUID();

    @TempDir
    static Path dir;
    static Path keystore;
    static SSLContext clientContext;

    static final String APP = SecretsFixture.class.getName() + ":application";

    @BeforeAll
    static void keystore() throws Exception {
        keystore = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);
    }

    @Test
    void aServerRunWithTls_accessLog_errorsAndBadClients_neverShowsThePassword() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String logged;
        String settings;
        try (LogCapture log = LogCapture.start();
             PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            String[] args = {"--bind", "127.0.0.1", "--port", "0", "--access-log", "-", "--tls-keystore",
                keystore.toString(), "--tls-keystore-password-env", "MY_TLS_PASSWORD", APP};
            ServerCommandLine line = ServerCommandLine.parse(args, Map.of("MY_TLS_PASSWORD", PASSWORD)::get);
            assertThat(line.toString()).doesNotContain(PASSWORD);
            assertNoFieldHolds(line.builder(), PASSWORD);
            try (ServerCommand.Running running = ServerCommand.start(args, stdout, stderr,
                    Map.of("MY_TLS_PASSWORD", PASSWORD)::get)) {
                ChannelsServer server = running.server();
                settings = String.valueOf(field(server, "settings"));
                assertNoFieldHolds(server, PASSWORD);
                exercise(server);
            }
            stdout.flush();
            logged = log.text();
            assertThat(logged).as("the log has the startup line, so it was captured").contains("Listening on https://");
            assertThat(logged).as("the failing request was logged").contains("failing on purpose");
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).as("stdout has the banner and the access log").contains("Listening on https://", "\"GET /fail");
        assertThat(settings).as("ServerSettings.toString()").contains("sslContext").doesNotContain(PASSWORD);
        for (String text : List.of(logged, printed, err.toString(StandardCharsets.UTF_8))) {
            assertThat(text).doesNotContain(PASSWORD);
        }
    }

    /** HTTPS requests (one failing), a WSS echo, a plain-text client on the TLS port, a TLS client that gives up. */
    private static void exercise(ChannelsServer server) throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(clientContext).connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("https://127.0.0.1:" + server.port());
        HttpResponse<String> ok = https.send(HttpRequest.newBuilder(base.resolve("/")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        HttpResponse<String> failed = https.send(HttpRequest.newBuilder(base.resolve("/fail")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(failed.statusCode()).isEqualTo(500);
        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocket socket = https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("secret-free", true).get(5, TimeUnit.SECONDS);
        assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("secret-free");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        try (RawSocket plain = RawSocket.connect(server.port())) { // no TLS on a TLS port
            plain.writeLatin1("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(plain.awaitClosedByPeer(Duration.ofSeconds(10))).as("closed by the server").isNotNull();
        }
        try (RawSocket halfTls = RawSocket.connect(server.port())) { // a ClientHello cut short
            halfTls.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
        }
    }

    @Test
    void aWrongPassword_isReportedWithoutIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String logged;
        try (LogCapture log = LogCapture.start();
             PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = ServerCommand.run(new String[] {"--port", "0", "--tls-keystore", keystore.toString(), APP},
                    stdout, stderr, Map.of(ServerCommandLine.DEFAULT_PASSWORD_ENV, WRONG)::get, hook -> { });
            assertThat(code).isEqualTo(2);
            logged = log.text();
        }
        String error = err.toString(StandardCharsets.UTF_8);
        assertThat(error).as("the error names the keystore").contains("cannot load TLS keystore " + keystore);
        for (String text : List.of(logged, out.toString(StandardCharsets.UTF_8), error)) {
            assertThat(text).doesNotContain(WRONG).doesNotContain(PASSWORD);
        }
        // the builder's exception, its causes and its stack trace
        assertThatThrownBy(() -> ChannelsServer.builder().tls(keystore, WRONG.toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(stackTraceOf(e)).contains("keystore").doesNotContain(WRONG));
    }

    @Test
    void aPasswordGivenWhereAVariableNameBelongs_orOnTheCommandLine_isNeverRepeated() throws Exception {
        List<String[]> mistakes = List.of(
                new String[] {"--tls-keystore", keystore.toString(), "--tls-keystore-password-env", PASSWORD, APP},
                new String[] {"--tls-keystore", keystore.toString(), "--tls-keystore-password-env=" + PASSWORD, APP},
                new String[] {"--tls-keystore", keystore.toString(), "--tls-keystore-password", PASSWORD, APP},
                new String[] {"--tls-keystore", keystore.toString(), "--tls-keystore-password=" + PASSWORD, APP},
                new String[] {"--tls-keystore-pasword=" + PASSWORD, APP},
                new String[] {"--tls-keystore-password-env", PASSWORD, APP});
        List<String> errors = new ArrayList<>();
        for (String[] args : mistakes) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (LogCapture log = LogCapture.start();
                 PrintStream stdout = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
                 PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                int code = ServerCommand.run(args, stdout, stderr, Map.<String, String>of()::get, hook -> { });
                assertThat(code).as("%s", Arrays.toString(args)).isEqualTo(2);
                assertThat(log.text()).doesNotContain(PASSWORD);
            }
            String error = err.toString(StandardCharsets.UTF_8);
            errors.add(error);
            assertThat(error).as("usage error for %s", Arrays.toString(args)).startsWith("ChannelsServer: ")
                    .doesNotContain(PASSWORD);
        }
        assertThat(errors.get(0)).contains("--tls-keystore-password-env").contains("is it the password itself?");
    }

    private static String stackTraceOf(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    /** No field of the object holds the secret, as a string or as characters. */
    private static void assertNoFieldHolds(Object owner, String secret) throws ReflectiveOperationException {
        for (Field field : owner.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(owner);
            String text = value instanceof char[] chars ? new String(chars) : String.valueOf(value);
            assertThat(text).as("%s.%s", owner.getClass().getSimpleName(), field.getName()).doesNotContain(secret);
        }
    }
}
