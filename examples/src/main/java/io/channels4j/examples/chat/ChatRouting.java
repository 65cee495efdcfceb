package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.Route;
import io.channels4j.routing.URLRouter;

import java.util.List;
import java.util.Map;

import static io.channels4j.routing.Route.path;
import static io.channels4j.routing.Route.rePath;

/** The tutorial's {@code chat/routing.py}, {@code chat/urls.py} and {@code mysite/asgi.py}. */
public final class ChatRouting {

    private ChatRouting() {
    }

    /**
     * {@code websocket_urlpatterns} of {@code chat/routing.py}.
     *
     * @param layers where consumers find the {@code default} channel layer
     * @return the WebSocket routes
     */
    // [snippet chat-websocket-routes]
    public static List<Route> websocketUrlPatterns(ChannelLayers layers) {
        return List.of(rePath("ws/chat/(?P<room_name>\\w+)/$", Consumer.asApplication(ChatConsumer::new, layers)));
    }
    // [end chat-websocket-routes]

    /**
     * {@code urlpatterns} of {@code chat/urls.py}: the two pages.
     *
     * @return the HTTP routes
     */
    // [snippet chat-http-routes]
    public static List<Route> httpUrlPatterns() {
        return List.of(
                path("chat/", Consumer.asApplication(ChatPages.Index::new, new ChannelLayers())),
                path("chat/<str:room_name>/", Consumer.asApplication(ChatPages.Room::new, new ChannelLayers())));
    }
    // [end chat-http-routes]

    /**
     * {@code mysite/asgi.py}: pages over HTTP and the chat over WebSocket, on one port.
     *
     * @param layers where consumers find the {@code default} channel layer
     * @return the application
     */
    // [snippet chat-application]
    public static Application application(ChannelLayers layers) {
        return ProtocolTypeRouter.of(Map.of(
                "http", new URLRouter(httpUrlPatterns()),
                "websocket", new URLRouter(websocketUrlPatterns(layers))));
    }
    // [end chat-application]
}
