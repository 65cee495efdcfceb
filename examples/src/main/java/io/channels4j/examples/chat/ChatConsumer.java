package io.channels4j.examples.chat;

import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.consumer.WebsocketConsumer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The tutorial's chat consumer (Django Channels tutorial, part 2), in Java: every connection to
 * {@code /ws/chat/<room>/} joins the group {@code chat_<room>}; a text frame
 * {@code {"message": "..."}} is broadcast to the group as a {@code chat.message} event, and each
 * member relays it to its own socket as {@code {"message": "..."}}.
 *
 * <p>Bad input gets a clear answer on that socket only, {@code {"error": "..."}}, and the room
 * keeps working: text that is not JSON, JSON without a string {@code message}, a binary frame, a
 * message longer than {@value #MAX_MESSAGE_LENGTH} characters. (Frames over the server's maximum
 * message size are closed with 1009 by the server before they get here.)
 */
// [snippet chat-consumer]
public class ChatConsumer extends WebsocketConsumer {

    /** The longest chat message accepted, in characters. */
    public static final int MAX_MESSAGE_LENGTH = 4096;

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
        if (roomGroupName != null) {
            channelLayer().groupDiscard(roomGroupName, channelName());
        }
    }

    /** Receive message from WebSocket. */
    @Override
    public void receive(String textData) {
        String message = readMessage(textData);
        if (message == null) {
            return;
        }
        // Send message to room group
        channelLayer().groupSend(roomGroupName, Message.of("type", "chat.message", "message", message));
    }

    @Override
    public void receive(byte[] bytes) {
        error("binary frames are not supported: send {\"message\": \"...\"} as text");
    }

    /**
     * Receive message from room group.
     *
     * @param event the {@code chat.message} event
     */
    public void chatMessage(Message event) {
        String message = event.getString("message");

        // Send message to WebSocket
        send(Json.stringify(Map.of("message", message)));
    }

    /** @return the message text, or null after answering the client with an error */
    private String readMessage(String textData) {
        JsonNode json;
        try {
            json = Json.parse(textData);
        } catch (Json.InvalidJsonException e) {
            error("not JSON: send {\"message\": \"...\"}");
            return null;
        }
        JsonNode message = json.get("message");
        if (message == null || !message.isTextual()) {
            error("expected {\"message\": \"...\"} with a string message");
            return null;
        }
        if (message.asText().length() > MAX_MESSAGE_LENGTH) {
            error("message longer than " + MAX_MESSAGE_LENGTH + " characters");
            return null;
        }
        return message.asText();
    }

    private void error(String reason) {
        send(Json.stringify(Map.of("error", reason)));
    }
}
// [end chat-consumer]
