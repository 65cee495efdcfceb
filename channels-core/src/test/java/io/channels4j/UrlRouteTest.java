package io.channels4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlRouteTest {

    private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    private final UrlRoute route = new UrlRoute(
            List.of("first", 2),
            orderedMap("room_name", "lobby", "page", 3, "id", ID, "digits", "42"));

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void kwarg_returnsText() {
        assertThat(route.kwarg("room_name")).isEqualTo("lobby");
        assertThat(route.kwarg("page")).isEqualTo("3");
        assertThat(route.kwarg("id")).isEqualTo(ID.toString());
    }

    @Test
    void kwargValue_returnsConvertedValue() {
        assertThat(route.kwargValue("page")).isEqualTo(3);
        assertThat(route.kwargValue("id")).isEqualTo(ID);
    }

    @Test
    void intKwarg_readsIntegerOrNumericText() {
        assertThat(route.intKwarg("page")).isEqualTo(3);
        assertThat(route.intKwarg("digits")).isEqualTo(42);
    }

    @Test
    void intKwarg_onNonNumericCapture_throws() {
        assertThatThrownBy(() -> route.intKwarg("room_name"))
                .isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> route.intKwarg("id"))
                .isInstanceOf(NumberFormatException.class);
    }

    @Test
    void missingKwarg_errorNamesItAndListsCapturedNames() {
        assertThatThrownBy(() -> route.kwarg("room"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("'room'")
                .hasMessageContaining("[room_name, page, id, digits]");
        assertThatThrownBy(() -> route.kwargValue("room")).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> route.intKwarg("room")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void arg_returnsPositionalTextByIndex() {
        assertThat(route.arg(0)).isEqualTo("first");
        assertThat(route.arg(1)).isEqualTo("2");
        assertThatThrownBy(() -> route.arg(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void empty_hasNothing() {
        assertThat(UrlRoute.empty().args()).isEmpty();
        assertThat(UrlRoute.empty().kwargs()).isEmpty();
        assertThatThrownBy(() -> UrlRoute.empty().kwarg("x"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("[]");
    }

    @Test
    void constructor_copiesCollections_andExposesThemUnmodifiable() {
        List<Object> args = new ArrayList<>(List.of("a"));
        Map<String, Object> kwargs = new LinkedHashMap<>(Map.of("k", "v"));
        UrlRoute r = new UrlRoute(args, kwargs);

        args.add("b");
        kwargs.put("k2", "v2");

        assertThat(r.args()).containsExactly("a");
        assertThat(r.kwargs()).containsOnlyKeys("k");
        assertThatThrownBy(() -> r.args().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.kwargs().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void copies_ofAnySize_answerNullLookups() {
        UrlRoute none = new UrlRoute(new ArrayList<>(), new LinkedHashMap<>());
        UrlRoute one = new UrlRoute(new ArrayList<>(List.of("a")), new LinkedHashMap<>(Map.of("k", "v")));

        for (UrlRoute r : List.of(none, one)) {
            assertThat(r.args().contains(null)).isFalse();
            assertThat(r.kwargs().containsKey(null)).isFalse();
            assertThat(r.kwargs().get(null)).isNull();
        }
        assertThatThrownBy(() -> none.args().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> none.kwargs().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> one.kwargs().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void merge_appendsInnerArgsAfterOuter_andInnerKwargsWin() {
        UrlRoute outer = new UrlRoute(List.of("o1", "o2"), orderedMap("tenant", "acme", "room_name", "outer"));
        UrlRoute inner = new UrlRoute(List.of("i1"), orderedMap("room_name", "inner", "page", 2));

        UrlRoute merged = outer.merge(inner);

        assertThat(merged.args()).containsExactly("o1", "o2", "i1");
        assertThat(merged.kwargs()).containsExactlyEntriesOf(orderedMap("tenant", "acme", "room_name", "inner", "page", 2));
        assertThat(outer.kwarg("room_name")).isEqualTo("outer");
        assertThat(inner.args()).containsExactly("i1");
    }

    @Test
    void merge_withEmpty_isEqualToSelf() {
        assertThat(route.merge(UrlRoute.empty())).isEqualTo(route);
        assertThat(UrlRoute.empty().merge(route)).isEqualTo(route);
    }
}
