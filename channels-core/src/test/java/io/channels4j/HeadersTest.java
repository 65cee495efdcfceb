package io.channels4j;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadersTest {

    private final Headers headers = Headers.of(
            "host", "example.com",
            "Set-Cookie", "a=1",
            "accept", "*/*",
            "set-cookie", "b=2");

    @Test
    void get_isCaseInsensitive_andReturnsFirstValue() {
        assertThat(headers.get("HOST")).isEqualTo("example.com");
        assertThat(headers.get("set-cookie")).isEqualTo("a=1");
        assertThat(headers.get("SET-COOKIE")).isEqualTo("a=1");
        assertThat(headers.get("missing")).isNull();
    }

    @Test
    void getAll_isCaseInsensitive_keepsOrderAndDuplicates() {
        assertThat(headers.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(headers.getAll("missing")).isEmpty();
    }

    @Test
    void getAll_resultIsUnmodifiable() {
        assertThatThrownBy(() -> headers.getAll("set-cookie").add("c=3"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void contains_isCaseInsensitive() {
        assertThat(headers.contains("Accept")).isTrue();
        assertThat(headers.contains("origin")).isFalse();
    }

    @Test
    void fields_keepOrderAndNamesAsGiven() {
        assertThat(headers.fields()).extracting(Headers.Field::name)
                .containsExactly("host", "Set-Cookie", "accept", "set-cookie");
        assertThat(headers.size()).isEqualTo(4);
        assertThat(headers.isEmpty()).isFalse();
        assertThatThrownBy(() -> headers.fields().add(new Headers.Field("x", "y")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void field_is_comparesIgnoringCase() {
        assertThat(new Headers.Field("Content-Type", "text/plain").is("content-type")).isTrue();
        assertThat(new Headers.Field("Content-Type", "text/plain").is("content-length")).isFalse();
    }

    @Test
    void field_rejectsNullNameOrValue() {
        assertThatThrownBy(() -> new Headers.Field(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Headers.Field("n", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void empty_hasNoFields() {
        assertThat(Headers.empty().isEmpty()).isTrue();
        assertThat(Headers.empty().size()).isZero();
        assertThat(Headers.of()).isEqualTo(Headers.empty());
        assertThat(Headers.of(List.of())).isSameAs(Headers.empty());
    }

    @Test
    void plus_appendsAtEnd_leavingOriginalUnchanged() {
        Headers more = headers.plus("Set-Cookie", "c=3");

        assertThat(more.getAll("set-cookie")).containsExactly("a=1", "b=2", "c=3");
        assertThat(more.size()).isEqualTo(5);
        assertThat(headers.size()).isEqualTo(4);
    }

    @Test
    void minus_removesEveryFieldOfName_ignoringCase_leavingOriginalUnchanged() {
        Headers fewer = headers.minus("SET-COOKIE");

        assertThat(fewer.contains("set-cookie")).isFalse();
        assertThat(fewer.fields()).extracting(Headers.Field::name).containsExactly("host", "accept");
        assertThat(headers.getAll("set-cookie")).hasSize(2);
    }

    @Test
    void of_rejectsOddCount() {
        assertThatThrownBy(() -> Headers.of("host", "a", "dangling"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3");
    }

    @Test
    void of_rejectsNullNameOrValue() {
        assertThatThrownBy(() -> Headers.of("host", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void ofFieldList_copiesTheList() {
        List<Headers.Field> source = new ArrayList<>(List.of(new Headers.Field("a", "1")));
        Headers copy = Headers.of(source);

        source.add(new Headers.Field("b", "2"));

        assertThat(copy.size()).isEqualTo(1);
    }

    @Test
    void fromPairs_readsStringPairs() {
        Headers h = Headers.fromPairs(List.of(List.of("host", "a.example"), List.of("origin", "http://a.example")));

        assertThat(h.get("host")).isEqualTo("a.example");
        assertThat(h.get("origin")).isEqualTo("http://a.example");
    }

    @Test
    void fromPairs_readsBytePairsAsIso88591() {
        byte[] name = "x-name".getBytes(StandardCharsets.ISO_8859_1);
        byte[] value = {(byte) 'c', (byte) 0xE9, (byte) 0xFF};

        Headers h = Headers.fromPairs(List.of(List.of(name, value)));

        assertThat(h.get("X-Name")).isEqualTo("c\u00e9\u00ff");
    }

    @Test
    void fromPairs_nullOrEmpty_isEmpty() {
        assertThat(Headers.fromPairs(null)).isSameAs(Headers.empty());
        assertThat(Headers.fromPairs(List.of())).isSameAs(Headers.empty());
    }

    @Test
    void fromPairs_fromAMessage_roundTripsThroughToPairs() {
        Message event = Message.of("headers", headers.toPairs());

        Headers back = Headers.fromPairs(event.getList("headers"));

        assertThat(back).isEqualTo(headers);
        assertThat(back.hashCode()).isEqualTo(headers.hashCode());
    }

    @Test
    void toPairs_roundTrip_keepsOrderDuplicatesAndCase() {
        List<List<String>> pairs = headers.toPairs();

        assertThat(pairs).containsExactly(
                List.of("host", "example.com"),
                List.of("Set-Cookie", "a=1"),
                List.of("accept", "*/*"),
                List.of("set-cookie", "b=2"));
        assertThat(Headers.fromPairs(pairs)).isEqualTo(headers);
    }

    @Test
    void fromPairs_rejectsPairOfWrongSize_showingIt() {
        assertThatThrownBy(() -> Headers.fromPairs(List.of(List.of("only-name"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[name, value]")
                .hasMessageContaining("only-name");
    }

    @Test
    void fromPairs_rejectsNonListElement() {
        assertThatThrownBy(() -> Headers.fromPairs(List.of("host: x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host: x");
    }

    @Test
    void fromPairs_rejectsNonTextNameOrValue_namingType() {
        assertThatThrownBy(() -> Headers.fromPairs(List.of(List.of("content-length", 12))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
        List<Object> withNull = new ArrayList<>();
        withNull.add("x");
        withNull.add(null);
        assertThatThrownBy(() -> Headers.fromPairs(List.of(withNull)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void equals_dependsOnOrder() {
        assertThat(Headers.of("a", "1", "b", "2")).isNotEqualTo(Headers.of("b", "2", "a", "1"));
        assertThat(Headers.of("a", "1")).isEqualTo(Headers.of("a", "1"));
    }

    @Test
    void toString_listsFieldsLowerCased() {
        assertThat(Headers.of("Host", "x", "Accept", "y").toString()).isEqualTo("Headers[host: x, accept: y]");
    }
}
