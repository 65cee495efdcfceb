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
}
