package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.Route;
import io.channels4j.routing.URLRouter;

import java.util.List;
import java.util.Map;

import static io.channels4j.routing.Route.rePath;

/** The tutorial's {@code chat/routing.py} and {@code mysite/asgi.py}. */
public final class ChatRouting {

    private ChatRouting() {
    }

    /**
     * {@code websocket_urlpatterns}.
     *
     * @param layers where consumers find the {@code default} channel layer
     * @return the WebSocket routes
     */
    public static List<Route> websocketUrlPatterns(ChannelLayers layers) {
        return List.of(rePath("ws/chat/(?P<room_name>\\w+)/$", Consumer.asApplication(ChatConsumer::new, layers)));
    }

    /**
     * The whole application: WebSocket routes under a protocol router. HTTP pages arrive with
     * the server.
     *
     * @param layers where consumers find the {@code default} channel layer
     * @return the application
     */
    public static Application application(ChannelLayers layers) {
        return ProtocolTypeRouter.of(Map.of("websocket", new URLRouter(websocketUrlPatterns(layers))));
    }
}
