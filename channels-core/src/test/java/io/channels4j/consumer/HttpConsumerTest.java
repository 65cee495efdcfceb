package io.channels4j.consumer;

import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.testing.HttpCommunicator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpConsumerTest {

    static final List<String> DISCONNECTS = new CopyOnWriteArrayList<>();

    private final ChannelLayer layer = new InMemoryChannelLayer();
    private final ChannelLayers layers = new ChannelLayers().set("default", layer);
    private final List<HttpCommunicator> communicators = new ArrayList<>();

    @AfterEach
    void tearDown() {
        communicators.forEach(HttpCommunicator::close);
        layer.close();
        DISCONNECTS.clear();
    }

    private HttpCommunicator request(java.util.function.Supplier<? extends Consumer> factory, String method,
                                     String path, byte[] body) {
        HttpCommunicator c = new HttpCommunicator(Consumer.asApplication(factory, layers), method, path, body,
                Headers.of("content-type", "text/plain"));
        communicators.add(c);
        return c;
    }

    /** Echoes method, path, query and body. */
    public static class Echo extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            String text = scope().method() + " " + scope().path() + "?" + scope().queryString() + " "
                    + new String(body, StandardCharsets.UTF_8);
            sendResponse(200, text, "text/plain; charset=utf-8");
        }

        @Override
        public void disconnect() {
            DISCONNECTS.add("echo");
        }
    }

    @Test
    void sendResponse_givesStatusHeadersAndBody_thenDisconnectRunsOnce() {
        HttpCommunicator c = request(Echo::new, "post", "/echo/?a=1", "hello".getBytes(StandardCharsets.UTF_8));
        HttpCommunicator.Response response = c.getResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.bodyText()).isEqualTo("POST /echo/?a=1 hello");
        c.await(Duration.ofSeconds(2));
        assertThat(DISCONNECTS).containsExactly("echo");
    }

    @Test
    void bodyChunks_areJoinedBeforeHandle() {
        HttpCommunicator c = request(Echo::new, "PUT", "/x", new byte[0]);
        c.sendInput(Events.httpRequest("ab".getBytes(StandardCharsets.UTF_8), true));
        c.sendInput(Events.httpRequest("cd".getBytes(StandardCharsets.UTF_8), false));
        assertThat(c.receiveOutput().getInt("status")).isEqualTo(200);
        assertThat(new String(c.receiveOutput().getBytes("body"), StandardCharsets.UTF_8)).endsWith(" abcd");
    }

    @Test
    void exceptionInHandle_becomesA500_andIsNotSwallowed() {
        class Broken extends HttpConsumer {
            @Override
            public void handle(byte[] body) {
                throw new IllegalStateException("database down");
            }
        }
        HttpCommunicator c = request(Broken::new, "GET", "/", new byte[0]);
        assertThat(c.getResponse().status()).isEqualTo(500);
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2))).cause().hasMessage("database down");
    }

    /** Server-sent events: headers and a first chunk in handle, more chunks from layer messages. */
    public static class EventStream extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            sendHeaders(200, Map.of("content-type", "text/event-stream"));
            sendBody(("data: " + channelName() + "\n\n").getBytes(StandardCharsets.UTF_8), true);
        }

        public void tick(Message event) {
            boolean last = event.getBoolean("last", false);
            sendBody(("data: " + event.getString("n") + "\n\n").getBytes(StandardCharsets.UTF_8), !last);
        }

        @Override
        public void disconnect() {
            DISCONNECTS.add("sse");
        }
    }

    @Test
    void streaming_keepsTheConsumerAliveForLayerMessages_untilTheLastChunk() {
        HttpCommunicator c = request(EventStream::new, "GET", "/events/", new byte[0]);
        c.sendRequest();
        assertThat(c.receiveOutput().getInt("status")).isEqualTo(200);
        Message first = c.receiveOutput();
        assertThat(first.getBoolean("more_body", false)).isTrue();
        String channel = new String(first.getBytes("body"), StandardCharsets.UTF_8).substring(6).trim();
        layer.send(channel, Message.of("type", "tick", "n", "1"));
        assertThat(new String(c.receiveOutput().getBytes("body"), StandardCharsets.UTF_8)).isEqualTo("data: 1\n\n");
        layer.send(channel, Message.of("type", "tick", "n", "2", "last", true));
        Message last = c.receiveOutput();
        assertThat(last.getBoolean("more_body", true)).isFalse();
        c.await(Duration.ofSeconds(2));
        assertThat(DISCONNECTS).containsExactly("sse");
    }

    @Test
    void clientGoingAway_duringAStream_runsDisconnectOnce() {
        HttpCommunicator c = request(EventStream::new, "GET", "/events/", new byte[0]);
        c.sendRequest();
        c.receiveOutput();
        c.receiveOutput();
        c.sendInput(Events.httpDisconnect());
        c.await(Duration.ofSeconds(2));
        assertThat(DISCONNECTS).containsExactly("sse");
    }

    /** Long-poll: no response in handle; the answer comes with a layer message. */
    public static class LongPoll extends HttpConsumer {
        @Override
        public void handle(byte[] body) {
            channelLayer().groupAdd("waiters", channelName());
        }

        public void wakeUp(Message event) {
            sendResponse(200, event.getString("text"), "text/plain");
        }
    }

    @Test
    void longPoll_answersFromALayerMessage() {
        HttpCommunicator c = request(LongPoll::new, "GET", "/poll/", new byte[0]);
        c.sendRequest();
        assertThat(c.receiveNothing()).isTrue();
        layer.groupSend("waiters", Message.of("type", "wake.up", "text", "news"));
        assertThat(c.getResponse().bodyText()).isEqualTo("news");
        c.await(Duration.ofSeconds(2));
    }

    @Test
    void sendBodyBeforeHeaders_isAClearError() {
        class Wrong extends HttpConsumer {
            @Override
            public void handle(byte[] body) {
                sendBody(new byte[0]);
            }
        }
        HttpCommunicator c = request(Wrong::new, "GET", "/", new byte[0]);
        assertThat(c.getResponse().status()).isEqualTo(500);
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2))).cause().hasMessageContaining("sendHeaders");
    }
}
