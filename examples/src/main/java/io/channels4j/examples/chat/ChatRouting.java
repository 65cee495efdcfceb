package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.middleware.AllowedHostsOriginValidator;
import io.channels4j.middleware.AuthMiddlewareStack;
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
        return List.of(rePath("ws/chat/(?P<room_name>\\w+)/$", Consumer.asApplication(OnlineChatConsumer::new, layers)));
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
     * {@code mysite/asgi.py}: pages over HTTP and the chat over WebSocket, on one port. WebSocket
     * handshakes must come from a page of one of the allowed hosts (Channels'
     * {@code AllowedHostsOriginValidator}); any other origin, or none, gets HTTP 403, which stops
     * cross-site WebSocket hijacking.
     *
     * @param layers       where consumers find the {@code default} channel layer
     * @param allowedHosts hosts whose pages may open the chat's WebSockets, as in Django's
     *                     {@code ALLOWED_HOSTS}
     * @return the application
     */
    // [snippet chat-application]
    public static Application application(ChannelLayers layers, List<String> allowedHosts) {
        return ProtocolTypeRouter.of(Map.of(
                "http", new URLRouter(httpUrlPatterns()),
                "websocket", new AllowedHostsOriginValidator(
                        AuthMiddlewareStack.wrap(new URLRouter(websocketUrlPatterns(layers))), allowedHosts)));
    }
    // [end chat-application]

    /**
     * {@link #application(ChannelLayers, List)} for development: WebSockets from pages served by
     * {@code localhost}, {@code 127.0.0.1} or {@code [::1]} (any port) only, as Channels allows
     * with {@code DEBUG} on and an empty {@code ALLOWED_HOSTS}.
     *
     * @param layers where consumers find the {@code default} channel layer
     * @return the application
     */
    public static Application application(ChannelLayers layers) {
        return application(layers, AllowedHostsOriginValidator.DEVELOPMENT_HOSTS);
    }
}
