package io.channels4j.examples.chat;

import io.channels4j.Json;
import io.channels4j.consumer.HttpConsumer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The tutorial's two views ({@code chat/views.py}): {@code /chat/} with a room-name input, and
 * {@code /chat/<room>/} with the chat log, the message input and the Send button. The room name
 * is embedded the way Django's {@code json_script} does it: a JSON string in a
 * {@code <script type="application/json">} element with {@code <}, {@code >} and {@code &}
 * escaped, so no room name can inject markup or script.
 */
public final class ChatPages {

    private static final String INDEX = template("index.html");
    private static final String ROOM = template("room.html");

    private ChatPages() {
    }

    /** {@code index} view: the room chooser. */
    // [snippet chat-index-view]
    public static final class Index extends HttpConsumer {
        /** One per request. */
        public Index() {
        }

        @Override
        public void handle(byte[] body) {
            sendResponse(200, INDEX, "text/html; charset=utf-8");
        }
    }
    // [end chat-index-view]

    /** {@code room} view: the chat room page. */
    // [snippet chat-room-view]
    public static final class Room extends HttpConsumer {
        /** One per request. */
        public Room() {
        }

        @Override
        public void handle(byte[] body) {
            String roomName = scope().urlRoute().kwarg("room_name");
            sendResponse(200, ROOM.replace("{{ room_name_json_script }}", jsonScript(roomName, "room-name")),
                    "text/html; charset=utf-8");
        }
    }
    // [end chat-room-view]

    /**
     * Django's {@code json_script} filter: the value as JSON inside a script element, with the
     * characters that could end the element or start markup escaped.
     *
     * @param value     the value
     * @param elementId the element's id
     * @return the HTML
     */
    public static String jsonScript(Object value, String elementId) {
        String json = Json.stringify(value)
                .replace("<", "\\u003C")
                .replace(">", "\\u003E")
                .replace("&", "\\u0026");
        return "<script id=\"" + elementId + "\" type=\"application/json\">" + json + "</script>";
    }

    private static String template(String name) {
        try (InputStream in = ChatPages.class.getResourceAsStream("/templates/chat/" + name)) {
            if (in == null) {
                throw new IllegalStateException("template chat/" + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
