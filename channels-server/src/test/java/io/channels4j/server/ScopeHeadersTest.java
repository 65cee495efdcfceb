package io.channels4j.server;

import io.channels4j.Headers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The scope's headers: Daphne's lower-casing and filtering, and what is shared across connections. */
class ScopeHeadersTest {

    private static Headers raw(String origin, String cookie) {
        // new String(...): what a parser hands over, one instance per request
        return Headers.of(new String("Host"), new String("example.com"), new String("Origin"), new String(origin),
                new String("Cookie"), new String(cookie), new String("X_Forwarded_For"), "10.0.0.1");
    }

    @Test
    void namesAreLowerCased_andUnderscoredNamesDropped() {
        Headers scope = ScopeFactory.scopeHeaders(raw("https://example.com", "sessionid=a"));

        assertThat(scope.fields()).extracting(Headers.Field::name).containsExactly("host", "origin", "cookie");
    }

    @Test
    void namesAndRepeatingValues_areShared_butCookiesAreNot() {
        Headers one = ScopeFactory.scopeHeaders(raw("https://example.com", "sessionid=secret"));
        Headers two = ScopeFactory.scopeHeaders(raw("https://example.com", "sessionid=secret"));

        for (int i = 0; i < 3; i++) {
            assertThat(two.fields().get(i).name()).isSameAs(one.fields().get(i).name());
        }
        assertThat(two.get("host")).isSameAs(one.get("host"));
        assertThat(two.get("origin")).isSameAs(one.get("origin"));
        // a cache slot would keep a session token after its connection ended
        assertThat(two.get("cookie")).isEqualTo(one.get("cookie")).isNotSameAs(one.get("cookie"));
    }

    @Test
    void headersAsTheParserHandsThemOver_areTheScopesAsTheyAre() throws Exception {
        java.nio.ByteBuffer request = java.nio.ByteBuffer.wrap(("GET /ws/ HTTP/1.1\r\nHost: example.com\r\n"
                + "Origin: https://example.com\r\nCookie: sessionid=a\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Headers parsed = RequestHeadParser.parse(request, 8192).headers();

        Headers scope = ScopeFactory.scopeHeaders(parsed);

        assertThat(scope).isSameAs(parsed); // nothing to lower-case, share or drop: no copy per connection
        assertThat(scope.fields()).extracting(Headers.Field::name).containsExactly("host", "origin", "cookie");
        assertThat(scope.get("origin")).isEqualTo("https://example.com");
    }
}
