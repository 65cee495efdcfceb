package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.testing.WebsocketCommunicator;

import java.util.Map;

/**
 * Runs the tutorial chat in-process, without a server: three clients (two in {@code lobby}, one
 * in {@code kitchen}) driven by {@link WebsocketCommunicator}s over the embedded in-memory layer,
 * printing what each one sees. The HTTP/WebSocket server replaces this demo once
 * {@code channels-server} lands.
 */
public final class ChatDemo {

    private ChatDemo() {
    }

    /**
     * Runs the demo.
     *
     * @param args {@code --layer URL} picks the channel layer (default {@code memory://})
     */
    public static void main(String[] args) {
        String layerUrl = "memory://";
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--layer")) {
                layerUrl = args[i + 1];
            }
        }
        ChannelLayers layers = new ChannelLayers().set(ChannelLayers.DEFAULT_ALIAS, ChannelLayers.create(layerUrl));
        Application application = ChatRouting.application(layers);
        try (WebsocketCommunicator alice = new WebsocketCommunicator(application, "/ws/chat/lobby/");
             WebsocketCommunicator bob = new WebsocketCommunicator(application, "/ws/chat/lobby/");
             WebsocketCommunicator carol = new WebsocketCommunicator(application, "/ws/chat/kitchen/")) {
            System.out.println("alice connects to /ws/chat/lobby/:   accepted=" + alice.connect().accepted());
            System.out.println("bob connects to /ws/chat/lobby/:     accepted=" + bob.connect().accepted());
            System.out.println("carol connects to /ws/chat/kitchen/: accepted=" + carol.connect().accepted());

            alice.sendJsonTo(Map.of("message", "hello from alice"));
            System.out.println("alice sends {\"message\": \"hello from alice\"}");
            System.out.println("alice receives " + alice.receiveFrom());
            System.out.println("bob receives   " + bob.receiveFrom());
            System.out.println("carol receives nothing: " + carol.receiveNothing());

            alice.disconnect();
            bob.disconnect();
            carol.disconnect();
        } finally {
            layers.closeAll();
        }
        System.out.println("done: the tutorial's room broadcast works over " + layerUrl);
    }
}
