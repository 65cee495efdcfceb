package io.channels4j.server;

import io.channels4j.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The scope's headers: Daphne's lower-casing and filtering, and what is shared across connections. */
class ScopeHeadersTest {

    /** The headers of a request as the server parses them, one parse per request. */
    private static Headers raw(String origin, String cookie) throws BadRequestException {
        return parsed("GET /ws/ HTTP/1.1\r\nHost: example.com\r\nOrigin: " + origin + "\r\nCookie: " + cookie
                + "\r\nX_Forwarded_For: 10.0.0.1\r\n\r\n");
    }

    private static Headers parsed(String request) throws BadRequestException {
        return RequestHeadParser.parse(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)), 8192).headers();
    }

    @Test
    void namesAreLowerCased_andUnderscoredNamesDropped() throws Exception {
        Headers scope = ScopeFactory.scopeHeaders(raw("https://example.com", "sessionid=a"));

        assertThat(scope.fields()).extracting(Headers.Field::name).containsExactly("host", "origin", "cookie");
    }

    @Test
    void namesAndRepeatingValues_areShared_butCookiesAreNot() throws Exception {
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
        Headers parsed = parsed("GET /ws/ HTTP/1.1\r\nHost: example.com\r\n"
                + "Origin: https://example.com\r\nCookie: sessionid=a\r\n\r\n");

        Headers scope = ScopeFactory.scopeHeaders(parsed);

        assertThat(scope).isSameAs(parsed); // nothing to lower-case, share or drop: no copy per connection
        assertThat(scope.fields()).extracting(Headers.Field::name).containsExactly("host", "origin", "cookie");
        assertThat(scope.get("origin")).isEqualTo("https://example.com");
    }
}
