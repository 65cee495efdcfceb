package io.channels4j.consumer;

import io.channels4j.Events;
import io.channels4j.Inbox;
import io.channels4j.Message;
import io.channels4j.Resumable;
import io.channels4j.Scope;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A consumer started as a {@link Resumable}: it leaves its thread whenever its inbox is empty and
 * goes on in steps the inbox launches. The steps run here on the test thread, one by one.
 */
class ConsumerStepsTest {

    private final ChannelLayer layer = new InMemoryChannelLayer();
    private final ChannelLayers layers = new ChannelLayers().set(ChannelLayers.DEFAULT_ALIAS, layer);
    private final Inbox inbox = new Inbox();
    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final List<Inbox.Step> launched = new ArrayList<>();
    private final Inbox.Launcher launcher = launched::add;

    @AfterEach
    void tearDown() {
        layer.close();
    }

    /** Echoes, takes a group message, fails on "fail", and records its lifecycle. */
    public static class Echo extends WebsocketConsumer {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();
        static volatile Echo last;

        public Echo() {
            last = this;
        }

        @Override
        public void connect() {
            accept();
        }

        @Override
        public void receive(String text) {
            if (text.equals("fail")) {
                throw new IllegalStateException("failed on purpose");
            }
            EVENTS.add("receive " + text + " on " + Thread.currentThread().getName());
            send(text);
        }

        public void chatMessage(Message event) {
            EVENTS.add("chat " + event.getString("text"));
            send(event.getString("text"));
        }

        @Override
        public void disconnect(int code) {
            EVENTS.add("disconnect " + code);
        }

        @Override
        protected void onExit(Throwable failure) {
            EVENTS.add("exit " + (failure == null ? "clean" : failure.getMessage()));
        }
    }

    private Resumable application() {
        Echo.EVENTS.clear();
        return (Resumable) Consumer.asApplication(Echo::new, layers);
    }

    private Inbox.Step onlyLaunched() {
        assertThat(launched).hasSize(1);
        return launched.remove(0);
    }

    private List<String> texts() {
        return sent.stream().filter(m -> Events.WEBSOCKET_SEND.equals(m.type())).map(m -> m.getString("text")).toList();
    }

    @Test
    void handlesWhatIsQueued_thenStepsOff_andEachArrivalLaunchesOneStep() throws Exception {
        Resumable app = application();
        inbox.put(Events.websocketConnect());

        assertThat(app.start(Scope.websocket("/ws/"), inbox, sent::add, launcher)).isFalse();
        assertThat(sent).extracting(Message::type).containsExactly(Events.WEBSOCKET_ACCEPT);
        assertThat(launched).isEmpty();

        inbox.put(Events.websocketText(Events.WEBSOCKET_RECEIVE, "one"));
        inbox.put(Events.websocketText(Events.WEBSOCKET_RECEIVE, "two"));
        Inbox.Step step = onlyLaunched(); // two events, one step: it takes both
        assertThat(step.run()).isFalse();
        assertThat(texts()).containsExactly("one", "two");

        layer.send(Echo.last.channelName(), Message.of("type", "chat.message", "text", "from the layer"));
        assertThat(onlyLaunched().run()).isFalse();
        assertThat(texts()).containsExactly("one", "two", "from the layer");
        assertThat(Echo.EVENTS).contains("receive one on " + Thread.currentThread().getName());
    }

    @Test
    void theDisconnectStep_finishes_runsOnExit_andClosesTheSubscription() throws Exception {
        Resumable app = application();
        inbox.put(Events.websocketConnect());
        assertThat(app.start(Scope.websocket("/ws/"), inbox, sent::add, launcher)).isFalse();
        String channel = Echo.last.channelName();

        inbox.put(Events.websocketDisconnect(1001));
        assertThat(onlyLaunched().run()).isTrue();

        assertThat(Echo.EVENTS).containsExactly("disconnect 1001", "exit clean");
        layer.send(channel, Message.of("type", "chat.message", "text", "too late"));
        assertThat(launched).isEmpty();
        assertThat(inbox.size()).isZero();
        assertThat(layer.receive(channel, Duration.ZERO)).as("left in the layer, not in the inbox").isNotNull();
    }

    @Test
    void aFailingHandler_endsTheStepWithItsException_afterOnExit() throws Exception {
        Resumable app = application();
        inbox.put(Events.websocketConnect());
        assertThat(app.start(Scope.websocket("/ws/"), inbox, sent::add, launcher)).isFalse();

        inbox.put(Events.websocketText(Events.WEBSOCKET_RECEIVE, "fail"));
        Inbox.Step step = onlyLaunched();

        assertThatThrownBy(step::run).isInstanceOf(IllegalStateException.class).hasMessage("failed on purpose");
        assertThat(Echo.EVENTS).containsExactly("exit failed on purpose");
    }

    @Test
    void anInterruptedStep_withNothingQueued_endsWithInterruptedException() throws Exception {
        Resumable app = application();
        inbox.put(Events.websocketConnect());
        assertThat(app.start(Scope.websocket("/ws/"), inbox, sent::add, launcher)).isFalse();

        Inbox.Step kept = inbox.takeDetached(); // as a server stopping a consumer that outlived its connection
        assertThat(kept).isNotNull();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(kept::run).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(Echo.EVENTS).containsExactly("exit null");
    }

    @Test
    void run_stillBlocksForTheWholeConnection_whenCalledAsAnyApplication() throws Exception {
        Resumable app = application();
        inbox.put(Events.websocketConnect());
        inbox.put(Events.websocketText(Events.WEBSOCKET_RECEIVE, "one"));
        inbox.put(Events.websocketDisconnect(1000));

        app.run(Scope.websocket("/ws/"), inbox, sent::add);

        assertThat(texts()).containsExactly("one");
        assertThat(Echo.EVENTS).containsExactly("receive one on " + Thread.currentThread().getName(),
                "disconnect 1000", "exit clean");
        assertThat(launched).isEmpty();
    }
}
