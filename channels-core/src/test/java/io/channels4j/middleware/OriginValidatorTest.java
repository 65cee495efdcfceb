package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.testing.ApplicationCommunicator;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link OriginValidator}: Channels' matching rules, case by case, and what a rejected handshake
 * looks like to the client and to the wrapped application.
 */
class OriginValidatorTest {

    /** Accepts every handshake and echoes text frames, as Channels' tests use a bare consumer. */
    static final class EchoConsumer extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            send(text);
        }
    }

    private static final Application ECHO = Consumer.asApplication(EchoConsumer::new, new ChannelLayers());

    private static WebsocketCommunicator client(Application application, String... originHeaders) {
        List<String> pairs = new ArrayList<>();
        for (String origin : originHeaders) {
            pairs.add("origin");
            pairs.add(origin);
        }
        return new WebsocketCommunicator(application, "/", Headers.of(pairs.toArray(String[]::new)), List.of());
    }

    private static boolean connects(Application application, String... originHeaders) {
        try (WebsocketCommunicator client = client(application, originHeaders)) {
            boolean accepted = client.connect().accepted();
            client.disconnect();
            return accepted;
        }
    }

    // ------------------------------------------------------------------ the matching rules

    private static Arguments allowed(String pattern, String origin, String why) {
        return Arguments.of(pattern, origin, true, why);
    }

    private static Arguments rejected(String pattern, String origin, String why) {
        return Arguments.of(pattern, origin, false, why);
    }

    /**
     * One pattern, one Origin header, and whether Channels 4.0.0 lets it through. Each expectation
     * was checked against {@code channels.security.websocket.OriginValidator} (Channels 4.0.0,
     * Django 3.2, Python 3.11). "Channels raises" marks headers on which Channels fails the
     * connection with an exception (HTTP 500) instead; they are rejected here (HTTP 403).
     */
    static Stream<Arguments> channelsCases() {
        return Stream.of(
                allowed("allowed-domain.com", "http://allowed-domain.com", "Channels' test: host pattern"),
                rejected("allowed-domain.com", "http://bad-domain.com", "Channels' test: other host"),
                rejected("*.allowed-domain.com", "http://allowed-domain.com", "Channels' test: no glob wildcards"),
                allowed(".allowed-domain.com", "http://www.allowed-domain.com", "Channels' test: leading dot, subdomain"),
                allowed("http://allowed-domain.com", "http://allowed-domain.com", "Channels' test: scheme pattern"),
                rejected("http://allowed-domain.com", "https://bad-domain.com:443", "Channels' test: other scheme and host"),
                rejected(".allowed-domain.com", "", "Channels' test: empty origin"),
                rejected(".allowed-domain.com", "something-invalid", "Channels' test: invalid origin"),
                allowed("*", "http://anything.example", "star"),
                allowed("*", "null", "star allows null"),
                allowed("*", "", "star allows empty"),
                allowed("*", "something-invalid", "star allows junk"),
                allowed("http://allowed-domain.com", "http://allowed-domain.com:80", "http default port"),
                rejected("http://allowed-domain.com", "http://allowed-domain.com:8000", "http other port"),
                rejected("http://allowed-domain.com", "https://allowed-domain.com", "scheme must match"),
                rejected("http://allowed-domain.com", "ws://allowed-domain.com", "http is not ws"),
                allowed("http://allowed-domain.com:80", "http://allowed-domain.com", "explicit default port in pattern"),
                allowed("http://allowed-domain.com:", "http://allowed-domain.com", "empty port is no port"),
                allowed("http://allowed-domain.com", "http://allowed-domain.com:0080", "leading zeros in port"),
                allowed("https://allowed-domain.com", "https://allowed-domain.com:443", "https default port"),
                rejected("https://allowed-domain.com", "https://allowed-domain.com:8443", "https other port"),
                allowed("https://allowed-domain.com:443", "https://allowed-domain.com", "explicit 443"),
                allowed("wss://allowed-domain.com:443", "wss://allowed-domain.com", "wss default port"),
                allowed("ws://allowed-domain.com", "ws://allowed-domain.com:80", "ws default port"),
                allowed("http://allowed-domain.com:8000", "http://allowed-domain.com:8000", "explicit port"),
                rejected("http://allowed-domain.com:8000", "http://allowed-domain.com", "explicit port vs default"),
                allowed("ftp://allowed-domain.com", "ftp://allowed-domain.com", "no default port for other schemes"),
                rejected("ftp://allowed-domain.com", "ftp://allowed-domain.com:21", "ftp has no default port"),
                allowed("chrome-extension://abcdef", "chrome-extension://abcdef", "extension origin"),
                rejected("chrome-extension://abcdef", "chrome-extension://ghijkl", "other extension"),
                allowed(".allowed-domain.com", "http://allowed-domain.com", "leading dot matches the domain itself"),
                allowed(".allowed-domain.com", "https://a.b.allowed-domain.com:8000", "leading dot, any depth, any scheme and port"),
                rejected(".allowed-domain.com", "http://badallowed-domain.com", "leading dot needs a dot boundary"),
                rejected(".allowed-domain.com", "http://allowed-domain.com.evil.com", "suffix of another domain"),
                allowed("https://.allowed-domain.com", "https://www.allowed-domain.com", "leading dot with scheme"),
                rejected("https://.allowed-domain.com", "http://www.allowed-domain.com", "leading dot with scheme, other scheme"),
                rejected("https://*.allowed-domain.com", "https://www.allowed-domain.com", "no glob with scheme either"),
                allowed(".com", "http://anything.com", "leading dot on a TLD"),
                allowed("allowed-domain.com", "https://allowed-domain.com:8443", "no scheme: any scheme and port"),
                rejected("allowed-domain.com", "http://www.allowed-domain.com", "no scheme: exact host"),
                rejected("allowed-domain.com", "allowed-domain.com", "origin without scheme has no host"),
                allowed("allowed-domain.com", "//allowed-domain.com", "scheme-relative origin"),
                rejected("allowed-domain.com:8000", "http://allowed-domain.com:8000", "host:port reads as a scheme"),
                rejected("localhost:8000", "http://localhost:8000", "localhost:port reads as a scheme"),
                allowed("127.0.0.1:8000", "http://127.0.0.1:9000", "ip:port is the host on any port"),
                allowed("[::1]:8000", "http://[::1]:9000", "[ip6]:port is the host on any port"),
                rejected("//allowed-domain.com", "http://allowed-domain.com", "scheme-relative pattern"),
                rejected("http://", "http://allowed-domain.com", "pattern without host"),
                rejected("", "http://allowed-domain.com", "empty pattern"),
                rejected("allowed-domain.com.", "http://allowed-domain.com", "trailing dot is not stripped"),
                allowed("HTTP://Allowed-Domain.COM", "http://allowed-domain.com", "pattern case"),
                allowed("allowed-domain.com", "HTTP://ALLOWED-DOMAIN.COM", "origin case"),
                allowed("ALLOWED-DOMAIN.COM", "http://Allowed-Domain.Com:80", "host pattern case"),
                rejected("allowed-domain.com", "http://allowed-domain.com@evil.com", "user info is not the host"),
                allowed("allowed-domain.com", "http://evil.com@allowed-domain.com", "host after user info"),
                rejected("allowed-domain.com", "http://evil.com/allowed-domain.com", "path is not the host"),
                allowed("allowed-domain.com", "http://allowed-domain.com/path?q#f", "path, query and fragment ignored"),
                allowed("allowed-domain.com", " http://allowed-domain.com", "leading space stripped"),
                allowed("allowed-domain.com", "http://allowed-\tdomain.com", "tab removed"),
                rejected("allowed-domain.com", "http://allowed-domain.com\\@evil.com", "backslash is no delimiter"),
                rejected("http://allowed-domain.com", "http://allowed-domain.com:abc", "invalid port refused (Channels raises)"),
                allowed("allowed-domain.com", "http://allowed-domain.com:abc", "port not looked at without a scheme"),
                rejected("http://allowed-domain.com", "http://allowed-domain.com:99999", "port out of range refused (Channels raises)"),
                rejected("null", "null", "null pattern does not allow the null origin"),
                rejected("allowed-domain.com", "null", "null origin"),
                rejected("file://", "file://", "file origin has no host"),
                allowed("[::1]", "http://[::1]:8000", "IPv6 host pattern"),
                rejected("[::1]", "http://[::2]", "other IPv6 host"),
                allowed("http://[::1]:8000", "http://[::1]:8000", "IPv6 with scheme and port"),
                allowed("http://[::1]", "http://[::1]:80", "IPv6 default port"),
                rejected("http://[::1]", "http://[::1]:8000", "IPv6 other port"),
                rejected("[::1]", "http://[::1", "unbalanced bracket refused (Channels raises)"),
                rejected("*", "http://[::1", "unbalanced bracket refused even by star (Channels raises)"),
                rejected("*", "http://[1.2.3.4]", "IPv4 in brackets refused (Channels raises)"),
                rejected("*", "http://[]", "empty brackets refused (Channels raises)"),
                rejected("*", "http://[:::1]", "invalid IPv6 refused (Channels raises)"),
                rejected("*", "http://[1:2:3:4:5:6:7:8:9]", "too many hextets refused (Channels raises)"),
                rejected("*", "http://[::1.2.3.04]", "leading zero in embedded IPv4 refused (Channels raises)"),
                rejected("*", "http://[::1]x", "junk after bracket refused (Channels raises)"),
                rejected("*", "http://x[::1]", "junk before bracket refused (Channels raises)"),
                allowed("*", "http://[1:2:3:4:5:6:7:8]", "full IPv6"),
                allowed("http://[::ffff:1.2.3.4]", "http://[::ffff:1.2.3.4]:80", "IPv6 with embedded IPv4"),
                allowed("[fe80::1%eth0]", "http://[fe80::1%eth0]", "zone id"),
                rejected("[fe80::1%eth0]", "http://[fe80::1%ETH0]", "zone id keeps its case"),
                allowed("[v1.x]", "http://[v1.x]", "IPvFuture"),
                allowed("127.0.0.1", "http://127.0.0.1:8000", "IPv4 host pattern"),
                allowed("localhost", "http://localhost:8000", "localhost"),
                rejected("localhost", "http://localhost.evil.com", "localhost prefix"),
                rejected("localhost", "http://\u00e9vil.com", "latin-1 host"));
    }

    @ParameterizedTest(name = "[{index}] {3}: pattern ''{0}'', origin ''{1}'' -> {2}")
    @MethodSource("channelsCases")
    void matchesAsChannelsDoes(String pattern, String origin, boolean expected, String why) {
        OriginValidator validator = new OriginValidator(ECHO, List.of(pattern));

        assertThat(validator.isValidOrigin(origin)).as(why).isEqualTo(expected);
        assertThat(connects(validator, origin)).as(why + ", over a handshake").isEqualTo(expected);
    }

    @Test
    void channelsOwnTest_originValidator() {
        // channels/tests/security/test_websocket.py, step by step
        Application application = new OriginValidator(ECHO, List.of("allowed-domain.com"));
        assertThat(connects(application, "http://allowed-domain.com")).isTrue();
        assertThat(connects(application, "http://bad-domain.com")).isFalse();

        application = new OriginValidator(ECHO, List.of("*.allowed-domain.com"));
        assertThat(connects(application, "http://allowed-domain.com")).isFalse();

        application = new OriginValidator(ECHO, List.of(".allowed-domain.com"));
        assertThat(connects(application, "http://www.allowed-domain.com")).isTrue();

        application = new OriginValidator(ECHO, List.of("http://allowed-domain.com"));
        assertThat(connects(application, "http://allowed-domain.com")).isTrue();
        assertThat(connects(application, "https://bad-domain.com:443")).isFalse();

        application = new OriginValidator(ECHO, List.of("*"));
        assertThat(connects(application)).as("no headers, all hosts allowed").isTrue();

        application = new OriginValidator(ECHO, List.of());
        assertThat(connects(application)).as("no headers, no hosts allowed").isFalse();

        application = new OriginValidator(ECHO, List.of(".allowed-domain.com"));
        assertThat(connects(application, "")).as("empty origin header").isFalse();
        assertThat(connects(application, "something-invalid")).as("invalid origin header").isFalse();
    }

    @Test
    void missingOrigin_passesOnlyWithStar() {
        assertThat(connects(new OriginValidator(ECHO, List.of("localhost", "http://example.com")))).isFalse();
        assertThat(connects(new OriginValidator(ECHO, List.of("localhost", "*")))).isTrue();
        assertThat(new OriginValidator(ECHO, List.of("example.com")).isValidOrigin(null)).isFalse();
        assertThat(new OriginValidator(ECHO, List.of("*")).isValidOrigin(null)).isTrue();
    }

    @Test
    void patternsAreTriedInOrder_anyMatchAllows() {
        OriginValidator validator = new OriginValidator(ECHO,
                List.of("https://chat.example.com", ".example.org", "http://localhost:8000"));

        assertThat(validator.isValidOrigin("https://chat.example.com")).isTrue();
        assertThat(validator.isValidOrigin("http://www.example.org:1234")).isTrue();
        assertThat(validator.isValidOrigin("http://localhost:8000")).isTrue();
        assertThat(validator.isValidOrigin("http://localhost:8001")).isFalse();
        assertThat(validator.isValidOrigin("http://chat.example.com")).isFalse();
    }

    @Test
    void anInvalidOriginPort_refusesEvenIfALaterPatternWouldMatch() {
        // Channels raises at the first pattern that needs the port, and so refuses the connection.
        assertThat(new OriginValidator(ECHO, List.of("http://example.com", "example.com"))
                .isValidOrigin("http://example.com:x")).isFalse();
        assertThat(new OriginValidator(ECHO, List.of("example.com", "http://example.com"))
                .isValidOrigin("http://example.com:x")).isTrue();
    }

    @Test
    void oneValidator_judgesEachHandshakesOwnOrigin_whatEverCameBefore() {
        // the last verdict is kept for the next handshake with the same origin, and only for that one
        OriginValidator validator = new OriginValidator(ECHO, List.of("http://good.example"));

        assertThat(connects(validator, "http://good.example")).isTrue();
        assertThat(connects(validator, "http://good.example")).isTrue();
        assertThat(connects(validator, "http://evil.example")).isFalse();
        assertThat(connects(validator, "http://evil.example")).isFalse();
        assertThat(connects(validator, "http://good.example")).isTrue();
        assertThat(connects(validator, "http://evil.example", "http://good.example")).isTrue();
        assertThat(connects(validator, "http://good.example", "http://evil.example")).isFalse();
        assertThat(connects(validator)).isFalse();
    }

    @Test
    void theLastOriginHeaderCounts_andAnUnparseableOneRefuses() {
        Application application = new OriginValidator(ECHO, List.of("good.example"));

        assertThat(connects(application, "http://evil.example", "http://good.example")).isTrue();
        assertThat(connects(application, "http://good.example", "http://evil.example")).isFalse();
        assertThat(connects(application, "http://[::1", "http://good.example")).isFalse();
    }

    @Test
    void headerNamesMatchInAnyCase() {
        Application application = new OriginValidator(ECHO, List.of("good.example"));
        try (var client = new WebsocketCommunicator(application, "/", Headers.of("Origin", "http://good.example"), List.of())) {
            assertThat(client.connect().accepted()).isTrue();
        }
    }

    // ------------------------------------------------------------------ accept and reject

    @Test
    void allowed_runsTheApplicationWithTheSameScope() {
        List<Scope> seen = new ArrayList<>();
        Application inner = (scope, receive, send) -> {
            seen.add(scope);
            ECHO.run(scope, receive, send);
        };
        OriginValidator validator = new OriginValidator(inner, List.of("http://localhost:8000"));
        try (var client = client(validator, "http://localhost:8000")) {
            assertThat(client.connect().accepted()).isTrue();
            client.sendTo("hello");
            assertThat(client.receiveFrom()).isEqualTo("hello");
            client.disconnect();
            assertThat(seen).containsExactly(client.scope());
        }
    }

    @Test
    void rejected_closesBeforeAccept_withoutRunningTheApplication_andEndsAtDisconnect() {
        AtomicInteger runs = new AtomicInteger();
        Application inner = (scope, receive, send) -> runs.incrementAndGet();
        OriginValidator validator = new OriginValidator(inner, List.of("http://localhost:8000"));
        try (var client = client(validator, "http://evil.example")) {
            WebsocketCommunicator.ConnectResult result = client.connect();

            assertThat(result.accepted()).isFalse();
            assertThat(result.closeCode()).isEqualTo(Events.CLOSE_NORMAL);
            assertThat(client.receiveNothing()).isTrue();
            client.disconnect(); // the communicator already answered the close with a disconnect
            assertThat(client.isDone()).isTrue();
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void rejected_overRawEvents_ignoresOtherEvents_untilTheDisconnect() {
        OriginValidator validator = new OriginValidator(ECHO, List.of("localhost"));
        Scope scope = Scope.builder(Scope.WEBSOCKET).url("/ws/").scheme("ws")
                .headers(Headers.of("origin", "http://evil.example")).build();
        try (var raw = new ApplicationCommunicator(validator, scope)) {
            raw.sendInput(Events.websocketConnect());
            Message close = raw.receiveOutput();
            assertThat(close.type()).isEqualTo(Events.WEBSOCKET_CLOSE);
            raw.sendInput(Events.websocketConnect()); // a confused server: not answered twice
            raw.sendInput(Events.websocketText(Events.WEBSOCKET_RECEIVE, "ignored"));
            assertThat(raw.receiveNothing()).isTrue();
            assertThat(raw.isDone()).isFalse();
            raw.sendInput(Events.websocketDisconnect(Events.CLOSE_NORMAL));
            raw.await(Duration.ofSeconds(1));
        }
    }

    @Test
    void rejected_clientGoneBeforeConnect_endsWithoutSending() {
        OriginValidator validator = new OriginValidator(ECHO, List.of("localhost"));
        try (var raw = new ApplicationCommunicator(validator, Scope.websocket("/"))) {
            raw.sendInput(Events.websocketDisconnect(Events.CLOSE_ABNORMAL));
            raw.await(Duration.ofSeconds(1));
            assertThat(raw.receiveNothing()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Scope.HTTP, Scope.CHANNEL, "lifespan"})
    void nonWebsocketScopes_fail(String type) {
        OriginValidator validator = new OriginValidator(ECHO, List.of("*"));
        Scope scope = Scope.builder(type).url("/").build();
        try (var raw = new ApplicationCommunicator(validator, scope)) {
            assertThatThrownBy(() -> raw.await(Duration.ofSeconds(1)))
                    .cause().isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("non-WebSocket connection").hasMessageContaining(type);
        }
    }

    // ------------------------------------------------------------------ construction

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com:99999", "http://example.com:abc", "[::1", "http://[::1",
        "[1.2.3.4]", "http://[::1]x", "[V1.x]"})
    void patternsChannelsCouldNeverCompare_areRefusedUpFront(String pattern) {
        // Channels raises ValueError for them on each connection with an Origin.
        assertThatThrownBy(() -> new OriginValidator(ECHO, List.of(pattern)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(pattern);
    }

    @Test
    void nullsAreRefused_andTheListIsCopied() {
        assertThatThrownBy(() -> new OriginValidator(null, List.of("*"))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OriginValidator(ECHO, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OriginValidator(ECHO, Arrays.asList("a.example", null)))
                .isInstanceOf(NullPointerException.class);

        List<String> patterns = new ArrayList<>(List.of("a.example"));
        OriginValidator validator = new OriginValidator(ECHO, patterns);
        patterns.add("*");
        assertThat(validator.allowedOrigins()).containsExactly("a.example");
        assertThat(validator.isValidOrigin("http://b.example")).isFalse();
        assertThat(validator.application()).isSameAs(ECHO);
        assertThat(validator).hasToString("OriginValidator[a.example]");
    }
}
