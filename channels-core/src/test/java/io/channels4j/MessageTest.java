package io.channels4j;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageTest {

    @Nested
    class Building {

        @Test
        void of_keepsKeysInOrderAndTypeIsReadable() {
            Message m = Message.of("type", "chat.message", "message", "hello", "n", 3L);

            assertThat(m.type()).isEqualTo("chat.message");
            assertThat(m.keys()).containsExactly("type", "message", "n");
            assertThat(m.size()).isEqualTo(3);
            assertThat(m.getString("message")).isEqualTo("hello");
        }

        @Test
        void of_withNoArguments_isEmpty() {
            Message m = Message.of();

            assertThat(m.size()).isZero();
            assertThat(m.type()).isNull();
        }

        @Test
        void from_copiesMapInIterationOrder() {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("type", "x.y");
            source.put("b", 1);
            source.put("a", "z");

            Message m = Message.from(source);

            assertThat(m.keys()).containsExactly("type", "b", "a");
            assertThat(m.get("b")).isEqualTo(1L);
            assertThat(m).isEqualTo(Message.of("type", "x.y", "b", 1L, "a", "z"));
        }

        @Test
        void from_emptyMap_isEmptyMessage() {
            assertThat(Message.from(Map.of()).size()).isZero();
            assertThat(Message.from(Map.of())).isEqualTo(Message.of());
        }

        @Test
        void from_rejectsNullMap() {
            assertThatThrownBy(() -> Message.from(null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void builder_withType_setsTypeFirst() {
            Message m = Message.builder("chat.message").put("text", "hi").build();

            assertThat(m.keys()).containsExactly("type", "text");
            assertThat(m.type()).isEqualTo("chat.message");
        }

        @Test
        void builder_withoutType_hasNoType() {
            Message m = Message.builder().put("text", "hi").build();

            assertThat(m.has("type")).isFalse();
            assertThat(m.type()).isNull();
        }

        @Test
        void builder_rejectsNullType() {
            assertThatThrownBy(() -> Message.builder(null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void builder_putIfNotNull_skipsNullButPutKeepsNull() {
            Message m = Message.builder("t").putIfNotNull("absent", null).put("present", null).build();

            assertThat(m.has("absent")).isFalse();
            assertThat(m.has("present")).isTrue();
            assertThat(m.get("present")).isNull();
        }

        @Test
        void builder_putSameKeyTwice_lastWins() {
            Message m = Message.builder().put("k", 1).put("k", 2).build();

            assertThat(m.getLong("k")).isEqualTo(2L);
        }

        @Test
        void builder_buildTwice_givesIndependentMessages() {
            Message.Builder b = Message.builder("t").put("a", 1);
            Message first = b.build();
            b.put("b", 2);
            Message second = b.build();

            assertThat(first.has("b")).isFalse();
            assertThat(second.has("b")).isTrue();
        }

        @Test
        void builder_rejectsUnsupportedValueImmediately() {
            Message.Builder b = Message.builder("t");

            assertThatThrownBy(() -> b.put("when", Instant.EPOCH))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'when'")
                    .hasMessageContaining("java.time.Instant");
        }

        @Test
        void of_rejectsOddArgumentCount_sayingHowMany() {
            assertThatThrownBy(() -> Message.of("type", "x", "dangling"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("odd")
                    .hasMessageContaining("3");
        }

        @Test
        void of_rejectsDuplicateKey_namingIt() {
            assertThatThrownBy(() -> Message.of("type", "x", "a", 1, "a", 2))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'a'")
                    .hasMessageContaining("twice");
        }

        @Test
        void of_rejectsNonStringKey_namingPositionAndType() {
            assertThatThrownBy(() -> Message.of("type", "x", 42, "v"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("argument 2")
                    .hasMessageContaining("java.lang.Integer");
        }

        @Test
        void of_rejectsNullKey() {
            assertThatThrownBy(() -> Message.of(null, "v"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("null");
        }

        @Test
        void from_rejectsNonStringKeySmuggledThroughRawMap() {
            Map<Object, Object> raw = new HashMap<>();
            raw.put(7, "v");
            @SuppressWarnings("unchecked")
            Map<String, ?> smuggled = (Map<String, ?>) (Map<?, ?>) raw;

            assertThatThrownBy(() -> Message.from(smuggled))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("java.lang.Integer");
        }
    }

    @Nested
    class ValueTypes {

        @Test
        void acceptsEveryAllowedType() {
            byte[] bytes = {1, 2, 3};
            Message m = Message.of(
                    "null", null,
                    "bool", true,
                    "long", 5L,
                    "double", 2.5,
                    "string", "s",
                    "bytes", bytes,
                    "list", List.of(1L, "two"),
                    "map", Map.of("k", "v"));

            assertThat(m.has("null")).isTrue();
            assertThat(m.get("null")).isNull();
            assertThat(m.get("bool")).isEqualTo(Boolean.TRUE);
            assertThat(m.get("long")).isEqualTo(5L);
            assertThat(m.get("double")).isEqualTo(2.5);
            assertThat(m.get("string")).isEqualTo("s");
            assertThat(m.getBytes("bytes")).containsExactly(1, 2, 3);
            assertThat(m.getList("list")).containsExactly(1L, "two");
            assertThat(m.getMap("map")).containsExactlyEntriesOf(Map.of("k", "v"));
        }

        @Test
        void acceptsDeeplyNestedListsAndMaps() {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("bytes", new byte[] {9});
            inner.put("list", List.of(List.of(Map.of("deep", 1))));
            Message m = Message.of("outer", List.of(inner, List.of()));

            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) m.getList("outer").get(0);
            assertThat((byte[]) first.get("bytes")).containsExactly(9);
            @SuppressWarnings("unchecked")
            List<Object> level1 = (List<Object>) first.get("list");
            @SuppressWarnings("unchecked")
            List<Object> level2 = (List<Object>) level1.get(0);
            @SuppressWarnings("unchecked")
            Map<String, Object> deepest = (Map<String, Object>) level2.get(0);
            assertThat(deepest.get("deep")).isEqualTo(1L);
        }

        @Test
        void normalisesIntShortByteToLong() {
            Message m = Message.of("i", 1, "s", (short) 2, "b", (byte) 3, "l", 4L);

            assertThat(m.get("i")).isInstanceOf(Long.class).isEqualTo(1L);
            assertThat(m.get("s")).isInstanceOf(Long.class).isEqualTo(2L);
            assertThat(m.get("b")).isInstanceOf(Long.class).isEqualTo(3L);
            assertThat(m.get("l")).isInstanceOf(Long.class).isEqualTo(4L);
        }

        @Test
        void normalisesFloatToDouble() {
            Message m = Message.of("f", 1.5f, "d", 2.5);

            assertThat(m.get("f")).isInstanceOf(Double.class).isEqualTo(1.5);
            assertThat(m.get("d")).isInstanceOf(Double.class).isEqualTo(2.5);
        }

        @Test
        void normalisesNumbersInsideNestedCollections() {
            Message m = Message.of("list", List.of(1, 2.5f), "map", Map.of("n", (short) 7));

            assertThat(m.getList("list")).containsExactly(1L, 2.5);
            assertThat(m.getMap("map").get("n")).isEqualTo(7L);
        }

        @Test
        void integerAndLongBuildEqualMessages() {
            assertThat(Message.of("n", 1)).isEqualTo(Message.of("n", 1L));
            assertThat(Message.of("n", 1).hashCode()).isEqualTo(Message.of("n", 1L).hashCode());
        }

        static Stream<Arguments> unsupportedValues() {
            return Stream.of(
                    Arguments.of(Instant.EPOCH, "java.time.Instant"),
                    Arguments.of(UUID.randomUUID(), "java.util.UUID"),
                    Arguments.of(new Object(), "java.lang.Object"),
                    Arguments.of(Set.of("a"), "Set"),
                    Arguments.of('c', "java.lang.Character"),
                    Arguments.of(new java.math.BigDecimal("1.5"), "java.math.BigDecimal"));
        }

        @ParameterizedTest
        @MethodSource("unsupportedValues")
        void of_rejectsUnsupportedValueType_namingKeyAndType(Object value, String typeName) {
            assertThatThrownBy(() -> Message.of("type", "x", "payload", value))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'payload'")
                    .hasMessageContaining(typeName);
        }

        @Test
        void from_rejectsUnsupportedValueType_namingKeyAndType() {
            assertThatThrownBy(() -> Message.from(Map.of("when", Instant.EPOCH)))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'when'")
                    .hasMessageContaining("java.time.Instant");
        }

        @Test
        void rejectsMapWithIntegerKeys_namingPathAndKeyType() {
            assertThatThrownBy(() -> Message.of("counts", Map.of(1, "one")))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'counts'")
                    .hasMessageContaining("java.lang.Integer")
                    .hasMessageContaining("String");
        }

        @Test
        void rejectsBadValueInsideList_namingIndexedPath() {
            assertThatThrownBy(() -> Message.of("items", List.of("ok", "ok", UUID.randomUUID())))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'items[2]'")
                    .hasMessageContaining("java.util.UUID");
        }

        @Test
        void rejectsBadValueInsideMap_namingDottedPath() {
            assertThatThrownBy(() -> Message.of("user", Map.of("since", Instant.EPOCH)))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'user.since'")
                    .hasMessageContaining("java.time.Instant");
        }

        @Test
        void rejectsBadValueDeepInside_namingFullPath() {
            Object value = Map.of("rows", List.of(Map.of("id", new Object())));

            assertThatThrownBy(() -> Message.of("data", value))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'data.rows[0].id'")
                    .hasMessageContaining("java.lang.Object");
        }

        @Test
        void with_rejectsUnsupportedValueType() {
            Message m = Message.of("type", "x");

            assertThatThrownBy(() -> m.with("id", UUID.randomUUID()))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'id'")
                    .hasMessageContaining("java.util.UUID");
        }
    }

    @Nested
    class Immutability {

        @Test
        void mutatingSourceMapAfterFrom_doesNotChangeMessage() {
            Map<String, Object> source = new HashMap<>();
            source.put("a", 1);
            Message m = Message.from(source);

            source.put("a", 2);
            source.put("b", 3);

            assertThat(m.getLong("a")).isEqualTo(1L);
            assertThat(m.has("b")).isFalse();
        }

        @Test
        void mutatingSourceListAfterBuild_doesNotChangeMessage() {
            List<Object> list = new ArrayList<>(List.of("a"));
            Map<String, Object> nested = new HashMap<>(Map.of("k", "v"));
            Message m = Message.of("list", list, "map", nested);

            list.add("b");
            nested.put("k", "changed");

            assertThat(m.getList("list")).containsExactly("a");
            assertThat(m.getMap("map")).containsEntry("k", "v");
        }

        @Test
        void mutatingSourceBytesAfterBuild_doesNotChangeMessage() {
            byte[] source = {1, 2, 3};
            Message m = Message.of("bytes", source);

            source[0] = 99;

            assertThat(m.getBytes("bytes")).containsExactly(1, 2, 3);
        }

        @Test
        void mutatingBytesNestedInListAfterBuild_doesNotChangeMessage() {
            byte[] source = {1};
            Message m = Message.of("chunks", List.of(source));

            source[0] = 99;

            assertThat((byte[]) m.getList("chunks").get(0)).containsExactly(1);
        }

        @Test
        void getBytes_returnsACopy() {
            Message m = Message.of("bytes", new byte[] {1, 2});

            byte[] copy = m.getBytes("bytes");
            copy[0] = 42;

            assertThat(m.getBytes("bytes")).containsExactly(1, 2);
            assertThat(m.getBytes("bytes")).isNotSameAs(m.getBytes("bytes"));
        }

        @Test
        void returnedCollectionsAreUnmodifiable() {
            Message m = Message.of("list", List.of(1), "map", Map.of("k", "v"),
                    "nested", List.of(new ArrayList<>(List.of(1))));

            assertThatThrownBy(() -> m.getList("list").add(2)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> m.getMap("map").put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
            @SuppressWarnings("unchecked")
            List<Object> inner = (List<Object>) m.getList("nested").get(0);
            assertThatThrownBy(() -> inner.add(2)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> m.asMap().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> m.keys().remove("list")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void builtMessageIsUnaffectedByLaterBuilderPuts() {
            Message.Builder b = Message.builder("t");
            Message m = b.build();
            b.put("late", 1);

            assertThat(m.has("late")).isFalse();
        }
    }

    @Nested
    class TypedGetters {

        private final Message m = Message.builder("chat.message")
                .put("text", "hello")
                .put("n", 42)
                .put("big", 1L << 40)
                .put("small", -(1L << 40))
                .put("pi", 3.14)
                .put("flag", true)
                .put("nothing", null)
                .put("bytes", new byte[] {7})
                .put("list", List.of("a"))
                .put("map", Map.of("k", 1))
                .build();

        @Test
        void getString_readsStringAndDefaults() {
            assertThat(m.getString("text")).isEqualTo("hello");
            assertThat(m.getString("missing")).isNull();
            assertThat(m.getString("nothing")).isNull();
            assertThat(m.getString("missing", "dflt")).isEqualTo("dflt");
            assertThat(m.getString("nothing", "dflt")).isEqualTo("dflt");
            assertThat(m.getString("text", "dflt")).isEqualTo("hello");
        }

        @Test
        void getString_onWrongType_throwsNamingKeyAndFoundType() {
            assertThatThrownBy(() -> m.getString("n"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'n'")
                    .hasMessageContaining("an integer")
                    .hasMessageContaining("String")
                    .hasMessageContaining("chat.message");
        }

        @Test
        void getLong_readsValue_andThrowsNoSuchElementWhenMissingOrNull() {
            assertThat(m.getLong("n")).isEqualTo(42L);
            assertThatThrownBy(() -> m.getLong("missing"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("'missing'");
            assertThatThrownBy(() -> m.getLong("nothing")).isInstanceOf(NoSuchElementException.class);
        }

        @Test
        void getLong_withDefault_usesDefaultWhenMissingOrNull() {
            assertThat(m.getLong("missing", 7L)).isEqualTo(7L);
            assertThat(m.getLong("nothing", 7L)).isEqualTo(7L);
            assertThat(m.getLong("n", 7L)).isEqualTo(42L);
        }

        @Test
        void getLong_onWrongType_throwsNamingKey() {
            assertThatThrownBy(() -> m.getLong("text"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'text'")
                    .hasMessageContaining("java.lang.String")
                    .hasMessageContaining("an integer");
            assertThatThrownBy(() -> m.getLong("pi"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'pi'")
                    .hasMessageContaining("floating point");
            assertThatThrownBy(() -> m.getLong("text", 0L)).isInstanceOf(InvalidMessageException.class);
        }

        @Test
        void getInt_readsValueInRange() {
            assertThat(m.getInt("n")).isEqualTo(42);
            assertThat(m.getInt("missing", 5)).isEqualTo(5);
            assertThat(m.getInt("n", 5)).isEqualTo(42);
            assertThat(Message.of("max", (long) Integer.MAX_VALUE).getInt("max")).isEqualTo(Integer.MAX_VALUE);
            assertThat(Message.of("min", (long) Integer.MIN_VALUE).getInt("min")).isEqualTo(Integer.MIN_VALUE);
        }

        @Test
        void getInt_outOfRange_throwsNamingKeyAndValue() {
            assertThatThrownBy(() -> m.getInt("big"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'big'")
                    .hasMessageContaining(String.valueOf(1L << 40))
                    .hasMessageContaining("int range");
            assertThatThrownBy(() -> m.getInt("small")).isInstanceOf(InvalidMessageException.class);
            assertThatThrownBy(() -> m.getInt("big", 0)).isInstanceOf(InvalidMessageException.class);
            assertThatThrownBy(() -> Message.of("x", Integer.MAX_VALUE + 1L).getInt("x"))
                    .isInstanceOf(InvalidMessageException.class);
        }

        @Test
        void getInt_missing_throwsNoSuchElement() {
            assertThatThrownBy(() -> m.getInt("missing")).isInstanceOf(NoSuchElementException.class);
        }

        @Test
        void getDouble_readsDoubleAndWidensIntegers() {
            assertThat(m.getDouble("pi")).isEqualTo(3.14);
            assertThat(m.getDouble("n")).isEqualTo(42.0);
            assertThatThrownBy(() -> m.getDouble("missing")).isInstanceOf(NoSuchElementException.class);
            assertThatThrownBy(() -> m.getDouble("text"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'text'")
                    .hasMessageContaining("a number");
        }

        @Test
        void getBoolean_readsValueAndDefaults() {
            assertThat(m.getBoolean("flag", false)).isTrue();
            assertThat(m.getBoolean("missing", true)).isTrue();
            assertThat(m.getBoolean("nothing", false)).isFalse();
            assertThatThrownBy(() -> m.getBoolean("text", false))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'text'")
                    .hasMessageContaining("Boolean");
        }

        @Test
        void getBytes_readsValue_nullWhenMissing_errorOnWrongType() {
            assertThat(m.getBytes("bytes")).containsExactly(7);
            assertThat(m.getBytes("missing")).isNull();
            assertThatThrownBy(() -> m.getBytes("text"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'text'")
                    .hasMessageContaining("a byte array");
        }

        @Test
        void getListAndGetMap_readValues_nullWhenMissing_errorOnWrongType() {
            assertThat(m.getList("list")).containsExactly("a");
            assertThat(m.getMap("map")).containsEntry("k", 1L);
            assertThat(m.getList("missing")).isNull();
            assertThat(m.getMap("missing")).isNull();
            assertThatThrownBy(() -> m.getList("map"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'map'")
                    .hasMessageContaining("List");
            assertThatThrownBy(() -> m.getMap("list"))
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'list'")
                    .hasMessageContaining("Map");
        }

        @Test
        void type_whenNotAString_throws() {
            Message bad = Message.of("type", 5);

            assertThatThrownBy(bad::type)
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("'type'");
        }

        @Test
        void has_distinguishesNullValueFromAbsent() {
            assertThat(m.has("nothing")).isTrue();
            assertThat(m.has("missing")).isFalse();
        }
    }

    @Nested
    class Copies {

        @Test
        void with_addsOrReplacesKey_leavingOriginalUnchanged() {
            Message original = Message.of("type", "t", "a", 1);

            Message added = original.with("b", 2);
            Message replaced = original.with("a", "one");

            assertThat(original).isEqualTo(Message.of("type", "t", "a", 1));
            assertThat(added).isEqualTo(Message.of("type", "t", "a", 1, "b", 2));
            assertThat(added.keys()).containsExactly("type", "a", "b");
            assertThat(replaced.getString("a")).isEqualTo("one");
            assertThat(replaced.keys()).containsExactly("type", "a");
        }

        @Test
        void with_normalisesValue() {
            assertThat(Message.of().with("n", 3).get("n")).isEqualTo(3L);
        }

        @Test
        void with_rejectsNullKey() {
            assertThatThrownBy(() -> Message.of().with(null, 1)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void without_dropsKey_leavingOriginalUnchanged() {
            Message original = Message.of("type", "t", "a", 1);

            Message dropped = original.without("a");

            assertThat(dropped.keys()).containsExactly("type");
            assertThat(original.has("a")).isTrue();
        }

        @Test
        void without_absentKey_returnsSameInstance() {
            Message original = Message.of("type", "t");

            assertThat(original.without("nope")).isSameAs(original);
        }
    }

    @Nested
    class EqualityAndText {

        @Test
        void equals_comparesByteArrayContent() {
            Message a = Message.of("bytes", new byte[] {1, 2, 3});
            Message b = Message.of("bytes", new byte[] {1, 2, 3});
            Message c = Message.of("bytes", new byte[] {1, 2, 4});

            assertThat(a).isEqualTo(b);
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
            assertThat(a).isNotEqualTo(c);
        }

        @Test
        void equals_isDeepThroughNestedListsAndMaps() {
            Message a = Message.of("x", List.of(Map.of("b", new byte[] {1}), List.of(1, "s")));
            Message b = Message.of("x", List.of(Map.of("b", new byte[] {1}), List.of(1L, "s")));
            Message c = Message.of("x", List.of(Map.of("b", new byte[] {2}), List.of(1L, "s")));

            assertThat(a).isEqualTo(b);
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
            assertThat(a).isNotEqualTo(c);
        }

        @Test
        void equals_ignoresKeyOrder() {
            assertThat(Message.of("a", 1, "b", 2)).isEqualTo(Message.of("b", 2, "a", 1));
            assertThat(Message.of("a", 1, "b", 2).hashCode()).isEqualTo(Message.of("b", 2, "a", 1).hashCode());
        }

        @Test
        void equals_distinguishesDifferentContents() {
            Message base = Message.of("a", 1);

            assertThat(base).isNotEqualTo(Message.of("a", 2));
            assertThat(base).isNotEqualTo(Message.of("a", 1, "b", 2));
            assertThat(base).isNotEqualTo(Message.of("a", 1.0));
            assertThat(base).isNotEqualTo(Message.of("b", 1));
            assertThat(Message.of("a", null)).isNotEqualTo(Message.of("b", null));
            assertThat(base).isNotEqualTo(Map.of("a", 1L));
            assertThat(base).isNotEqualTo(null);
            assertThat(Message.of("l", List.of(1))).isNotEqualTo(Message.of("l", List.of(1, 2)));
            assertThat(Message.of("m", Map.of("k", 1))).isNotEqualTo(Message.of("m", Map.of("j", 1)));
        }

        @Test
        void toString_showsKeysValuesAndBytesLength() {
            Message m = Message.of("type", "chat.message", "n", 1, "bytes", new byte[1234]);

            assertThat(m.toString())
                    .contains("chat.message")
                    .contains("n=1")
                    .contains("bytes[1234]");
        }

        @Test
        void toString_truncatesBigStrings() {
            char[] chars = new char[1_000_000];
            Arrays.fill(chars, 'x');
            String big = new String(chars);
            Message m = Message.of("type", "t", "big", big, "nested", List.of(big));

            String text = m.toString();

            assertThat(text).hasSizeLessThan(2_000).contains("...");
        }

        @Test
        void toString_ofNestedStructures_doesNotThrow() {
            Message m = Message.of("a", List.of(Map.of("b", List.of()), "c"), "d", null, "e", true);

            assertThat(m.toString()).contains("a=").contains("d=null").contains("e=true");
        }
    }
}
