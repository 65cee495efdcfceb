package io.channels4j.middleware;

import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.testing.HttpCommunicator;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class CookieMiddlewareTest {

    private static final Clock NEW_YEAR = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Message START = Events.httpResponseStart(200, Headers.of("content-type", "text/plain"));

    private static Map<String, String> parse(String header) {
        return CookieMiddleware.parseCookies(Headers.of("cookie", header));
    }

    private static List<String> setCookies(Message responseStart) {
        return Headers.fromPairs(responseStart.getList("headers")).getAll("set-cookie");
    }

    // ------------------------------------------------------------ parsing, Django's parse_cookie cases

    @Test
    void parse_simplePairs() {
        assertThat(parse("chips=ahoy; vienna=finger")).containsExactly(entry("chips", "ahoy"), entry("vienna", "finger"));
    }

    @Test
    void parse_quotedValueWithSemicolons_splitsLikeDjango() {
        assertThat(parse("keebler=\"E=mc2; L=\\\"Loves\\\"; fudge=\\012;\"")).containsExactly(
                entry("keebler", "\"E=mc2"), entry("L", "\\\"Loves\\\""), entry("fudge", "\\012"), entry("", "\""));
    }

    @Test
    void parse_firstEqualsSplits_colonsAllowed() {
        assertThat(parse("keebler=E=mc2")).containsExactly(entry("keebler", "E=mc2"));
        assertThat(parse("key:term=value:term")).containsExactly(entry("key:term", "value:term"));
        assertThat(parse("a=b; c=[; d=r; f=h")).containsExactly(entry("a", "b"), entry("c", "["), entry("d", "r"),
                entry("f", "h"));
    }

    @Test
    void parse_attributeNamesAreJustCookies_laterDuplicateWins() {
        assertThat(parse("a=b; Domain=example.com")).containsExactly(entry("a", "b"), entry("Domain", "example.com"));
        assertThat(parse("a=b; h=i; a=c")).containsExactly(entry("a", "c"), entry("h", "i"));
    }

    @Test
    void parse_chunkWithoutEquals_isValueWithEmptyName() {
        assertThat(parse("a=b; =c; d")).containsExactly(entry("a", "b"), entry("", "d"));
        assertThat(parse("lone")).containsExactly(entry("", "lone"));
        assertThat(parse("")).isEmpty();
    }

    @Test
    void parse_stripsAndUnquotesOctalAndBackslashEscapes() {
        assertThat(parse("  a = \" b\\054c \" ; ")).containsExactly(entry("a", " b,c "));
        assertThat(parse("x=\"\\\"q\\\\\"")).containsExactly(entry("x", "\"q\\"));
        assertThat(parse("a=\"\\351t\\x\"")).containsExactly(entry("a", "\u00e9tx"));
    }

    @Test
    void parse_severalCookieHeaders_readAsOne() {
        Map<String, String> cookies = CookieMiddleware.parseCookies(Headers.of("cookie", "a=1", "Cookie", "b=2"));

        assertThat(cookies).containsExactly(entry("a", "1"), entry("b", "2"));
    }

    @Test
    void parsedMap_isUnmodifiable() {
        assertThatThrownBy(() -> parse("a=1").put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------ the middleware

    @Test
    void websocketScope_getsCookies() {
        AtomicReference<Scope> seen = new AtomicReference<>();
        CookieMiddleware app = new CookieMiddleware((scope, receive, send) -> {
            seen.set(scope);
            send.send(Events.websocketAccept(null, null));
        });
        try (var ws = new WebsocketCommunicator(app, "/ws/", Headers.of("cookie", "theme=dark; lang=fi"), List.of())) {
            assertThat(ws.connect().accepted()).isTrue();
        }

        assertThat(seen.get().cookies()).containsExactly(entry("theme", "dark"), entry("lang", "fi"));
        assertThat(seen.get().attribute(CookieMiddleware.COOKIES)).isEqualTo(seen.get().cookies());
    }

    @Test
    void noCookieHeader_givesEmptyMap() throws Exception {
        AtomicReference<Scope> seen = new AtomicReference<>();
        new CookieMiddleware((scope, receive, send) -> seen.set(scope)).run(Scope.http("GET", "/"), () -> null, m -> { });

        assertThat(seen.get().hasAttribute("cookies")).isTrue();
        assertThat(seen.get().cookies()).isEmpty();
    }

    @Test
    void channelScope_rejected() {
        Scope worker = Scope.builder(Scope.CHANNEL).channel("thumbnails").build();

        assertThatThrownBy(() -> new CookieMiddleware((s, r, w) -> { }).run(worker, () -> null, m -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel scope");
    }

    @Test
    void httpConsumerSetsCookie_throughCommunicator() {
        CookieMiddleware app = new CookieMiddleware((scope, receive, send) -> {
            receive.receive();
            String visits = scope.cookies().getOrDefault("visits", "0");
            send.send(CookieMiddleware.setCookie(START, "visits", String.valueOf(Integer.parseInt(visits) + 1)));
            send.send(Events.httpResponseBody(new byte[0], false));
        });

        var response = new HttpCommunicator(app, "GET", "/", new byte[0], Headers.of("cookie", "visits=41"))
                .getResponse();

        assertThat(response.headers().getAll("set-cookie")).containsExactly("visits=42; Path=/; SameSite=Lax");
        assertThat(response.headers().get("content-type")).isEqualTo("text/plain");
    }

    // ------------------------------------------------------------ set_cookie / delete_cookie

    @Test
    void setCookie_defaults_pathAndSameSiteLax_noExpiry() {
        Message out = CookieMiddleware.setCookie(START, "theme", "dark");

        assertThat(setCookies(out)).containsExactly("theme=dark; Path=/; SameSite=Lax");
        assertThat(START.getList("headers")).hasSize(1); // the input is unchanged
    }

    @Test
    void setCookie_everyAttribute_inPythonOrder() {
        CookieOptions options = CookieOptions.defaults().maxAge(Duration.ofHours(1)).path("/app").domain("example.com")
                .secure(true).httpOnly(true).sameSite("Strict");

        Message out = CookieMiddleware.setCookie(START, "sid", "abc", options, NEW_YEAR);

        assertThat(setCookies(out)).containsExactly("sid=abc; Domain=example.com; expires=Mon, 01 Jan 2024 01:00:00 GMT; "
                + "HttpOnly; Max-Age=3600; Path=/app; SameSite=Strict; Secure");
    }

    @Test
    void setCookie_expiresOnly_computesMaxAge() {
        CookieOptions options = CookieOptions.defaults().expires(Instant.parse("2024-01-02T00:00:00.500Z"));

        Message out = CookieMiddleware.setCookie(START, "a", "b", options, NEW_YEAR);

        assertThat(setCookies(out)).containsExactly("a=b; expires=Tue, 02 Jan 2024 00:00:00 GMT; Max-Age=86401; Path=/; "
                + "SameSite=Lax");
    }

    @Test
    void setCookie_expiresInThePast_maxAgeZero() {
        Message out = CookieMiddleware.setCookie(START, "a", "b",
                CookieOptions.defaults().expires(Instant.parse("2023-12-31T00:00:00Z")), NEW_YEAR);

        assertThat(setCookies(out).get(0)).contains("Max-Age=0");
    }

    @Test
    void setCookie_nullPathAndSameSite_leftOut() {
        Message out = CookieMiddleware.setCookie(START, "a", null, CookieOptions.defaults().path(null).sameSite(null));

        assertThat(setCookies(out)).containsExactly("a=");
    }

    @Test
    void setCookie_specialCharacters_quotedAsPythonDoes() {
        Message out = CookieMiddleware.setCookie(START, "n", "a b,c;d\"e\\f\u00e9",
                CookieOptions.defaults().path(null).sameSite(null));

        assertThat(setCookies(out)).containsExactly("n=\"a b\\054c\\073d\\\"e\\\\f\\351\"");
        assertThat(parse(setCookies(out).get(0))).containsEntry("n", "a b,c;d\"e\\f\u00e9");
    }

    @Test
    void setCookie_nonLatinValue_sentAsUtf8Bytes() {
        Message out = CookieMiddleware.setCookie(START, "n", "\u4e2d", CookieOptions.defaults().path(null).sameSite(null));

        String headerChars = setCookies(out).get(0);
        assertThat(headerChars.chars()).allMatch(c -> c <= 0xFF);
        assertThat(new String(headerChars.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("n=\"\u4e2d\"");
    }

    @Test
    void setCookie_keepsExistingHeadersAndAppends() {
        Message once = CookieMiddleware.setCookie(START, "a", "1");
        Message twice = CookieMiddleware.setCookie(once, "b", "2");

        assertThat(Headers.fromPairs(twice.getList("headers")).fields()).extracting(Headers.Field::name)
                .containsExactly("content-type", "Set-Cookie", "Set-Cookie");
        assertThat(setCookies(twice)).hasSize(2);
    }

    @Test
    void deleteCookie_emptyValue_maxAgeZero_epochExpires() {
        assertThat(setCookies(CookieMiddleware.deleteCookie(START, "sessionid")))
                .containsExactly("sessionid=; expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax");
    }

    @Test
    void deleteCookie_withPathDomainAndSecure() {
        CookieOptions options = CookieOptions.defaults().path("/app").domain(".example.com").secure(true)
                .sameSite("None").maxAge(Duration.ofDays(1));

        assertThat(setCookies(CookieMiddleware.deleteCookie(START, "sid", options))).containsExactly(
                "sid=; Domain=.example.com; expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/app; "
                        + "SameSite=None; Secure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a;b", "a=b", "caf\u00e9", "Expires", "path", "SameSite"})
    void setCookie_illegalOrReservedName_rejected(String name) {
        assertThatThrownBy(() -> CookieMiddleware.setCookie(START, name, "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cookie name");
    }

    @Test
    void setCookie_onOtherEvent_rejected() {
        assertThatThrownBy(() -> CookieMiddleware.setCookie(Events.httpResponseBody(new byte[0], false), "a", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http.response.start").hasMessageContaining("http.response.body");
    }

    @Test
    void cookieOptions_validateSameSiteAndMaxAge() {
        assertThat(CookieOptions.defaults().sameSite("strict").sameSite()).isEqualTo("strict");
        assertThatThrownBy(() -> CookieOptions.defaults().sameSite("sometimes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sometimes'");
        assertThatThrownBy(() -> CookieOptions.defaults().maxAge(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    @Test
    void cookieOptions_defaults() {
        CookieOptions d = CookieOptions.defaults();

        assertThat(d).isEqualTo(new CookieOptions(null, null, "/", null, false, false, "Lax"));
    }
}
