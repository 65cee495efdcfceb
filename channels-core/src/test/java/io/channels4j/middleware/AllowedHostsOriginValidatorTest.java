package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Headers;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.testing.WebsocketCommunicator;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AllowedHostsOriginValidator}: Django {@code ALLOWED_HOSTS} patterns as origin checks,
 * and the development default. Expectations checked against Channels 4.0.0's
 * {@code AllowedHostsOriginValidator} (with {@code DEBUG=True, ALLOWED_HOSTS=[]} for the default)
 * and {@code OriginValidator}.
 */
class AllowedHostsOriginValidatorTest {

    private static final Application ECHO =
            Consumer.asApplication(OriginValidatorTest.EchoConsumer::new, new ChannelLayers());

    private static boolean connects(Application application, String origin) {
        Headers headers = origin == null ? Headers.empty() : Headers.of("origin", origin);
        try (var client = new WebsocketCommunicator(application, "/ws/chat/lobby/", headers, List.of())) {
            boolean accepted = client.connect().accepted();
            client.disconnect();
            return accepted;
        }
    }

    // ------------------------------------------------------------------ the development default

    static Stream<Arguments> developmentCases() {
        return Stream.of(
                allowed("http://localhost:8000"),
                allowed("http://127.0.0.1:8000"),
                allowed("http://[::1]:8000"),
                allowed("https://localhost"),
                allowed("http://LOCALHOST:3000"),
                rejected("http://evil.com"),
                rejected("http://localhost.evil.com"),
                rejected("http://127.0.0.2:8000"),
                rejected("http://[::2]:8000"),
                rejected("http://0.0.0.0:8000"),
                rejected("null"),
                rejected(""),
                rejected(null));
    }

    private static Arguments allowed(String origin) {
        return Arguments.of(origin, true);
    }

    private static Arguments rejected(String origin) {
        return Arguments.of(origin, false);
    }

    @ParameterizedTest(name = "[{index}] origin ''{0}'' -> {1}")
    @MethodSource("developmentCases")
    void developmentDefault_allowsLocalPagesOnly(String origin, boolean expected) {
        AllowedHostsOriginValidator validator = new AllowedHostsOriginValidator(ECHO);

        assertThat(validator.allowedHosts()).containsExactly("localhost", "127.0.0.1", "[::1]");
        assertThat(validator.isValidOrigin(origin)).isEqualTo(expected);
        assertThat(connects(validator, origin)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ ALLOWED_HOSTS patterns

    static Stream<Arguments> hostCases() {
        return Stream.of(
                allowed("example.com", "https://example.com", "exact host"),
                allowed("example.com", "http://example.com:8000", "any port, as Django strips it"),
                allowed("example.com", "ws://example.com", "any scheme"),
                rejected("example.com", "http://www.example.com", "no subdomains without the dot"),
                allowed("example.com", "http://EXAMPLE.com", "case-insensitive"),
                allowed("Example.COM", "http://example.com", "pattern case-insensitive"),
                allowed(".example.com", "https://example.com", "leading dot: the domain"),
                allowed(".example.com", "https://chat.example.com", "leading dot: a subdomain"),
                allowed(".example.com", "https://a.b.example.com:8443", "leading dot: deeper subdomain, any port"),
                rejected(".example.com", "https://notexample.com", "leading dot: not a suffix match"),
                rejected(".example.com", "https://example.com.evil.org", "leading dot: not a prefix match"),
                allowed("*", "https://evil.org", "star"),
                allowed("*", null, "star allows no Origin"),
                rejected("example.com", null, "no Origin"),
                rejected("example.com", "null", "null origin"),
                rejected("*.example.com", "https://chat.example.com", "no glob wildcards"),
                rejected("example.com:8000", "http://example.com:8000", "a port in the pattern matches nothing"),
                rejected("example.com.", "http://example.com", "trailing dot kept, as Channels passes it on"),
                allowed("[::1]", "http://[::1]:8000", "IPv6"),
                allowed("192.168.1.10", "http://192.168.1.10:8000", "IPv4"),
                rejected("192.168.1.10", "http://192.168.1.100", "IPv4 exact"));
    }

    private static Arguments allowed(String host, String origin, String why) {
        return Arguments.of(host, origin, true, why);
    }

    private static Arguments rejected(String host, String origin, String why) {
        return Arguments.of(host, origin, false, why);
    }

    @ParameterizedTest(name = "[{index}] {3}: host ''{0}'', origin ''{1}'' -> {2}")
    @MethodSource("hostCases")
    void allowedHosts_matchAsChannelsDoes(String host, String origin, boolean expected, String why) {
        AllowedHostsOriginValidator validator = new AllowedHostsOriginValidator(ECHO, List.of(host));

        assertThat(validator.isValidOrigin(origin)).as(why).isEqualTo(expected);
        assertThat(connects(validator, origin)).as(why + ", over a handshake").isEqualTo(expected);
    }

    @Test
    void anEmptyList_allowsNothing_likeDjangoWithoutDebug() {
        AllowedHostsOriginValidator validator = new AllowedHostsOriginValidator(ECHO, List.of());

        assertThat(connects(validator, "http://localhost:8000")).isFalse();
        assertThat(connects(validator, null)).isFalse();
    }

    @Test
    void crossSiteHijacking_isRejected_sameSiteIsAccepted() {
        Application application = new AllowedHostsOriginValidator(ECHO, List.of("chat.example.com"));
        try (var victim = new WebsocketCommunicator(application, "/ws/chat/lobby/",
                Headers.of("origin", "https://evil.example", "cookie", "sessionid=stolen"), List.of())) {
            WebsocketCommunicator.ConnectResult result = victim.connect();
            assertThat(result.accepted()).isFalse();
            victim.disconnect();
        }
        try (var user = new WebsocketCommunicator(application, "/ws/chat/lobby/",
                Headers.of("origin", "https://chat.example.com", "cookie", "sessionid=mine"), List.of())) {
            assertThat(user.connect().accepted()).isTrue();
            user.sendTo("hi");
            assertThat(user.receiveFrom()).isEqualTo("hi");
            user.disconnect();
        }
    }

    @Test
    void isAnOriginValidator_withTheHostsAsPatterns() {
        AllowedHostsOriginValidator validator = new AllowedHostsOriginValidator(ECHO, List.of("a.example", ".b.example"));

        assertThat(validator).isInstanceOf(OriginValidator.class);
        assertThat(validator.allowedHosts()).containsExactly("a.example", ".b.example");
        assertThat(validator.allowedOrigins()).isEqualTo(validator.allowedHosts());
        assertThat(AllowedHostsOriginValidator.DEVELOPMENT_HOSTS).containsExactly("localhost", "127.0.0.1", "[::1]");
        assertThat(validator).hasToString("AllowedHostsOriginValidator[a.example, .b.example]");
        assertThatThrownBy(() -> new AllowedHostsOriginValidator(ECHO, List.of("[::1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AllowedHostsOriginValidator(ECHO, null)).isInstanceOf(NullPointerException.class);
    }
}
