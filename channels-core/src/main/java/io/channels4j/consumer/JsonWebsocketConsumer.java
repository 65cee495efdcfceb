package io.channels4j.consumer;

import io.channels4j.Events;
import io.channels4j.Json;

import com.fasterxml.jackson.databind.JsonNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket consumer that speaks JSON in text frames, Channels' {@code JsonWebsocketConsumer}:
 * override {@link #receiveJson(JsonNode)}, call {@link #sendJson(Object)}.
 *
 * <p>Bad input does not kill the consumer thread: a binary frame calls
 * {@link #receiveBinaryFrame(byte[])} and text that is not JSON calls
 * {@link #receiveInvalidJson(String, Json.InvalidJsonException)}; by default both log a warning
 * and close the connection with a clear code and reason (1003 and 1007), after which
 * {@link #disconnect(int)} runs as on any close. Override them to answer differently (for example
 * to send an error object and keep the connection).
 *
 * <p>Threading and lifecycle as in {@link WebsocketConsumer}.
 */
public abstract class JsonWebsocketConsumer extends WebsocketConsumer {

    private static final Logger log = LoggerFactory.getLogger(JsonWebsocketConsumer.class);

    /** Creates the consumer. */
    protected JsonWebsocketConsumer() {
    }

    /**
     * Called for each text frame that holds valid JSON. Does nothing by default.
     *
     * @param content the decoded JSON
     */
    public void receiveJson(JsonNode content) {
    }

    /**
     * Sends a value as a JSON text frame.
     *
     * @param content a Map, List, record, {@link JsonNode} or anything Jackson can write
     */
    public void sendJson(Object content) {
        send(encodeJson(content));
    }

    /**
     * Sends a value as a JSON text frame, then closes with 1000.
     *
     * @param content the value
     */
    public void sendJsonAndClose(Object content) {
        sendAndClose(encodeJson(content));
    }

    /**
     * Decodes a text frame; override to use another mapper.
     *
     * @param text the frame's text
     * @return the tree
     * @throws Json.InvalidJsonException if the text is not JSON
     */
    protected JsonNode decodeJson(String text) {
        return Json.parse(text);
    }

    /**
     * Encodes a value; override to use another mapper.
     *
     * @param content the value
     * @return JSON text
     */
    protected String encodeJson(Object content) {
        return Json.stringify(content);
    }

    /**
     * Called for a text frame that is not JSON. By default logs a warning and closes with 1007
     * (invalid payload data) and the reason {@code invalid JSON}.
     *
     * @param text  the frame's text
     * @param error what the parser said
     */
    protected void receiveInvalidJson(String text, Json.InvalidJsonException error) {
        log.warn("closing {}: a text frame was not JSON ({})", scope().path(), error.getMessage());
        close(Events.CLOSE_INVALID_PAYLOAD, "invalid JSON");
    }

    /**
     * Called for a binary frame. By default logs a warning and closes with 1003 (unsupported
     * data) and the reason {@code binary frames are not supported}.
     *
     * @param bytes the frame's bytes
     */
    protected void receiveBinaryFrame(byte[] bytes) {
        log.warn("closing {}: got a binary frame of {} bytes, this consumer takes JSON text", scope().path(),
                bytes.length);
        close(Events.CLOSE_UNSUPPORTED_DATA, "binary frames are not supported");
    }

    @Override
    public final void receive(String text) {
        JsonNode content;
        try {
            content = decodeJson(text);
        } catch (Json.InvalidJsonException e) {
            receiveInvalidJson(text, e);
            return;
        }
        receiveJson(content);
    }

    @Override
    public final void receive(byte[] bytes) {
        receiveBinaryFrame(bytes);
    }
}
