package io.channels4j.consumer;

import io.channels4j.Application;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.StopConsumer;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.testing.ApplicationCommunicator;

import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ConsumerDispatchTest {

    private final ChannelLayer layer = new InMemoryChannelLayer();
    private final ChannelLayers layers = new ChannelLayers().set(ChannelLayers.DEFAULT_ALIAS, layer);
    private final List<ApplicationCommunicator> communicators = new ArrayList<>();

    @AfterEach
    void tearDown() {
        communicators.forEach(ApplicationCommunicator::close);
        layer.close();
    }

    /** Records what it handles; emits an {@code ack} event per handled message. */
    public static class RecordingConsumer extends Consumer {
        static final List<RecordingConsumer> INSTANCES = new CopyOnWriteArrayList<>();
        final List<String> handled = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger running = new AtomicInteger();
        volatile int maxConcurrent;

        public RecordingConsumer() {
            INSTANCES.add(this);
        }

        private void record(Message event) {
            int now = running.incrementAndGet();
            maxConcurrent = Math.max(maxConcurrent, now);
            handled.add(event.type() + ":" + event.getString("n", ""));
            sendEvent(Message.of("type", "ack", "n", event.getString("n", ""), "channel", String.valueOf(channelName())));
            running.decrementAndGet();
        }

        public void chatMessage(Message event) {
            record(event);
        }

        public void userJoinedRoom(Message event) {
            record(event);
        }

        public void clientPoke(Message event) {
            record(event);
        }

        public void stopNow(Message event) {
            throw new StopConsumer();
        }

        public void explode(Message event) {
            throw new IllegalArgumentException("boom in handler");
        }
    }

    private ApplicationCommunicator start(Application app) {
        ApplicationCommunicator c = new ApplicationCommunicator(app, Scope.builder("custom").path("/x").build());
        communicators.add(c);
        return c;
    }

    private ApplicationCommunicator startRecording() {
        return start(Consumer.asApplication(RecordingConsumer::new, layers));
    }

    @Test
    void dispatch_callsTheCamelCaseHandlerOfTheType() {
        ApplicationCommunicator c = startRecording();
        c.sendInput(Message.of("type", "chat.message", "n", "1"));
        c.sendInput(Message.of("type", "user.joined_room", "n", "2"));
        assertThat(c.receiveOutput().getString("n")).isEqualTo("1");
        assertThat(c.receiveOutput().getString("n")).isEqualTo("2");
    }

    @Test
    void methodName_followsChannelsRules() {
        assertThat(HandlerTable.methodName("chat.message")).isEqualTo("chatMessage");
        assertThat(HandlerTable.methodName("websocket.connect")).isEqualTo("websocketConnect");
        assertThat(HandlerTable.methodName("chat_message")).isEqualTo("chatMessage");
        assertThat(HandlerTable.methodName("user.joined_room")).isEqualTo("userJoinedRoom");
        assertThatThrownBy(() -> HandlerTable.methodName("_private")).hasMessageContaining("leading underscore");
        assertThatThrownBy(() -> HandlerTable.methodName(".x")).hasMessageContaining("leading underscore");
    }

    @Test
    void missingHandler_failureNamesTypeClassAndMethod() {
        ApplicationCommunicator c = startRecording();
        c.sendInput(Message.of("type", "no.such_thing"));
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2)))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause()
                .hasMessageContaining("No handler for message type 'no.such_thing'")
                .hasMessageContaining(RecordingConsumer.class.getName())
                .hasMessageContaining("noSuchThing(Message event)");
    }

    @Test
    void messageWithoutType_failsClearly() {
        ApplicationCommunicator c = startRecording();
        c.sendInput(Message.of("n", "1"));
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2))).rootCause().hasMessageContaining("no 'type'");
    }

    @Test
    void frameworkMethods_cannotBeReachedThroughAType() {
        // sendEvent and dispatch take a Message but are framework API, not handlers.
        for (String type : List.of("send.event", "dispatch", "on.exit")) {
            ApplicationCommunicator c = startRecording();
            c.sendInput(Message.of("type", type));
            assertThatThrownBy(() -> c.await(Duration.ofSeconds(2)))
                    .rootCause().hasMessageContaining("No handler for message type '" + type + "'");
        }
    }

    @Test
    void websocketConsumer_apiMethodsAreNotHandlers() {
        HandlerTable table = HandlerTable.of(WebsocketConsumerTest.EchoConsumer.class);
        assertThat(table.find("websocket.connect")).isNotNull();
        assertThat(table.find("websocket.receive")).isNotNull();
        assertThat(table.find("websocket.disconnect")).isNotNull();
        assertThat(table.find("send.event")).isNull();
        assertThat(table.find("websocket.close")).isNull();
        assertThat(table.find("websocket.send")).isNull();
    }

    @Test
    void handlers_areResolvedOncePerClass() {
        HandlerTable table = HandlerTable.of(RecordingConsumer.class);
        assertThat(HandlerTable.of(RecordingConsumer.class)).isSameAs(table);
        MethodHandle first = table.find("chat.message");
        assertThat(first).isNotNull();
        assertThat(table.find("chat.message")).isSameAs(first);
        assertThat(table.find("chat_message")).isSameAs(first);
    }

    @Test
    void stopConsumer_endsTheApplicationCleanly() {
        ApplicationCommunicator c = startRecording();
        c.sendInput(Message.of("type", "stop.now"));
        c.await(Duration.ofSeconds(2));
        assertThat(c.failure()).isNull();
    }

    @Test
    void handlerException_endsTheApplicationWithThatException() {
        ApplicationCommunicator c = startRecording();
        c.sendInput(Message.of("type", "explode"));
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2)))
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .cause().hasMessage("boom in handler");
    }

    @Test
    void withoutLayer_channelNameIsNullAndChannelLayerFailsClearly() {
        class Probe extends Consumer {
            public void probe(Message event) {
                sendEvent(Message.of("type", "probe", "name", String.valueOf(channelName()),
                        "has", hasChannelLayer()));
                channelLayer();
            }
        }
        ApplicationCommunicator c = start(Consumer.asApplication(Probe::new, new ChannelLayers()));
        c.sendInput(Message.of("type", "probe"));
        Message answer = c.receiveOutput();
        assertThat(answer.getString("name")).isEqualTo("null");
        assertThat(answer.getBoolean("has", true)).isFalse();
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2)))
                .cause().isInstanceOf(InvalidChannelLayerException.class)
                .hasMessageContaining("no channel layer is configured under alias 'default'");
    }

    @Test
    void layerMessagesToChannelName_areDispatched() {
        ApplicationCommunicator c = startRecording();
        c.sendInput(Message.of("type", "client.poke", "n", "0"));
        String channel = c.receiveOutput().getString("channel");
        assertThat(channel).startsWith("specific.").contains("!");
        layer.send(channel, Message.of("type", "chat.message", "n", "from-layer"));
        assertThat(c.receiveOutput().getString("n")).isEqualTo("from-layer");
    }

    @Test
    void clientEventsAndLayerMessages_areHandledOneAtATimeInArrivalOrder() {
        RecordingConsumer.INSTANCES.clear();
        ApplicationCommunicator c = startRecording();
        c.sendInput(Message.of("type", "client.poke", "n", "start"));
        String channel = c.receiveOutput().getString("channel");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            if (i % 2 == 0) {
                c.sendInput(Message.of("type", "client.poke", "n", "c" + i));
                expected.add("client.poke:c" + i);
            } else {
                layer.send(channel, Message.of("type", "chat.message", "n", "l" + i));
                expected.add("chat.message:l" + i);
            }
        }
        for (int i = 0; i < 50; i++) {
            c.receiveOutput();
        }
        RecordingConsumer consumer = RecordingConsumer.INSTANCES.getLast();
        assertThat(consumer.handled.subList(1, consumer.handled.size())).containsExactlyElementsOf(expected);
        assertThat(consumer.maxConcurrent).isEqualTo(1);
    }

    @Test
    void asApplication_makesOneInstancePerConnection() {
        RecordingConsumer.INSTANCES.clear();
        Application app = Consumer.asApplication(RecordingConsumer::new, layers);
        ApplicationCommunicator a = start(app);
        ApplicationCommunicator b = start(app);
        a.sendInput(Message.of("type", "client.poke"));
        b.sendInput(Message.of("type", "client.poke"));
        String channelA = a.receiveOutput().getString("channel");
        String channelB = b.receiveOutput().getString("channel");
        assertThat(channelA).isNotEqualTo(channelB);
        await().atMost(Duration.ofSeconds(2)).until(() -> RecordingConsumer.INSTANCES.size() == 2);
        assertThat(RecordingConsumer.INSTANCES.get(0)).isNotSameAs(RecordingConsumer.INSTANCES.get(1));
    }

    @Test
    void foreignReceive_isPumpedIntoTheInbox() throws Exception {
        // An application run with a plain Receive (not an Inbox) still gets every event in order.
        List<Message> sent = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<Message> events = new LinkedBlockingQueue<>(List.of(
                Message.of("type", "client.poke", "n", "a"),
                Message.of("type", "client.poke", "n", "b"),
                Message.of("type", "stop.now")));
        Consumer.asApplication(RecordingConsumer::new, layers)
                .run(Scope.builder("custom").build(), events::take, sent::add);
        assertThat(sent).extracting(m -> m.getString("n")).containsExactly("a", "b");
    }

    @Test
    void layerCapacity_appliesToTheConsumersInbox() {
        ChannelLayer small = InMemoryChannelLayer.builder().capacity(2).build();
        try {
            class Blocker extends Consumer {
                public void clientPoke(Message event) throws InterruptedException {
                    sendEvent(Message.of("type", "ack", "channel", channelName()));
                    Thread.sleep(Long.MAX_VALUE); // parks the consumer so its inbox fills up
                }
            }
            ApplicationCommunicator c = start(Consumer.asApplication(Blocker::new,
                    new ChannelLayers().set("default", small)));
            c.sendInput(Message.of("type", "client.poke"));
            String channel = c.receiveOutput().getString("channel");
            small.send(channel, Message.of("type", "chat.message"));
            small.send(channel, Message.of("type", "chat.message"));
            assertThatThrownBy(() -> small.send(channel, Message.of("type", "chat.message")))
                    .isInstanceOf(io.channels4j.layer.ChannelFullException.class);
            small.groupAdd("room", channel);
            long before = small.droppedMessages();
            small.groupSend("room", Message.of("type", "chat.message"));
            assertThat(small.droppedMessages()).isEqualTo(before + 1);
        } finally {
            communicators.forEach(ApplicationCommunicator::close);
            small.close();
        }
    }
}
