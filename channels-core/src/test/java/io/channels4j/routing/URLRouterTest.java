package io.channels4j.routing;

import io.channels4j.Application;
import io.channels4j.Delegating;
import io.channels4j.Receive;
import io.channels4j.Resumable;
import io.channels4j.Scope;
import io.channels4j.UrlRoute;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.middleware.Middleware;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.channels4j.routing.RecordingApplication.runWith;
import static io.channels4j.routing.Route.path;
import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class URLRouterTest {

    private final RecordingApplication chat = new RecordingApplication("chat");
    private final RecordingApplication other = new RecordingApplication("other");

    private URLRouter tutorialRouter() {
        return new URLRouter(List.of(rePath("ws/chat/(?P<room_name>\\w+)/$", chat)));
    }

    @Test
    void tutorialRoute_acceptsRoomAndPassesScope() throws Exception {
        Scope scope = Scope.websocket("/ws/chat/lobby/");

        runWith(tutorialRouter(), scope);

        Scope routed = chat.scope();
        assertThat(routed.urlRoute()).isEqualTo(new UrlRoute(List.of(), Map.of("room_name", "lobby")));
        assertThat(routed.urlRoute().kwarg("room_name")).isEqualTo("lobby");
        assertThat(routed.pathRemaining()).isEmpty();
        assertThat(routed.path()).isEqualTo("/ws/chat/lobby/");
        assertThat(routed.type()).isEqualTo(Scope.WEBSOCKET);
        assertThat(routed.scheme()).isEqualTo(scope.scheme());
    }

    @Test
    void tutorialRoute_rejectsExtraSegment() {
        NoRouteFoundException e = catchThrowableOfType(NoRouteFoundException.class,
                () -> runWith(tutorialRouter(), Scope.websocket("/ws/chat/lobby/extra/")));

        assertThat(e).hasMessage("No route found for path 'ws/chat/lobby/extra/'");
        assertThat(e.path()).isEqualTo("ws/chat/lobby/extra/");
        assertThat(e.scopeType()).isEqualTo(Scope.WEBSOCKET);
        assertThat(e.channel()).isNull();
        assertThat(chat.runs()).isZero();
    }

    @Test
    void tutorialRoute_rejectsRoomWithSpace() {
        assertThatThrownBy(() -> runWith(tutorialRouter(), Scope.websocket("/ws/chat/my%20room/")))
                .isInstanceOf(NoRouteFoundException.class)
                .hasMessage("No route found for path 'ws/chat/my room/'");
        assertThatThrownBy(() -> runWith(tutorialRouter(), Scope.websocket("/ws/chat/my room/")))
                .isInstanceOf(NoRouteFoundException.class);
    }

    @Test
    void tutorialRoute_acceptsUnicodeRoomName() throws Exception {
        runWith(tutorialRouter(), Scope.websocket("/ws/chat/caf%C3%A9/"));

        assertThat(chat.scope().urlRoute().kwarg("room_name")).isEqualTo("caf\u00e9");
    }

    @Test
    void run_routesHttpScopes() throws Exception {
        URLRouter router = new URLRouter(List.of(path("rooms/<int:id>/", chat)));

        runWith(router, Scope.http("GET", "/rooms/3/?page=2"));

        assertThat(chat.scope().urlRoute().intKwarg("id")).isEqualTo(3);
        assertThat(chat.scope().method()).isEqualTo("GET");
        assertThat(chat.scope().queryString()).isEqualTo("page=2");
    }

    @Test
    void run_stripsEveryLeadingSlash() throws Exception {
        runWith(new URLRouter(List.of(path("a/", chat))), Scope.websocket("//a/"));

        assertThat(chat.runs()).isOne();
    }

    @Test
    void run_firstMatchWins() throws Exception {
        URLRouter router = URLRouter.of(
                path("chat/<str:room>/", chat),
                path("chat/lobby/", other));

        runWith(router, Scope.websocket("/chat/lobby/"));

        assertThat(chat.runs()).isOne();
        assertThat(other.runs()).isZero();
    }

    @Test
    void run_skipsRoutesThatDoNotMatch() throws Exception {
        URLRouter router = URLRouter.of(path("chat/<int:room>/", chat), path("chat/<slug:room>/", other));

        runWith(router, Scope.websocket("/chat/lobby/"));

        assertThat(chat.runs()).isZero();
        assertThat(other.scope().urlRoute().kwarg("room")).isEqualTo("lobby");
    }

    @Test
    void run_passesUnnamedGroupsAsArgs() throws Exception {
        runWith(URLRouter.of(rePath("^(\\d+)/(\\w+)/$", chat)), Scope.websocket("/12/ab/"));

        assertThat(chat.scope().urlRoute().args()).containsExactly("12", "ab");
        assertThat(chat.scope().urlRoute().kwargs()).isEmpty();
    }

    @Test
    void run_addsDefaultKwargsLast() throws Exception {
        URLRouter router = URLRouter.of(path("chat/<room>/", chat, Map.of("room", "default", "mode", "ro")));

        runWith(router, Scope.websocket("/chat/lobby/"));

        assertThat(chat.scope().urlRoute().kwargs()).containsEntry("room", "default").containsEntry("mode", "ro");
    }

    @Test
    void nestedRouters_consumePrefixAndMergeArgsAndKwargs() throws Exception {
        URLRouter inner = URLRouter.of(rePath("^messages/(?P<mid>[0-9]+)/$", chat));
        URLRouter outer = URLRouter.of(path("chat/<int:room>/", inner));

        runWith(outer, Scope.websocket("/chat/5/messages/42/"));

        Scope routed = chat.scope();
        assertThat(routed.urlRoute().kwargs()).containsExactly(Map.entry("room", 5), Map.entry("mid", "42"));
        assertThat(routed.urlRoute().kwargValue("room")).isInstanceOf(Integer.class);
        assertThat(routed.pathRemaining()).isEmpty();
        assertThat(routed.path()).isEqualTo("/chat/5/messages/42/");
    }

    @Test
    void nestedRouters_appendInnerArgsAfterOuterArgs() throws Exception {
        URLRouter inner = URLRouter.of(rePath("^(\\w+)/$", chat));
        URLRouter outer = URLRouter.of(rePath("^(\\d+)/", inner));

        runWith(outer, Scope.websocket("/7/x/"));

        assertThat(chat.scope().urlRoute().args()).containsExactly("7", "x");
    }

    @Test
    void nestedRouters_innerKwargsAndDefaultsWin() throws Exception {
        URLRouter inner = URLRouter.of(path("<str:room>/", chat, Map.of("mode", "inner")));
        URLRouter outer = URLRouter.of(path("<int:room>/", inner, Map.of("mode", "outer", "site", "a")));

        runWith(outer, Scope.websocket("/1/lobby/"));

        assertThat(chat.scope().urlRoute().kwargs())
                .containsOnly(Map.entry("room", "lobby"), Map.entry("mode", "inner"), Map.entry("site", "a"));
    }

    @Test
    void nestedRouters_keepRouteCapturedBeforeTheRouter() throws Exception {
        Scope scope = Scope.websocket("/a/").toBuilder()
                .urlRoute(new UrlRoute(List.of("pre"), Map.of("k", "v"))).build();

        runWith(URLRouter.of(rePath("^(a)/$", chat)), scope);

        assertThat(chat.scope().urlRoute()).isEqualTo(new UrlRoute(List.of("pre", "a"), Map.of("k", "v")));
    }

    @Test
    void nestedRouters_innerMissFallsThroughToNextOuterRoute() throws Exception {
        URLRouter inner = URLRouter.of(path("messages/", other));
        URLRouter outer = URLRouter.of(path("chat/", inner), path("chat/<path:rest>", chat));

        runWith(outer, Scope.websocket("/chat/members/"));

        assertThat(other.runs()).isZero();
        assertThat(chat.scope().urlRoute().kwargs()).containsExactly(Map.entry("rest", "members/"));
    }

    @Test
    void nestedRouters_innerMissBehindAMiddleware_fallsThroughToNextOuterRoute() throws Exception {
        URLRouter inner = URLRouter.of(path("messages/", other));
        Middleware tagging = new Middleware(inner) {
            @Override
            protected Scope populateScope(Scope scope) {
                return scope.with("tag", "seen");
            }
        };
        URLRouter outer = URLRouter.of(path("chat/", tagging), path("chat/<path:rest>", chat));

        runWith(outer, Scope.websocket("/chat/members/"));

        assertThat(other.runs()).isZero();
        assertThat(chat.scope().urlRoute().kwargs()).containsExactly(Map.entry("rest", "members/"));
    }

    @Test
    void nestedRouters_innerMissWhileAnApplicationRuns_stillFallsThrough() throws Exception {
        URLRouter inner = URLRouter.of(path("messages/", other));
        Application wrapping = (scope, receive, send) -> inner.run(scope, receive, send); // not a hand-off
        URLRouter outer = URLRouter.of(path("chat/", wrapping), path("chat/<path:rest>", chat));

        runWith(outer, Scope.websocket("/chat/members/"));

        assertThat(other.runs()).isZero();
        assertThat(chat.runs()).isOne();
    }

    @Test
    void resolve_followsTheRouterToTheConsumer_withTheCapturedArguments() throws Exception {
        Application consumer = Consumer.asApplication(() -> new Consumer() {
        }, new ChannelLayers());
        URLRouter router = URLRouter.of(path("api/", URLRouter.of(path("rooms/<str:room>/", consumer))));
        Receive receive = () -> {
            throw new AssertionError("receive() called during routing");
        };

        Delegating.Next last = Delegating.resolve(router, Scope.websocket("/api/rooms/lobby/"), receive, msg -> { });

        assertThat(last.application()).isSameAs(consumer).isInstanceOf(Resumable.class);
        assertThat(last.receive()).isSameAs(receive);
        assertThat(last.scope().urlRoute().kwargs()).containsExactly(Map.entry("room", "lobby"));
    }

    @Test
    void nestedRouters_reportOutermostPathWhenNothingMatches() {
        URLRouter outer = URLRouter.of(path("chat/", URLRouter.of(path("messages/", chat))));

        NoRouteFoundException e = catchThrowableOfType(NoRouteFoundException.class,
                () -> runWith(outer, Scope.websocket("/chat/members/")));

        assertThat(e.path()).isEqualTo("chat/members/");
        assertThat(e.isNested()).isFalse();
    }

    @Test
    void nestedRouters_emptyOuterPathMountsInnerAtRoot() throws Exception {
        URLRouter outer = URLRouter.of(path("", URLRouter.of(path("chat/", chat))));

        runWith(outer, Scope.websocket("/chat/"));

        assertThat(chat.scope().pathRemaining()).isEmpty();
    }

    @Test
    void run_readsPathRemainingBeforePath() throws Exception {
        Scope scope = Scope.websocket("/ignored/").toBuilder().pathRemaining("left/").build();

        runWith(URLRouter.of(path("left/", chat)), scope);

        assertThat(chat.runs()).isOne();
    }

    @Test
    void run_doesNotSwallowApplicationFailures() {
        URLRouter router = URLRouter.of(path("x/", (scope, receive, send) -> {
            throw new NoRouteFoundException(scope.type(), "elsewhere");
        }), path("<path:any>", chat));

        assertThatThrownBy(() -> runWith(router, Scope.websocket("/x/")))
                .isInstanceOf(NoRouteFoundException.class)
                .hasMessageContaining("elsewhere");
        assertThat(chat.runs()).isZero();
    }

    @Test
    void routes_areCopiedAndUnmodifiable() {
        Route route = path("a/", chat);
        URLRouter router = new URLRouter(new ArrayList<>(List.of(route)));

        assertThat(router.routes()).containsExactly(route);
        assertThatThrownBy(() -> router.routes().add(route)).isInstanceOf(UnsupportedOperationException.class);
    }
}
