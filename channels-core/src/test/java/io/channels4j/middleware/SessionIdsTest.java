package io.channels4j.middleware;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signed session cookie values. */
class SessionIdsTest {

    static final String SECRET = "a-test-secret-that-is-long-enough-for-hmac-sha256";

    private final SessionIds ids = new SessionIds(SECRET);

    @Test
    void signThenUnsign_roundTrips() {
        String id = SessionIds.newId();

        String cookie = ids.sign(id);

        assertThat(cookie).startsWith(id + ":").matches("[a-z0-9]{32}:[A-Za-z0-9_-]{43}");
        assertThat(ids.unsign(cookie)).isEqualTo(id);
    }

    @Test
    void signature_isTheHmacOfSaltAndId_everyTime() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        mac.update("io.channels4j.middleware.SessionMiddleware:".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String id = "abcdefghijklmnopqrstuvwxyz012345";
        String expected = id + ":" + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

        // each signature starts from the keyed, salted prototype: no state carries over between calls
        assertThat(ids.sign(id)).isEqualTo(expected);
        ids.sign(SessionIds.newId());
        assertThat(ids.sign(id)).isEqualTo(expected);
    }

    @Test
    void forgedOrForeignValues_rejected() {
        String id = SessionIds.newId();
        String cookie = ids.sign(id);
        String otherId = SessionIds.newId();
        String signature = cookie.substring(cookie.indexOf(':') + 1);

        assertThat(ids.unsign(id)).as("unsigned key").isNull();
        assertThat(ids.unsign(otherId + ":" + signature)).as("signature of another id").isNull();
        char last = cookie.charAt(cookie.length() - 1);
        assertThat(ids.unsign(cookie.substring(0, cookie.length() - 1) + (last == 'A' ? 'B' : 'A')))
                .as("altered signature").isNull();
        assertThat(ids.unsign(new SessionIds(SECRET + "x").sign(id))).as("another secret").isNull();
        assertThat(ids.unsign(":" + signature)).as("empty id").isNull();
        assertThat(ids.unsign(id + ":not base64!")).as("garbage").isNull();
        assertThat(ids.unsign("../etc:" + signature)).as("bad id characters").isNull();
    }

    @Test
    void shortSecret_rejected_messageGivesLengthNotSecret() {
        assertThatThrownBy(() -> new SessionIds("hunter2-hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes, was 15")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void toString_hidesSecret() {
        assertThat(ids.toString()).doesNotContain(SECRET);
    }

    @Test
    void randomSecret_isLongEnough_andDiffers() {
        String a = SessionIds.randomSecret();

        assertThat(new SessionIds(a).sign("k")).isNotEqualTo(new SessionIds(SessionIds.randomSecret()).sign("k"));
        assertThat(a.length()).isGreaterThanOrEqualTo(SessionIds.MIN_SECRET_BYTES);
    }
}
