package io.channels4j.examples.chat;

import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.consumer.WebsocketConsumer;

import java.util.Map;

/**
 * The tutorial's chat consumer (Django Channels tutorial, part 2), in Java: every connection to
 * {@code /ws/chat/<room>/} joins the group {@code chat_<room>}; a text frame
 * {@code {"message": "..."}} is broadcast to the group as a {@code chat.message} event, and each
 * member relays it to its own socket.
 */
public class ChatConsumer extends WebsocketConsumer {
    private String roomGroupName;

    /** Creates the consumer; one per connection. */
    public ChatConsumer() {
    }

    @Override
    public void connect() {
        String roomName = scope().urlRoute().kwarg("room_name");
        roomGroupName = "chat_" + roomName;
        // Join room group
        channelLayer().groupAdd(roomGroupName, channelName());
        accept();
    }

    @Override
    public void disconnect(int code) {
        // Leave room group
        channelLayer().groupDiscard(roomGroupName, channelName());
    }

    /** Receive message from WebSocket. */
    @Override
    public void receive(String textData) {
        String message = Json.parse(textData).get("message").asText();
        // Send message to room group
        channelLayer().groupSend(roomGroupName, Message.of("type", "chat.message", "message", message));
    }

    /**
     * Receive message from room group.
     *
     * @param event the {@code chat.message} event
     */
    public void chatMessage(Message event) {
        // Send message to WebSocket
        send(Json.stringify(Map.of("message", event.getString("message"))));
    }
}
