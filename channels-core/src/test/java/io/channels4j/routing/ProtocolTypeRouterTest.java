package io.channels4j.routing;

import io.channels4j.Application;
import io.channels4j.Scope;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.channels4j.routing.RecordingApplication.runWith;
import static io.channels4j.routing.Route.path;
import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ProtocolTypeRouterTest {

    private final RecordingApplication http = new RecordingApplication("http");
    private final RecordingApplication websocket = new RecordingApplication("websocket");

    @Test
    void run_dispatchesOnScopeType() throws Exception {
        ProtocolTypeRouter router = ProtocolTypeRouter.of(Map.of("http", http, "websocket", websocket));
        Scope scope = Scope.websocket("/ws/");

        runWith(router, scope);

        assertThat(websocket.scope()).isSameAs(scope);
        assertThat(http.runs()).isZero();
    }

    @Test
    void run_rejectsUnknownTypeNamingConfiguredTypes() {
        ProtocolTypeRouter router = ProtocolTypeRouter.of(Map.of("websocket", websocket, "http", http));

        UnsupportedProtocolException e = catchThrowableOfType(UnsupportedProtocolException.class,
                () -> runWith(router, Scope.builder("lifespan").build()));

        assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No application configured for scope type 'lifespan'; configured types: [http, websocket]");
        assertThat(e.scopeType()).isEqualTo("lifespan");
        assertThat(e.configuredTypes()).containsExactly("http", "websocket");
    }

    @Test
    void run_routesUrlsForHttpAndWebsocket() throws Exception {
        RecordingApplication page = new RecordingApplication("page");
        RecordingApplication chat = new RecordingApplication("chat");
        Application application = ProtocolTypeRouter.of(Map.of(
                "http", new URLRouter(List.of(path("chat/<str:room_name>/", page))),
                "websocket", new URLRouter(List.of(rePath("ws/chat/(?P<room_name>\\w+)/$", chat)))));

        runWith(application, Scope.http("GET", "/chat/lobby/"));
        runWith(application, Scope.websocket("/ws/chat/lobby/"));

        assertThat(page.scope().urlRoute().kwarg("room_name")).isEqualTo("lobby");
        assertThat(chat.scope().urlRoute().kwarg("room_name")).isEqualTo("lobby");
    }

    @Test
    void builder_configuresTypes() throws Exception {
        RecordingApplication worker = new RecordingApplication("worker");
        ProtocolTypeRouter router = ProtocolTypeRouter.builder()
                .http(http).websocket(websocket).channel(worker).protocol("custom", http).build();

        runWith(router, Scope.builder(Scope.CHANNEL).channel("thumbnails").build());

        assertThat(worker.runs()).isOne();
        assertThat(router.applications()).containsOnlyKeys("http", "websocket", "channel", "custom");
    }

    @Test
    void builder_rejectsDuplicateType() {
        assertThatThrownBy(() -> ProtocolTypeRouter.builder().http(http).protocol("http", websocket))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scope type 'http' is already configured");
    }

    @Test
    void of_copiesTheMapAndRejectsNulls() throws Exception {
        Map<String, Application> map = new HashMap<>(Map.of("http", http));
        ProtocolTypeRouter router = ProtocolTypeRouter.of(map);
        map.put("websocket", websocket);

        assertThatThrownBy(() -> runWith(router, Scope.websocket("/")))
                .isInstanceOf(UnsupportedProtocolException.class);
        map.put("websocket", null);
        assertThatThrownBy(() -> ProtocolTypeRouter.of(map))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("'websocket'");
    }
}
