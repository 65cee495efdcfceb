package io.channels4j.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.channels4j.routing.Route.path;
import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTest {

    private final RecordingApplication app = new RecordingApplication("app");

    @Test
    void path_bareNameUsesStrConverter() {
        RouteMatch m = path("chat/<room>/", app).match("chat/lobby/");

        assertThat(m.kwargs()).containsExactly(Map.entry("room", "lobby"));
        assertThat(m.args()).isEmpty();
        assertThat(m.remaining()).isEmpty();
    }

    @Test
    void path_strConverterStopsAtSlash() {
        Route route = path("chat/<str:room>/", app);

        assertThat(route.match("chat/a b/").kwargs()).containsEntry("room", "a b");
        assertThat(route.match("chat/a/b/")).isNull();
        assertThat(route.match("chat//")).isNull();
    }

    @Test
    void path_intConverterGivesInteger() {
        Route route = path("chat/<int:room>/", app);

        assertThat(route.match("chat/42/").kwargs().get("room")).isInstanceOf(Integer.class).isEqualTo(42);
        assertThat(route.match("chat/-1/")).isNull();
        assertThat(route.match("chat/4x/")).isNull();
    }

    @Test
    void path_intBeyondIntegerRangeDoesNotMatch() {
        assertThat(path("chat/<int:room>/", app).match("chat/99999999999/")).isNull();
    }

    @Test
    void path_intConverterIsAsciiOnly() {
        assertThat(path("<int:n>", app).match("\u0663")).isNull();
    }

    @Test
    void path_slugConverter() {
        Route route = path("<slug:s>/", app);

        assertThat(route.match("a-b_C9/").kwargs()).containsEntry("s", "a-b_C9");
        assertThat(route.match("a.b/")).isNull();
        assertThat(route.match("caf\u00e9/")).isNull();
    }

    @Test
    void path_uuidConverterGivesUuid() {
        String text = "12345678-1234-5678-9abc-def012345678";
        Route route = path("doc/<uuid:id>", app);

        assertThat(route.match("doc/" + text).kwargs().get("id")).isEqualTo(UUID.fromString(text));
        assertThat(route.match("doc/" + text.toUpperCase())).isNull();
        assertThat(route.match("doc/12345678123456789abcdef012345678")).isNull();
    }

    @Test
    void path_pathConverterSpansSlashes() {
        Route route = path("files/<path:p>", app);

        assertThat(route.match("files/a/b/c.txt").kwargs()).containsEntry("p", "a/b/c.txt");
        assertThat(route.match("files/")).isNull();
    }

    @Test
    void path_literalTextIsNotARegex() {
        Route route = path("a.b/<x>", app);

        assertThat(route.match("a.b/1")).isNotNull();
        assertThat(route.match("axb/1")).isNull();
    }

    @Test
    void path_endpointMustMatchWholePath() {
        assertThat(path("chat/<room>/", app).match("chat/lobby/extra")).isNull();
        assertThat(path("chat/<room>/", app).match("xchat/lobby/")).isNull();
    }

    @Test
    void path_beforeNestedRouterMatchesPrefix() {
        RouteMatch m = path("chat/<int:room>/", new URLRouter(List.of())).match("chat/7/messages/");

        assertThat(m.kwargs()).containsEntry("room", 7);
        assertThat(m.remaining()).isEqualTo("messages/");
    }

    @Test
    void path_rejectsUnknownConverterNamingPattern() {
        assertThatThrownBy(() -> path("chat/<foo:room>/", app))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("URL route 'chat/<foo:room>/' uses invalid converter 'foo'");
    }

    @Test
    void path_rejectsNameThatIsNotAnIdentifier() {
        assertThatThrownBy(() -> path("chat/<int:1room>/", app))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'chat/<int:1room>/'")
                .hasMessageContaining("'1room'");
        assertThatThrownBy(() -> path("chat/<int:a-b>/", app)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void path_rejectsWhitespaceInAngleBrackets() {
        assertThatThrownBy(() -> path("chat/<int: room>/", app))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whitespace");
    }

    @Test
    void path_rejectsRepeatedName() {
        assertThatThrownBy(() -> path("<int:a>/<a>", app))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' more than once");
    }

    @Test
    void path_acceptsUnicodeIdentifierNames() {
        assertThat(path("<caf\u00e9>", app).match("x").kwargs()).containsEntry("caf\u00e9", "x");
    }

    @Test
    void rePath_translatesPythonNamedGroups() {
        RouteMatch m = rePath("ws/chat/(?P<room_name>\\w+)/(?P<user_id_2>\\d+)/$", app).match("ws/chat/lobby/7/");

        assertThat(m.kwargs()).containsExactly(Map.entry("room_name", "lobby"), Map.entry("user_id_2", "7"));
        assertThat(m.args()).isEmpty();
    }

    @Test
    void rePath_acceptsJavaNamedGroups() {
        assertThat(rePath("^(?<room_name>\\w+)/$", app).match("lobby/").kwargs())
                .containsExactly(Map.entry("room_name", "lobby"));
    }

    @Test
    void rePath_unnamedGroupsBecomeArgs() {
        RouteMatch m = rePath("^(\\d+)-(\\d+)/$", app).match("12-34/");

        assertThat(m.args()).containsExactly("12", "34");
        assertThat(m.kwargs()).isEmpty();
    }

    @Test
    void rePath_unmatchedUnnamedGroupIsNullArg() {
        assertThat(rePath("^a(b)?(c)", app).match("ac").args()).containsExactly(null, "c");
    }

    @Test
    void rePath_withNamedGroupsIgnoresUnnamedOnes() {
        RouteMatch m = rePath("^(\\w+)/(?P<id>\\d+)/$", app).match("room/5/");

        assertThat(m.args()).isEmpty();
        assertThat(m.kwargs()).containsExactly(Map.entry("id", "5"));
    }

    @Test
    void rePath_leavesOutNamedGroupsThatDidNotParticipate() {
        RouteMatch m = rePath("^(?P<x>a)|(?P<y>b)$", app).match("b");

        assertThat(m.kwargs()).containsExactly(Map.entry("y", "b"));
        assertThat(m.args()).isEmpty();
    }

    @Test
    void rePath_supportsPythonBackReferences() {
        Route route = rePath("^(?P<a>x+)-(?P=a)$", app);

        assertThat(route.match("xx-xx").kwargs()).containsEntry("a", "xx");
        assertThat(route.match("xx-x")).isNull();
    }

    @Test
    void rePath_wordClassIsUnicodeAware() {
        Route route = rePath("ws/chat/(?P<room_name>\\w+)/$", app);

        assertThat(route.match("ws/chat/caf\u00e9/").kwargs()).containsEntry("room_name", "caf\u00e9");
    }

    @Test
    void rePath_endpointEndingInDollarMustMatchWholePath() {
        Route route = rePath("ws/chat/(?P<room_name>\\w+)/$", app);

        assertThat(route.match("xws/chat/lobby/")).isNull();
        assertThat(route.match("ws/chat/lobby/\n")).isNull();
    }

    @Test
    void rePath_withoutDollarIsSearchedAndLeavesRemainder() {
        RouteMatch m = rePath("chat/(?P<room>\\w+)/", app).match("xchat/lobby/more");

        assertThat(m.kwargs()).containsEntry("room", "lobby");
        assertThat(m.remaining()).isEqualTo("more");
    }

    @Test
    void rePath_caretAnchorsSearchAtStart() {
        assertThat(rePath("^chat/", app).match("xchat/")).isNull();
    }

    @Test
    void rePath_rejectsInvalidRegexNamingPattern() {
        assertThatThrownBy(() -> rePath("ws/(?P<room>\\w+/$", app))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("re_path pattern 'ws/(?P<room>\\w+/$' is not a valid regular expression");
    }

    @Test
    void rePath_rejectsConditionalGroups() {
        assertThatThrownBy(() -> rePath("^(a)?(?(1)b|c)$", app))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conditional groups");
    }

    @Test
    void defaultKwargs_areAddedAndWinOverCaptures() {
        Route route = path("chat/<room>/", app, Map.of("room", "fixed", "mode", "ro"));

        assertThat(route.match("chat/lobby/").kwargs())
                .containsEntry("room", "fixed")
                .containsEntry("mode", "ro");
        assertThat(rePath("^x/$", app, Map.of("k", 1)).match("x/").kwargs()).containsExactly(Map.entry("k", 1));
    }

    @Test
    void route_exposesWhatItWasBuiltWith() {
        Route route = rePath("^x/$", app, Map.of("k", 1));

        assertThat(route.pattern()).isEqualTo("^x/$");
        assertThat(route.application()).isSameAs(app);
        assertThat(route.defaults()).containsExactly(Map.entry("k", 1));
        assertThat(route).hasToString("rePath('^x/$')");
    }
}
