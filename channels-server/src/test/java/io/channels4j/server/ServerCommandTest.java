package io.channels4j.server;

import io.channels4j.server.ServerCommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerCommandTest {

    private static final String APP = "io.channels4j.server.AsgiFixture:application";
    private static final Function<String, String> NO_ENV = name -> null;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    /** What the builder holds: the test inspects it rather than starting servers. */
    private static Object field(ChannelsServer.Builder builder, String name) {
        try {
            Field field = ChannelsServer.Builder.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(builder);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("ChannelsServer.Builder has no field " + name, e);
        }
    }

    private static ServerCommandLine parse(String... args) throws ServerCommandLine.UsageException {
        return ServerCommandLine.parse(args, NO_ENV);
    }

    private int run(String... args) {
        return ServerCommand.run(args, out, err, NO_ENV, hook -> {
            throw new AssertionError("no server should start");
        });
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void everyOption_setsItsBuilderValue() throws Exception {
        ServerCommandLine line = parse("-b", "0.0.0.0", "-p", "9001", "--websocket-timeout", "-1",
                "--websocket-connect-timeout", "2.5", "--ping-interval", "0.5", "--ping-timeout", "7",
                "--application-close-timeout", "3", "--max-message-size", "2048", "--max-outbound-bytes", "65536",
                "--max-inbound-bytes", "32768",
                "--max-request-body-size", "0", "--max-connections", "50", "--max-request-head-size", "8192",
                "--access-log", "-", "--proxy-headers", "--trusted-proxies", "10.0.0.1, 10.0.0.2",
                "--root-path", "/app", "--server-name", "edge", "--workers", "3", APP);
        ChannelsServer.Builder b = line.builder();

        assertThat(line.application()).isEqualTo(APP);
        assertThat(line.accessLog()).isEqualTo("-");
        assertThat(line.help()).isFalse();
        assertThat(line.version()).isFalse();
        assertThat(field(b, "bind")).isEqualTo("0.0.0.0");
        assertThat(field(b, "port")).isEqualTo(9001);
        assertThat(field(b, "websocketTimeout")).isEqualTo(Duration.ofSeconds(-1));
        assertThat(field(b, "connectTimeout")).isEqualTo(Duration.ofMillis(2500));
        assertThat(field(b, "pingInterval")).isEqualTo(Duration.ofMillis(500));
        assertThat(field(b, "pingTimeout")).isEqualTo(Duration.ofSeconds(7));
        assertThat(field(b, "applicationCloseTimeout")).isEqualTo(Duration.ofSeconds(3));
        assertThat(field(b, "maxMessageSize")).isEqualTo(2048);
        assertThat(field(b, "maxOutboundBytes")).isEqualTo(65536L);
        assertThat(field(b, "maxInboundBytes")).isEqualTo(32768L);
        assertThat(field(b, "maxRequestBodySize")).isEqualTo(0L);
        assertThat(field(b, "maxConnections")).isEqualTo(50);
        assertThat(field(b, "maxRequestHeadSize")).isEqualTo(8192);
        assertThat(field(b, "proxyHeaders")).isEqualTo(true);
        assertThat(field(b, "trustedProxies")).isEqualTo(List.of("10.0.0.1", "10.0.0.2"));
        assertThat(field(b, "rootPath")).isEqualTo("/app");
        assertThat(field(b, "serverName")).isEqualTo("edge");
        assertThat(field(b, "workers")).isEqualTo(3);
        assertThat(field(b, "sslContext")).isNull();
        assertThat(field(b, "accessLog")).as("set when the server starts").isNull();
    }

    @Test
    void noOptions_keepTheBuildersDefaults() throws Exception {
        ChannelsServer.Builder parsed = parse(APP).builder();
        ChannelsServer.Builder fresh = ChannelsServer.builder();

        for (Field field : ChannelsServer.Builder.class.getDeclaredFields()) {
            assertThat(field(parsed, field.getName())).as(field.getName()).isEqualTo(field(fresh, field.getName()));
        }
    }

    @Test
    void equalsForm_daphneSpellings_andApplicationBeforeOptions_areAccepted() throws Exception {
        ChannelsServer.Builder b = parse(APP, "--port=9002", "--websocket_timeout", "30",
                "--websocket_connect_timeout=1", "--websocket-timeout=86400.25", "--no-server-name").builder();

        assertThat(field(b, "port")).isEqualTo(9002);
        assertThat(field(b, "websocketTimeout")).as("the last one wins").isEqualTo(Duration.ofMillis(86_400_250));
        assertThat(field(b, "connectTimeout")).isEqualTo(Duration.ofSeconds(1));
        assertThat(field(b, "serverName")).isNull();
    }

    @Test
    void doubleDash_endsTheOptions() throws Exception {
        assertThat(parse("--port", "1", "--", APP).application()).isEqualTo(APP);
    }

    @Test
    void help_listsEveryOptionWithTheBuildersDefault() {
        assertThat(run("--port", "nonsense", "--help")).as("help wins over other arguments").isZero();

        String help = out().replaceAll("\\s+", " ");
        assertThat(out()).startsWith("Usage: ChannelsServer [options] <application>");
        assertThat(err()).isEmpty();
        ChannelsServer.Builder defaults = ChannelsServer.builder();
        Map<Option, String> expected = new EnumMap<>(Option.class);
        expected.put(Option.BIND, (String) field(defaults, "bind"));
        expected.put(Option.PORT, String.valueOf(field(defaults, "port")));
        expected.put(Option.WEBSOCKET_TIMEOUT, seconds(field(defaults, "websocketTimeout")));
        expected.put(Option.CONNECT_TIMEOUT, seconds(field(defaults, "connectTimeout")));
        expected.put(Option.PING_INTERVAL, seconds(field(defaults, "pingInterval")));
        expected.put(Option.PING_TIMEOUT, seconds(field(defaults, "pingTimeout")));
        expected.put(Option.APPLICATION_CLOSE_TIMEOUT, seconds(field(defaults, "applicationCloseTimeout")));
        expected.put(Option.MAX_MESSAGE_SIZE, String.valueOf(field(defaults, "maxMessageSize")));
        expected.put(Option.MAX_OUTBOUND_BYTES, String.valueOf(field(defaults, "maxOutboundBytes")));
        expected.put(Option.MAX_INBOUND_BYTES, String.valueOf(field(defaults, "maxInboundBytes")));
        expected.put(Option.MAX_REQUEST_BODY_SIZE, String.valueOf(field(defaults, "maxRequestBodySize")));
        expected.put(Option.MAX_CONNECTIONS, String.valueOf(field(defaults, "maxConnections")));
        expected.put(Option.MAX_REQUEST_HEAD_SIZE, String.valueOf(field(defaults, "maxRequestHeadSize")));
        expected.put(Option.ACCESS_LOG, field(defaults, "accessLog") == null ? "off" : "on");
        expected.put(Option.PROXY_HEADERS, Boolean.TRUE.equals(field(defaults, "proxyHeaders")) ? "on" : "off");
        expected.put(Option.TRUSTED_PROXIES, ((List<?>) field(defaults, "trustedProxies")).stream()
                .map(String::valueOf).collect(Collectors.joining(",")));
        expected.put(Option.ROOT_PATH, "".equals(field(defaults, "rootPath")) ? "empty" : "?");
        expected.put(Option.SERVER_NAME, (String) field(defaults, "serverName"));
        expected.put(Option.TLS_KEYSTORE, field(defaults, "sslContext") == null ? "off" : "on");
        expected.put(Option.TLS_KEYSTORE_PASSWORD_ENV, "CHANNELS4J_TLS_PASSWORD");
        expected.put(Option.WORKERS, "the number of processors, here " + field(defaults, "workers"));

        for (Option option : Option.values()) {
            assertThat(help).contains(option.longName());
            assertThat(help).contains(option.description);
            if (option.defaultText != null) {
                assertThat(expected).as("a default for " + option).containsKey(option);
                assertThat(option.defaultText).as(option.longName())
                        .matches(Pattern.quote(expected.get(option)) + "( = .*)?");
                assertThat(help).contains(option.description + " (default " + option.defaultText + ")");
            }
        }
    }

    private static String seconds(Object duration) {
        return String.valueOf(((Duration) duration).toSeconds());
    }

    @Test
    void version_printsTheVersion() {
        assertThat(run("--version")).isZero();

        assertThat(out()).startsWith("channels4j ").endsWith(System.lineSeparator());
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                arguments(List.of("--port", "abc", APP), "invalid value 'abc' for --port: not a whole number"),
                arguments(List.of("-p", "70000", APP), "invalid value '70000' for -p: port must be 0..65535, was 70000"),
                arguments(List.of("--websocket-timeout", "0", APP),
                        "invalid value '0' for --websocket-timeout: must be more than 0 seconds (or -1 for no limit)"),
                arguments(List.of("--ping-interval", "soon", APP),
                        "invalid value 'soon' for --ping-interval: not a number of seconds"),
                arguments(List.of("--ping-timeout", "-3", APP),
                        "invalid value '-3' for --ping-timeout: must be more than 0 seconds"),
                arguments(List.of("--application-close-timeout", "0.0000000001", APP),
                        "invalid value '0.0000000001' for --application-close-timeout: finer than a nanosecond"),
                arguments(List.of("--websocket-connect-timeout", "99999999999", APP),
                        "invalid value '99999999999' for --websocket-connect-timeout: must be at most 1000000000 seconds"),
                arguments(List.of("--max-message-size", "3000000000", APP),
                        "invalid value '3000000000' for --max-message-size: must be at most 2147483647"),
                arguments(List.of("--max-outbound-bytes", "10", APP),
                        "invalid value '10' for --max-outbound-bytes: maxOutboundBytes must be >= 1024, was 10"),
                arguments(List.of("--max-request-body-size", "-1", APP),
                        "invalid value '-1' for --max-request-body-size: maxRequestBodySize must be >= 0, was -1"),
                arguments(List.of("--max-connections", "0", APP),
                        "invalid value '0' for --max-connections: maxConnections must be >= 1, was 0"),
                arguments(List.of("--max-request-head-size", "100", APP),
                        "invalid value '100' for --max-request-head-size: maxRequestHeadSize must be >= 256, was 100"),
                arguments(List.of("--workers", "none", APP), "invalid value 'none' for --workers: not a whole number"),
                arguments(List.of("--bind", " ", APP), "invalid value ' ' for --bind: bind must not be blank"),
                arguments(List.of("--access-log", "", APP), "invalid value '' for --access-log: must not be empty"),
                arguments(List.of("--root-path", "app", APP),
                        "invalid value 'app' for --root-path: must start with / and not end with /, e.g. /app"),
                arguments(List.of("--server-name", "a\r\nX-Evil: 1", APP),
                        "invalid value 'a\\r\\nX-Evil: 1' for --server-name: only printable ASCII is allowed in a header"),
                arguments(List.of("--server-name", "", APP),
                        "invalid value '' for --server-name: must not be empty (use --no-server-name to send none)"),
                arguments(List.of("--proxy-headers", "--trusted-proxies", "10.0.0.1,,10.0.0.2", APP),
                        "invalid value '10.0.0.1,,10.0.0.2' for --trusted-proxies: an empty address in the list"),
                arguments(List.of("--trusted-proxies", "10.0.0.1", APP),
                        "--trusted-proxies has no effect without --proxy-headers"),
                arguments(List.of("--tls-keystore-password-env", "PW", APP),
                        "--tls-keystore-password-env has no effect without --tls-keystore"),
                arguments(List.of("--prot", "80", APP), "unknown option --prot"),
                arguments(List.of("--colour=always", APP), "unknown option --colour"),
                arguments(List.of("--proxy-headers=yes", APP), "option --proxy-headers takes no value"),
                arguments(List.of(APP, "--port"), "option --port needs a value (PORT)"),
                arguments(List.of("--port", "8000"), "missing <application>, e.g. com.example.Asgi:application"),
                arguments(List.of(APP, "extra"), "unexpected argument 'extra': give one <application>, after the options"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void usageError_exits2_withOneLineNamingTheOptionAndValue(List<String> args, String message) {
        assertThat(run(args.toArray(String[]::new))).isEqualTo(2);

        assertThat(err()).isEqualTo("ChannelsServer: " + message + " (see --help)" + System.lineSeparator());
        assertThat(out()).isEmpty();
    }

    @Test
    void passwordOnTheCommandLine_isRefusedWithoutEchoingIt() {
        assertThat(run("--tls-keystore", "server.p12", "--tls-keystore-password=hunter2", APP)).isEqualTo(2);
        assertThat(run("--tls-keystore-password", "hunter2", APP)).isEqualTo(2);

        assertThat(err()).doesNotContain("hunter2")
                .contains("ChannelsServer: the keystore password is never taken on the command line: put it in the"
                        + " environment variable CHANNELS4J_TLS_PASSWORD (or the one named by"
                        + " --tls-keystore-password-env) (see --help)");
    }

    @Test
    void keystore_withoutItsEnvironmentVariable_isAUsageError() {
        assertThat(run("--tls-keystore", "server.p12", "--tls-keystore-password-env", "MY_PW", APP)).isEqualTo(2);

        assertThat(err()).isEqualTo("ChannelsServer: --tls-keystore needs the keystore password in the environment"
                + " variable MY_PW, which is not set (see --help)" + System.lineSeparator());
    }

    @Test
    void unreadableKeystore_isNamed_andThePasswordIsNot(@TempDir Path dir) {
        Path missing = dir.resolve("missing.p12");
        int code = ServerCommand.run(new String[] {"--tls-keystore", missing.toString(), APP}, out, err,
                Map.of("CHANNELS4J_TLS_PASSWORD", "s3cret-pw")::get, hook -> { });

        assertThat(code).isEqualTo(2);
        assertThat(err()).startsWith("ChannelsServer: invalid value '" + missing + "' for --tls-keystore: cannot load"
                + " TLS keystore " + missing).doesNotContain("s3cret-pw");
    }

    @Test
    void keystore_isLoadedWithThePasswordFromTheEnvironment(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "s3cret-pw")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

        ServerCommandLine line = ServerCommandLine.parse(new String[] {"--tls-keystore", keystore.toString(),
                "--tls-keystore-password-env", "PW", APP}, Map.of("PW", "s3cret-pw")::get);

        assertThat(field(line.builder(), "sslContext")).isNotNull();
        assertThat(line.toString()).doesNotContain("s3cret-pw");
        assertThatThrownBy(() -> ServerCommandLine.parse(new String[] {"--tls-keystore", keystore.toString(), APP},
                Map.of("CHANNELS4J_TLS_PASSWORD", "wrong")::get))
                .hasMessageStartingWith("invalid value '" + keystore + "' for --tls-keystore: cannot load TLS keystore")
                .message().doesNotContain("wrong");
    }

    @Test
    void unloadableApplication_exits2_namingWhatWasTried() {
        assertThat(run("--port", "0", "com.example.Missing:application")).isEqualTo(2);

        assertThat(err()).isEqualTo("ChannelsServer: cannot load the application 'com.example.Missing:application':"
                + " class com.example.Missing not found on the class path (tried com.example.Missing); name a"
                + " compiled Java class, e.g. com.example.Asgi:application" + System.lineSeparator());
    }

    @Test
    void applicationThatThrows_exits2_withTheCausesStackTrace() {
        assertThat(run("--port", "0", "io.channels4j.server.AsgiFixture:throwing")).isEqualTo(2);

        assertThat(err()).startsWith("ChannelsServer: cannot load the application"
                        + " 'io.channels4j.server.AsgiFixture:throwing': io.channels4j.server.AsgiFixture.throwing()"
                        + " threw java.lang.IllegalStateException: boom in method" + System.lineSeparator())
                .contains("at io.channels4j.server.AsgiFixture.throwing(");
    }

    @Test
    void unwritableAccessLog_isAUsageError(@TempDir Path dir) {
        Path log = dir.resolve("no-such-dir").resolve("access.log");

        assertThat(run("--port", "0", "--access-log", log.toString(), APP)).isEqualTo(2);

        assertThat(err()).startsWith("ChannelsServer: invalid value '" + log + "' for --access-log: cannot open it"
                + " for appending (java.nio.file.NoSuchFileException");
    }

    @Test
    void portInUse_exits1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(run("--port", String.valueOf(taken.getLocalPort()), APP)).isEqualTo(1);
        }

        assertThat(err()).startsWith("ChannelsServer: cannot start the server on 127.0.0.1:");
    }

    @Test
    void start_servesTheApplication_writesTheAccessLog_andCloses(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "an earlier line\n");
        List<String> asked = new ArrayList<>();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(recording);
        ServerCommand.Running running;
        try {
            running = ServerCommand.start(new String[] {"--port", "0", "--access-log", log.toString(),
                    "--server-name", "cli-test", APP}, out, err, NO_ENV);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        int port = running.server().port();
        try (running) {
            assertThat(asked).as("loaded through the context class loader").contains("io.channels4j.server.AsgiFixture");
            assertThat(out()).isEqualTo("Listening on http://127.0.0.1:" + port + System.lineSeparator());

            HttpResponse<String> response = get(running.server().httpUrl().resolve("/hello/"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello /hello/");
            assertThat(response.headers().firstValue("server")).hasValue("cli-test");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.readString(log).contains("\"GET /hello/\" 200 13"));
        }
        assertThat(Files.readAllLines(log)).first().isEqualTo("an earlier line");
        assertThat(Files.readAllLines(log).get(1)).matches("127\\.0\\.0\\.1:\\d+ - - \\[[^]]+] \"GET /hello/\" 200 13");
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void run_blocksUntilTheShutdownHookHasClosedTheServer() throws Exception {
        CompletableFuture<Thread> registered = new CompletableFuture<>();
        FutureTask<Integer> command = new FutureTask<>(() -> ServerCommand.run(
                new String[] {"--port", "0", "--access-log", "-", APP}, out, err, NO_ENV, registered::complete));
        Thread.ofPlatform().name("server-command-test").daemon().start(command);

        Thread hook = registered.get(30, TimeUnit.SECONDS);

        assertThat(hook.getName()).isEqualTo("channels4j-shutdown");
        assertThat(hook.getState()).isEqualTo(Thread.State.NEW);
        Matcher listening = Pattern.compile("Listening on (http://127\\.0\\.0\\.1:\\d+)").matcher(out());
        assertThat(listening.find()).as(out()).isTrue();
        URI url = URI.create(listening.group(1) + "/ping/");
        assertThat(get(url).body()).isEqualTo("hello /ping/");
        await().atMost(Duration.ofSeconds(10)).until(() -> out().contains("\"GET /ping/\" 200 12"));
        assertThat(command.isDone()).as("run blocks while the server runs").isFalse();

        hook.start();

        assertThat(command.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out()).endsWith("Stopped" + System.lineSeparator());
        assertThat(err()).isEmpty();
        assertThatThrownBy(() -> get(url)).isInstanceOf(ConnectException.class);
    }
}
