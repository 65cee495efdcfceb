package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.ChannelSink;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.layer.Subscription;
import io.channels4j.routing.URLRouter;
import io.channels4j.testing.WebsocketCommunicator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tutorial's {@link ChatConsumer} while its channel layer's store is unreachable (a layer
 * whose group calls throw {@link ChannelLayerException}, as the Redis layer does when Redis is
 * down): the sender gets an error and stays connected, one WARN line names the room, a new
 * connection is refused, a connection that ends meanwhile ends cleanly, and the room works again
 * once the store is back. In process, no Redis: {@code RedisOutageIT} does it for real.
 */
class ChatConsumerOutageTest {

    private final UnreachableLayer layer = new UnreachableLayer();
    private final Application application = new URLRouter(List.of(rePath("ws/chat/(?P<room_name>\\w+)/$",
            Consumer.asApplication(ChatConsumer::new, new ChannelLayers().set("default", layer)))));

    @AfterEach
    void tearDown() {
        layer.close();
    }

    @Test
    void aMessageSentWhileTheLayerIsDown_isAnsweredWithAnError_andTheSocketStaysOpen() {
        try (StderrCapture log = new StderrCapture();
             var alice = new WebsocketCommunicator(application, "/ws/chat/lobby/");
             var bob = new WebsocketCommunicator(application, "/ws/chat/lobby/")) {
            assertThat(alice.connect().accepted()).isTrue();
            assertThat(bob.connect().accepted()).isTrue();

            layer.down = true;
            alice.sendJsonTo(Map.of("message", "lost"));
            assertThat(alice.receiveJsonFrom().get("error").asText()).isEqualTo(ChatConsumer.UNAVAILABLE);
            alice.sendJsonTo(Map.of("message", "lost again"));
            assertThat(alice.receiveJsonFrom().get("error").asText()).isEqualTo(ChatConsumer.UNAVAILABLE);
            assertThat(bob.receiveNothing()).isTrue();
            assertThat(alice.isDone()).as("the sender's consumer still runs").isFalse();
            assertThat(warnings(log.text(), "a message to chat_lobby was not delivered"))
                    .as("one WARN line per undelivered message, naming the room").isEqualTo(2);
            assertThat(log.text()).contains("Redis test:6379 is unavailable");

            layer.down = false;
            alice.sendJsonTo(Map.of("message", "back"));
            assertThat(alice.receiveJsonFrom().get("message").asText()).isEqualTo("back");
            assertThat(bob.receiveJsonFrom().get("message").asText()).isEqualTo("back");
        }
    }

    @Test
    void aConnectionWhileTheLayerIsDown_isRefused_andItsConsumerEndsCleanly() {
        layer.down = true;
        try (StderrCapture log = new StderrCapture();
             var carol = new WebsocketCommunicator(application, "/ws/chat/lobby/")) {
            assertThat(carol.connect().accepted()).as("handshake refused (403): the page retries").isFalse();
            carol.disconnect();
            await().atMost(Duration.ofSeconds(5)).until(carol::isDone);
            assertThat(carol.failure()).isNull();
            assertThat(warnings(log.text(), "refused a connection to chat_lobby")).isEqualTo(1);
            assertThat(layer.groupMembers("chat_lobby")).isEmpty();
        }
    }

    @Test
    void aConnectionEndingWhileTheLayerIsDown_endsCleanly_andSaysItCouldNotLeave() {
        try (StderrCapture log = new StderrCapture();
             var dave = new WebsocketCommunicator(application, "/ws/chat/lobby/")) {
            assertThat(dave.connect().accepted()).isTrue();
            layer.down = true;
            dave.disconnect();
            await().atMost(Duration.ofSeconds(5)).until(dave::isDone);
            assertThat(dave.failure()).isNull();
            assertThat(warnings(log.text(), "could not leave chat_lobby")).isEqualTo(1);
        }
    }

    private static int warnings(String log, String text) {
        Matcher matcher = Pattern.compile("WARN .*" + Pattern.quote(text)).matcher(log);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /**
     * An in-memory layer whose group operations fail as the Redis layer's do while Redis is down,
     * when {@link #down} is set; everything else works.
     */
    private static final class UnreachableLayer implements ChannelLayer {
        private final InMemoryChannelLayer delegate = new InMemoryChannelLayer();
        volatile boolean down;

        private void check(String operation) {
            if (down) {
                throw new ChannelLayerException("Redis test:6379 is unavailable (" + operation + "): Connection refused",
                        null);
            }
        }

        Set<String> groupMembers(String group) {
            return delegate.groupMembers(group);
        }

        @Override
        public void send(String channel, Message message) {
            check("send");
            delegate.send(channel, message);
        }

        @Override
        public Message receive(String channel) throws InterruptedException {
            return delegate.receive(channel);
        }

        @Override
        public Message receive(String channel, Duration timeout) throws InterruptedException {
            return delegate.receive(channel, timeout);
        }

        @Override
        public String newChannel(String prefix) {
            return delegate.newChannel(prefix);
        }

        @Override
        public Subscription subscribe(String channel, ChannelSink sink) {
            return delegate.subscribe(channel, sink);
        }

        @Override
        public void groupAdd(String group, String channel) {
            check("group add");
            delegate.groupAdd(group, channel);
        }

        @Override
        public void groupDiscard(String group, String channel) {
            check("group discard");
            delegate.groupDiscard(group, channel);
        }

        @Override
        public void groupSend(String group, Message message) {
            check("group send");
            delegate.groupSend(group, message);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public int capacity(String channel) {
            return delegate.capacity(channel);
        }

        @Override
        public long droppedMessages() {
            return delegate.droppedMessages();
        }
    }
}
