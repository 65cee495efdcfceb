package io.channels4j.examples.chat;

import io.channels4j.DenyConnection;
import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayerException;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>When the channel layer's store is unreachable (Redis down or restarting: the layer throws
 * {@link ChannelLayerException} within its timeout), connections stay open: a message sent
 * meanwhile is answered on that socket only with
 * {@code {"error": "chat is temporarily unavailable, message not delivered"}} and logged as one
 * WARN line naming the room; a new connection is refused (HTTP 403), so the page's reconnect with
 * backoff tries again; a connection that ends meanwhile logs that it could not leave its room.
 * Once Redis is back, the layer puts the rooms' memberships back and the chat resumes by itself.
 *
 * <p>Threading: one instance per connection; its handlers run one at a time on the connection's
 * thread.
 */
// [snippet chat-consumer]
public class ChatConsumer extends WebsocketConsumer {

    /** The longest chat message accepted, in characters. */
    public static final int MAX_MESSAGE_LENGTH = 4096;

    /** What a sender is told when its message could not reach the room. */
    public static final String UNAVAILABLE = "chat is temporarily unavailable, message not delivered";

    private static final Logger log = LoggerFactory.getLogger(ChatConsumer.class);

    private String roomGroupName;

    /** Creates the consumer; one per connection. */
    public ChatConsumer() {
    }

    @Override
    public void connect() {
        String roomName = scope().urlRoute().kwarg("room_name");
        roomGroupName = "chat_" + roomName;

        // Join room group
        try {
            channelLayer().groupAdd(roomGroupName, channelName());
        } catch (ChannelLayerException e) {
            // The layer's store (Redis) is unreachable: refuse the handshake; the page retries
            log.warn("chat: refused a connection to {}: {}", roomGroupName, e.getMessage());
            roomGroupName = null;
            throw new DenyConnection("channel layer unavailable");
        }

        accept();
    }

    @Override
    public void disconnect(int code) {
        // Leave room group
        if (roomGroupName != null) {
            try {
                channelLayer().groupDiscard(roomGroupName, channelName());
            } catch (ChannelLayerException e) {
                log.warn("chat: could not leave {}: {}", roomGroupName, e.getMessage());
            }
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
        try {
            channelLayer().groupSend(roomGroupName, Message.of("type", "chat.message", "message", message));
        } catch (ChannelLayerException e) {
            // Redis is unreachable: tell the sender, keep the connection
            log.warn("chat: a message to {} was not delivered: {}", roomGroupName, e.getMessage());
            error(UNAVAILABLE);
        }
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
