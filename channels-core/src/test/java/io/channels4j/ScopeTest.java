package io.channels4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeTest {

    private static final ScopeKey<String> TENANT = ScopeKey.of("tenant", String.class);
    private static final ScopeKey<Integer> TENANT_AS_INT = ScopeKey.of("tenant", Integer.class);

    @Test
    void builder_defaults() {
        Scope scope = Scope.builder(Scope.CHANNEL).build();

        assertThat(scope.type()).isEqualTo("channel");
        assertThat(scope.path()).isEmpty();
        assertThat(scope.rawPath()).isEmpty();
        assertThat(scope.rootPath()).isEmpty();
        assertThat(scope.pathRemaining()).isNull();
        assertThat(scope.queryString()).isEmpty();
        assertThat(scope.scheme()).isNull();
        assertThat(scope.method()).isNull();
        assertThat(scope.httpVersion()).isNull();
        assertThat(scope.channel()).isNull();
        assertThat(scope.headers()).isEqualTo(Headers.empty());
        assertThat(scope.client()).isNull();
        assertThat(scope.server()).isNull();
        assertThat(scope.subprotocols()).isEmpty();
        assertThat(scope.urlRoute()).isEqualTo(UrlRoute.empty());
        assertThat(scope.attributes()).isEmpty();
        assertThat(scope.cookies()).isEmpty();
    }

    @Test
    void builder_rejectsNullType() {
        assertThatThrownBy(() -> Scope.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void builder_setsEveryField() {
        Scope scope = Scope.builder(Scope.HTTP)
                .path("/a b")
                .rawPath("/a%20b")
                .rootPath("/mount")
                .pathRemaining("b")
                .queryString("x=1")
                .scheme("https")
                .method("POST")
                .httpVersion("1.1")
                .channel("worker")
                .headers(Headers.of("host", "h"))
                .client(new HostPort("10.0.0.1", 5000))
                .server(new HostPort("0.0.0.0", 8000))
                .subprotocols(List.of("chat"))
                .urlRoute(new UrlRoute(List.of("a"), Map.of("k", "v")))
                .build();

        assertThat(scope.path()).isEqualTo("/a b");
        assertThat(scope.rawPath()).isEqualTo("/a%20b");
        assertThat(scope.rootPath()).isEqualTo("/mount");
        assertThat(scope.pathRemaining()).isEqualTo("b");
        assertThat(scope.queryString()).isEqualTo("x=1");
        assertThat(scope.scheme()).isEqualTo("https");
        assertThat(scope.method()).isEqualTo("POST");
        assertThat(scope.httpVersion()).isEqualTo("1.1");
        assertThat(scope.channel()).isEqualTo("worker");
        assertThat(scope.headers().get("Host")).isEqualTo("h");
        assertThat(scope.client()).isEqualTo(new HostPort("10.0.0.1", 5000));
        assertThat(scope.server()).isEqualTo(new HostPort("0.0.0.0", 8000));
        assertThat(scope.subprotocols()).containsExactly("chat");
        assertThat(scope.urlRoute().kwarg("k")).isEqualTo("v");
    }

    @Test
    void builder_pathWithoutRawPath_usesPathAsRawPath() {
        Scope scope = Scope.builder(Scope.HTTP).path("/plain/").build();

        assertThat(scope.rawPath()).isEqualTo("/plain/");
    }

    @Test
    void url_splitsPathAndQuery() {
        Scope scope = Scope.builder(Scope.WEBSOCKET).url("/ws/chat/lobby/?token=1&x=%20").build();

        assertThat(scope.path()).isEqualTo("/ws/chat/lobby/");
        assertThat(scope.rawPath()).isEqualTo("/ws/chat/lobby/");
        assertThat(scope.queryString()).isEqualTo("token=1&x=%20");
    }

    @Test
    void url_withoutQuery_hasEmptyQueryString() {
        Scope scope = Scope.builder(Scope.WEBSOCKET).url("/ws/").build();

        assertThat(scope.queryString()).isEmpty();
    }

    @Test
    void url_withEmptyQuery_hasEmptyQueryString() {
        Scope scope = Scope.builder(Scope.WEBSOCKET).url("/ws/?").build();

        assertThat(scope.path()).isEqualTo("/ws/");
        assertThat(scope.queryString()).isEmpty();
    }

    @Test
    void url_onlyFirstQuestionMarkSplits() {
        Scope scope = Scope.builder(Scope.HTTP).url("/p?a=1?b=2").build();

        assertThat(scope.path()).isEqualTo("/p");
        assertThat(scope.queryString()).isEqualTo("a=1?b=2");
    }

    @Test
    void url_percentDecodesPath_keepingRawPath() {
        Scope scope = Scope.builder(Scope.WEBSOCKET).url("/ws/chat/room%201/").build();

        assertThat(scope.path()).isEqualTo("/ws/chat/room 1/");
        assertThat(scope.rawPath()).isEqualTo("/ws/chat/room%201/");
    }

    @Test
    void url_decodesUtf8MultiByteEscapes() {
        Scope scope = Scope.builder(Scope.HTTP).url("/price/%E2%82%AC/").build();

        assertThat(scope.path()).isEqualTo("/price/\u20ac/");
    }

    @Test
    void url_decodesLowerCaseHex() {
        assertThat(Scope.builder(Scope.HTTP).url("/%e2%82%ac").build().path()).isEqualTo("/\u20ac");
    }

    @Test
    void url_keepsMalformedEscapesLiterally() {
        assertThat(Scope.builder(Scope.HTTP).url("/a%zzb/").build().path()).isEqualTo("/a%zzb/");
        assertThat(Scope.builder(Scope.HTTP).url("/a%2").build().path()).isEqualTo("/a%2");
        assertThat(Scope.builder(Scope.HTTP).url("/a%").build().path()).isEqualTo("/a%");
        assertThat(Scope.builder(Scope.HTTP).url("/%g1%20").build().path()).isEqualTo("/%g1 ");
    }

    @Test
    void url_invalidUtf8Escape_decodesToReplacementCharacter() {
        assertThat(Scope.builder(Scope.HTTP).url("/a%FFb").build().path()).isEqualTo("/a\ufffdb");
    }

    @Test
    void url_keepsPlusAsPlus() {
        Scope scope = Scope.builder(Scope.HTTP).url("/a+b/?q=a+b").build();

        assertThat(scope.path()).isEqualTo("/a+b/");
        assertThat(scope.queryString()).isEqualTo("q=a+b");
    }

    @Test
    void url_decodesEscapeAtEndOfPath() {
        assertThat(Scope.builder(Scope.HTTP).url("/a%20").build().path()).isEqualTo("/a ");
        assertThat(Scope.builder(Scope.HTTP).url("%41").build().path()).isEqualTo("A");
    }

    @Test
    void url_keepsNonAsciiCharactersAlongsideEscapes() {
        assertThat(Scope.builder(Scope.HTTP).url("/caf\u00e9/%20").build().path()).isEqualTo("/caf\u00e9/ ");
    }

    @Test
    void url_doesNotDecodeQueryString() {
        Scope scope = Scope.builder(Scope.HTTP).url("/p?name=room%201").build();

        assertThat(scope.queryString()).isEqualTo("name=room%201");
    }

    @Test
    void url_rejectsNull() {
        assertThatThrownBy(() -> Scope.builder(Scope.HTTP).url(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void percentDecoding_decodePath_withoutPercent_returnsSameString() {
        String raw = "/no/escapes/";

        assertThat(PercentDecoding.decodePath(raw)).isSameAs(raw);
    }

    @Test
    void websocketFactory_setsTypeSchemeAndUrl() {
        Scope scope = Scope.websocket("/ws/chat/room%201/?token=abc");

        assertThat(scope.type()).isEqualTo(Scope.WEBSOCKET);
        assertThat(scope.scheme()).isEqualTo("ws");
        assertThat(scope.path()).isEqualTo("/ws/chat/room 1/");
        assertThat(scope.rawPath()).isEqualTo("/ws/chat/room%201/");
        assertThat(scope.queryString()).isEqualTo("token=abc");
        assertThat(scope.method()).isNull();
    }

    @Test
    void httpFactory_setsTypeMethodSchemeAndUrl() {
        Scope scope = Scope.http("GET", "/index.html?x=1");

        assertThat(scope.type()).isEqualTo(Scope.HTTP);
        assertThat(scope.method()).isEqualTo("GET");
        assertThat(scope.scheme()).isEqualTo("http");
        assertThat(scope.path()).isEqualTo("/index.html");
        assertThat(scope.queryString()).isEqualTo("x=1");
    }

    @Test
    void with_copiesScope_leavingOriginalUnchanged() {
        Scope original = Scope.websocket("/ws/");

        Scope copy = original.with("user", "alice");

        assertThat(copy.attribute("user")).isEqualTo("alice");
        assertThat(copy.path()).isEqualTo("/ws/");
        assertThat(copy.scheme()).isEqualTo("ws");
        assertThat(original.attribute("user")).isNull();
        assertThat(original.hasAttribute("user")).isFalse();
        assertThat(original.attributes()).isEmpty();
    }

    /** An HTTP scope with every field set, and one attribute. */
    private static Scope everyField() {
        return Scope.builder(Scope.HTTP)
                .url("/a%20b?q=1")
                .rootPath("/root")
                .pathRemaining("b")
                .scheme("https")
                .method("PUT")
                .httpVersion("1.0")
                .channel("c")
                .headers(Headers.of("h", "v"))
                .client(new HostPort("::1", 1))
                .server(new HostPort("localhost", 2))
                .subprotocols(List.of("p1", "p2"))
                .urlRoute(new UrlRoute(List.of(1), Map.of("k", 2)))
                .attribute("a", "x")
                .build();
    }

    /** Every field of {@link #everyField()} but the route, the remaining path and the attributes. */
    private static void assertKeepsTheRequest(Scope copy, Scope original) {
        assertThat(copy.type()).isEqualTo(Scope.HTTP);
        assertThat(copy.path()).isEqualTo("/a b");
        assertThat(copy.rawPath()).isEqualTo("/a%20b");
        assertThat(copy.rootPath()).isEqualTo("/root");
        assertThat(copy.queryString()).isEqualTo("q=1");
        assertThat(copy.scheme()).isEqualTo("https");
        assertThat(copy.method()).isEqualTo("PUT");
        assertThat(copy.httpVersion()).isEqualTo("1.0");
        assertThat(copy.channel()).isEqualTo("c");
        assertThat(copy.headers()).isEqualTo(original.headers());
        assertThat(copy.client()).isEqualTo(original.client());
        assertThat(copy.server()).isEqualTo(original.server());
        assertThat(copy.subprotocols()).containsExactly("p1", "p2");
    }

    @Test
    void toBuilder_copiesEveryField_andBuilderChangesDoNotAffectOriginal() {
        Scope original = everyField();

        Scope copy = original.toBuilder().build();

        assertKeepsTheRequest(copy, original);
        assertThat(copy.pathRemaining()).isEqualTo("b");
        assertThat(copy.urlRoute()).isEqualTo(original.urlRoute());
        assertThat(copy.attributes()).containsExactlyEntriesOf(original.attributes());

        Scope changed = original.toBuilder().method("DELETE").attribute("a", "y").attribute("b", "z").build();

        assertThat(changed.method()).isEqualTo("DELETE");
        assertThat(changed.attribute("a")).isEqualTo("y");
        assertThat(original.method()).isEqualTo("PUT");
        assertThat(original.attribute("a")).isEqualTo("x");
        assertThat(original.hasAttribute("b")).isFalse();
    }

    @Test
    void attributes_areUnmodifiable_andKeepInsertionOrder() {
        Scope scope = Scope.builder(Scope.HTTP).attribute("b", 1).attribute("a", 2).build();

        assertThat(scope.attributes().keySet()).containsExactly("b", "a");
        assertThatThrownBy(() -> scope.attributes().put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void attributes_resistEveryKindOfChange_andCompareAsMaps() {
        Scope scope = Scope.builder(Scope.HTTP).attribute("b", 1).attribute("a", 2).build();
        Map<String, Object> attributes = scope.attributes();

        assertThatThrownBy(() -> attributes.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(attributes::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> attributes.entrySet().iterator().next().setValue(5))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> {
            var it = attributes.keySet().iterator();
            it.next();
            it.remove();
        }).isInstanceOf(UnsupportedOperationException.class);
        assertThat(attributes).isEqualTo(Map.of("a", 2, "b", 1)).hasSameHashCodeAs(Map.of("a", 2, "b", 1));
        assertThat(attributes.get("c")).isNull();
        assertThat(attributes.containsKey("a")).isTrue();
        assertThat(scope).hasToString("Scope{type=http, attributes=[b, a]}");
    }

    @Test
    void withAndWithUrlRoute_keepEveryOtherField() {
        Scope original = everyField();
        UrlRoute route = new UrlRoute(List.of(), Map.of("room", "lobby"));

        Scope with = original.with("b", "y");
        Scope routed = original.withUrlRoute(route, "rest");

        assertKeepsTheRequest(with, original);
        assertKeepsTheRequest(routed, original);
        assertThat(with.pathRemaining()).isEqualTo("b");
        assertThat(with.urlRoute()).isEqualTo(original.urlRoute());
        assertThat(with.attributes()).containsExactly(Map.entry("a", "x"), Map.entry("b", "y"));
        assertThat(routed.pathRemaining()).isEqualTo("rest");
        assertThat(routed.urlRoute()).isEqualTo(route);
        assertThat(routed.attributes()).containsExactly(Map.entry("a", "x"));
        assertThat(original.with("a", "z").attributes()).containsExactly(Map.entry("a", "z")); // keeps its place
        assertThat(original.with("a", null).attributes()).isEmpty();
        assertThat(original.with("missing", null).attributes()).isSameAs(original.attributes());
        assertThatThrownBy(() -> original.with((String) null, "v")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void copies_thatLeaveAttributesAlone_shareThem() {
        Scope scope = Scope.websocket("/ws/chat/lobby/").with("session", "s").with("user", "u");

        Scope routed = scope.withUrlRoute(UrlRoute.empty(), "");
        Scope changed = routed.with("user", "v");

        // every middleware's copy lives as long as its connection: unchanged attributes are not copied again
        assertThat(routed.attributes()).isSameAs(scope.attributes());
        assertThat(changed.attributes()).isNotSameAs(scope.attributes()).containsExactly(
                Map.entry("session", "s"), Map.entry("user", "v"));
        assertThat(scope.with("user", null).attributes()).containsOnlyKeys("session");
        assertThat(scope.attribute("user")).isEqualTo("u");
    }

    @Test
    void scopeKey_get_returnsTypedValue() {
        Scope scope = Scope.websocket("/").with(TENANT, "acme");

        String tenant = scope.get(TENANT);

        assertThat(tenant).isEqualTo("acme");
        assertThat(scope.attribute("tenant")).isEqualTo("acme");
        assertThat(scope.hasAttribute("tenant")).isTrue();
    }

    @Test
    void scopeKey_get_returnsNullWhenAbsent() {
        assertThat(Scope.websocket("/").get(TENANT)).isNull();
    }

    @Test
    void scopeKey_get_throwsClassCastExceptionOnTypeMismatch() {
        Scope scope = Scope.websocket("/").with(TENANT, "acme");

        assertThatThrownBy(() -> scope.get(TENANT_AS_INT)).isInstanceOf(ClassCastException.class);
    }

    @Test
    void scopeKey_builderAttribute_setsTypedValue() {
        Scope scope = Scope.builder(Scope.HTTP).attribute(TENANT, "acme").build();

        assertThat(scope.get(TENANT)).isEqualTo("acme");
    }

    @Test
    void with_nullValue_removesAttribute() {
        Scope scope = Scope.websocket("/").with(TENANT, "acme").with("other", 1);

        Scope removedTyped = scope.with(TENANT, null);
        Scope removedByName = scope.with("other", null);

        assertThat(removedTyped.hasAttribute("tenant")).isFalse();
        assertThat(removedTyped.get(TENANT)).isNull();
        assertThat(removedTyped.hasAttribute("other")).isTrue();
        assertThat(removedByName.hasAttribute("other")).isFalse();
        assertThat(scope.get(TENANT)).isEqualTo("acme");
    }

    @Test
    void builderAttribute_nullValue_removes() {
        Scope scope = Scope.builder(Scope.HTTP).attribute("a", 1).attribute("a", null).build();

        assertThat(scope.hasAttribute("a")).isFalse();
    }

    @Test
    void builderAttribute_rejectsNullName() {
        assertThatThrownBy(() -> Scope.builder(Scope.HTTP).attribute((String) null, 1))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void scopeKey_equalityIsByName() {
        assertThat(TENANT).isEqualTo(TENANT_AS_INT);
        assertThat(TENANT.hashCode()).isEqualTo(TENANT_AS_INT.hashCode());
        assertThat(TENANT).isNotEqualTo(ScopeKey.of("user", String.class));
    }

    @Test
    void scopeKey_rejectsBlankOrNullName() {
        assertThatThrownBy(() -> ScopeKey.of(" ", String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> ScopeKey.of(null, String.class)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ScopeKey.of("x", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void cookies_emptyByDefault_andReadFromCookiesAttribute() {
        assertThat(Scope.websocket("/").cookies()).isEmpty();

        Scope withCookies = Scope.websocket("/").with("cookies", Map.of("sessionid", "abc"));

        assertThat(withCookies.cookies()).containsExactlyEntriesOf(Map.of("sessionid", "abc"));
    }

    @Test
    void cookies_ignoresNonMapAttribute() {
        assertThat(Scope.websocket("/").with("cookies", "a=1").cookies()).isEmpty();
    }

    @Test
    void withUrlRoute_setsRouteAndRemainingPath_leavingOriginalUnchanged() {
        Scope original = Scope.websocket("/ws/chat/lobby/");
        UrlRoute route = new UrlRoute(List.of(), Map.of("room_name", "lobby"));

        Scope routed = original.withUrlRoute(route, "");

        assertThat(routed.urlRoute().kwarg("room_name")).isEqualTo("lobby");
        assertThat(routed.pathRemaining()).isEmpty();
        assertThat(routed.path()).isEqualTo("/ws/chat/lobby/");
        assertThat(original.urlRoute()).isEqualTo(UrlRoute.empty());
        assertThat(original.pathRemaining()).isNull();
    }

    @Test
    void subprotocols_areCopiedAndUnmodifiable() {
        List<String> offered = new ArrayList<>(List.of("chat", "superchat"));
        Scope scope = Scope.builder(Scope.WEBSOCKET).subprotocols(offered).build();

        offered.add("later");

        assertThat(scope.subprotocols()).containsExactly("chat", "superchat");
        assertThatThrownBy(() -> scope.subprotocols().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toString_summarisesScope() {
        Scope scope = Scope.http("GET", "/p?q=1").toBuilder()
                .client(new HostPort("1.2.3.4", 9))
                .attribute("user", "u")
                .build();

        assertThat(scope.toString())
                .contains("type=http")
                .contains("method=GET")
                .contains("path=/p")
                .contains("query=q=1")
                .contains("client=1.2.3.4:9")
                .contains("user");
    }
}
