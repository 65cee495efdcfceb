package io.channels4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void parse_readsTutorialMessage() {
        JsonNode node = Json.parse("{\"message\": \"hello\"}");

        assertThat(node.get("message").asText()).isEqualTo("hello");
    }

    @Test
    void parse_readsScalarsAndArrays() {
        assertThat(Json.parse("[1, 2, 3]").size()).isEqualTo(3);
        assertThat(Json.parse("42").asInt()).isEqualTo(42);
        assertThat(Json.parse("\"s\"").asText()).isEqualTo("s");
        assertThat(Json.parse("null").isNull()).isTrue();
    }

    @Test
    void stringifyThenParse_roundTrips() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("message", "h\u00e9llo \"quoted\" \u20ac");
        value.put("n", 3);
        value.put("list", List.of(true, 1.5, "x"));
        value.put("nested", Map.of("k", "v"));
        value.put("none", null);

        String text = Json.stringify(value);
        JsonNode node = Json.parse(text);

        assertThat(node.get("message").asText()).isEqualTo("h\u00e9llo \"quoted\" \u20ac");
        assertThat(node.get("n").asInt()).isEqualTo(3);
        assertThat(node.get("list").get(0).asBoolean()).isTrue();
        assertThat(node.get("list").get(1).asDouble()).isEqualTo(1.5);
        assertThat(node.get("nested").get("k").asText()).isEqualTo("v");
        assertThat(node.get("none").isNull()).isTrue();
        assertThat(Json.stringify(node)).isEqualTo(text);
    }

    @Test
    void stringify_keepsMapOrder() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", 1);
        value.put("a", 2);

        assertThat(Json.stringify(value)).isEqualTo("{\"b\":1,\"a\":2}");
    }

    @Test
    void stringify_mapsOfStrings_writeExactlyWhatTheDataBinderWrites() throws Exception {
        // the flat fast path must not change a byte: escapes, control characters, non-ASCII,
        // lone surrogates, null values, order
        Random random = new Random(8);
        char[] alphabet = "aZ09 \"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u0080\u00e9\u2028\u2603\ud83d\ude00\ud800<>&'".toCharArray();
        for (int i = 0; i < 2_000; i++) {
            Map<String, Object> map = new LinkedHashMap<>();
            int entries = random.nextInt(4);
            for (int e = 0; e < entries; e++) {
                map.put(randomText(random, alphabet), random.nextInt(5) == 0 ? null : randomText(random, alphabet));
            }
            assertThat(Json.stringify(map)).isEqualTo(Json.mapper().writeValueAsString(map));
        }
        assertThat(Json.stringify(Map.of("message", "hi \"there\"\n"))).isEqualTo("{\"message\":\"hi \\\"there\\\"\\n\"}");
    }

    @Test
    void stringify_mapsWithOtherValues_stillGoThroughTheDataBinder() throws Exception {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("message", "hi");
        map.put("count", 3);
        map.put("nested", Map.of("a", List.of(1, 2)));
        assertThat(Json.stringify(map)).isEqualTo("{\"message\":\"hi\",\"count\":3,\"nested\":{\"a\":[1,2]}}");
    }

    private static String randomText(Random random, char[] alphabet) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            s.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return s.toString();
    }

    @Test
    void stringify_writesRecords() {
        record Chat(String message, int count) {
        }

        assertThat(Json.stringify(new Chat("hi", 2))).isEqualTo("{\"message\":\"hi\",\"count\":2}");
    }

    @Test
    void stringify_unserializableValue_throwsNamingType() {
        Object bean = new Object();

        assertThatThrownBy(() -> Json.stringify(bean))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"message\": }", "not json", "{'single': 1}", "[1, 2"})
    void parse_invalidJson_throwsInvalidJsonException(String text) {
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(Json.InvalidJsonException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON: ")
                .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void parse_emptyText_isRejected(String text) {
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(Json.InvalidJsonException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void parse_trailingGarbage_isRejected() {
        assertThatThrownBy(() -> Json.parse("{\"message\": \"hi\"} trailing"))
                .isInstanceOf(Json.InvalidJsonException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\": 1}{\"b\": 2}"))
                .isInstanceOf(Json.InvalidJsonException.class);
    }

    @Test
    void mapper_isShared() {
        assertThat(Json.mapper()).isSameAs(Json.mapper());
    }
}
