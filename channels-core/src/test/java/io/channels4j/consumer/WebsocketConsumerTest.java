package io.channels4j.consumer;

import io.channels4j.AcceptConnection;
import io.channels4j.DenyConnection;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.testing.WebsocketCommunicator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebsocketConsumerTest {

    /** Disconnect codes seen by every consumer of these tests, in order. */
    static final List<Integer> DISCONNECTS = new CopyOnWriteArrayList<>();

    private final ChannelLayer layer = new InMemoryChannelLayer();
    private final ChannelLayers layers = new ChannelLayers().set("default", layer);
    private final List<WebsocketCommunicator> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(WebsocketCommunicator::close);
        layer.close();
        DISCONNECTS.clear();
    }

    private WebsocketCommunicator client(Supplier<? extends Consumer> factory) {
        return client(factory, "/ws/test/");
    }

    private WebsocketCommunicator client(Supplier<? extends Consumer> factory, String path) {
        WebsocketCommunicator c = new WebsocketCommunicator(Consumer.asApplication(factory, layers), path);
        clients.add(c);
        return c;
    }

    /** Echoes frames; "close:<code>" closes, "fail" throws, "send-close" sends then closes. */
    public static class EchoConsumer extends WebsocketConsumer {
        @Override
        public void receive(String text) {
            if (text.startsWith("close:")) {
                close(Integer.parseInt(text.substring(6)), "asked to");
            } else if (text.equals("fail")) {
                throw new IllegalStateException("handler failed on purpose");
            } else if (text.equals("send-close")) {
                sendAndClose("bye", 4001);
            } else {
                send(text);
            }
        }

        @Override
        public void receive(byte[] bytes) {
            send(bytes);
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.add(code);
        }
    }

    @Test
    void connect_acceptsByDefault() {
        WebsocketCommunicator c = client(EchoConsumer::new);
        WebsocketCommunicator.ConnectResult result = c.connect();
        assertThat(result.accepted()).isTrue();
        assertThat(result.subprotocol()).isNull();
    }

    @Test
    void receive_textAndBytes_areEchoed() {
        WebsocketCommunicator c = client(EchoConsumer::new);
        c.connect();
        c.sendTo("hello");
        assertThat(c.receiveFrom()).isEqualTo("hello");
        c.sendTo("é€".getBytes(StandardCharsets.UTF_8));
        assertThat(c.receiveBytesFrom()).isEqualTo("é€".getBytes(StandardCharsets.UTF_8));
        assertThat(c.receiveNothing()).isTrue();
    }

    @Test
    void accept_withSubprotocolAndHeaders() {
        class Sub extends WebsocketConsumer {
            @Override
            public void connect() {
                assertThat(scope().subprotocols()).containsExactly("chat.v1", "chat.v2");
                accept("chat.v2", Headers.of("x-room", "lobby"));
            }
        }
        WebsocketCommunicator c = new WebsocketCommunicator(Consumer.asApplication(Sub::new, layers), "/ws/",
                Headers.empty(), List.of("chat.v1", "chat.v2"));
        clients.add(c);
        WebsocketCommunicator.ConnectResult result = c.connect();
        assertThat(result.accepted()).isTrue();
        assertThat(result.subprotocol()).isEqualTo("chat.v2");
        assertThat(result.headers().get("X-Room")).isEqualTo("lobby");
    }

    @Test
    void denyConnection_rejectsTheHandshake_andDisconnectRunsOnce() {
        class Denier extends EchoConsumer {
            @Override
            public void connect() {
                throw new DenyConnection("no entry");
            }
        }
        WebsocketCommunicator c = client(Denier::new);
        WebsocketCommunicator.ConnectResult result = c.connect();
        assertThat(result.accepted()).isFalse();
        assertThat(result.closeCode()).isEqualTo(1000);
        c.await(Duration.ofSeconds(2));
        assertThat(DISCONNECTS).containsExactly(1000);
    }

    @Test
    void closeInConnect_rejectsWithTheCode() {
        class Closer extends WebsocketConsumer {
            @Override
            public void connect() {
                close(4003);
            }
        }
        WebsocketCommunicator.ConnectResult result = client(Closer::new).connect();
        assertThat(result.accepted()).isFalse();
        assertThat(result.closeCode()).isEqualTo(4003);
    }

    @Test
    void acceptConnection_acceptsAndLeavesConnect() {
        class Acceptor extends WebsocketConsumer {
            @Override
            public void connect() {
                throw new AcceptConnection();
            }
        }
        assertThat(client(Acceptor::new).connect().accepted()).isTrue();
    }

    @Test
    void sendBeforeAccept_failsTheConsumerWithAClearError() {
        class Eager extends WebsocketConsumer {
            @Override
            public void connect() {
                send("too early");
            }
        }
        WebsocketCommunicator c = client(Eager::new);
        c.sendInput(Events.websocketConnect());
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2)))
                .rootCause().hasMessageContaining("before the connection is accepted");
    }

    @Test
    void clientDisconnect_runsDisconnectOnceWithTheCode() {
        WebsocketCommunicator c = client(EchoConsumer::new);
        c.connect();
        c.disconnect(1001);
        assertThat(DISCONNECTS).containsExactly(1001);
        assertThat(c.failure()).isNull();
    }

    @Test
    void serverClose_sendsCodeAndReason_thenDisconnectRunsOnce() {
        WebsocketCommunicator c = client(EchoConsumer::new);
        c.connect();
        c.sendTo("close:4000");
        Message close = c.receiveClose();
        assertThat(close.getInt("code")).isEqualTo(4000);
        assertThat(close.getString("reason")).isEqualTo("asked to");
        c.await(Duration.ofSeconds(2));
        assertThat(DISCONNECTS).containsExactly(4000);
        c.disconnect(1000); // a late client close changes nothing
        assertThat(DISCONNECTS).containsExactly(4000);
    }

    @Test
    void sendAndClose_sendsTheFrameThenCloses() {
        WebsocketCommunicator c = client(EchoConsumer::new);
        c.connect();
        c.sendTo("send-close");
        assertThat(c.receiveFrom()).isEqualTo("bye");
        assertThat(c.receiveClose().getInt("code")).isEqualTo(4001);
        c.await(Duration.ofSeconds(2));
        assertThat(DISCONNECTS).containsExactly(4001);
    }

    @Test
    void handlerError_closesWith1011_runsDisconnectOnce_andSurfacesTheError() {
        WebsocketCommunicator c = client(EchoConsumer::new);
        c.connect();
        c.sendTo("fail");
        assertThat(c.receiveClose().getInt("code")).isEqualTo(1011);
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2)))
                .cause().hasMessage("handler failed on purpose");
        assertThat(DISCONNECTS).containsExactly(1011);
    }

    @Test
    void interruptedConsumer_stillRunsDisconnectOnce() {
        WebsocketCommunicator c = client(EchoConsumer::new);
        c.connect();
        c.stop();
        assertThat(DISCONNECTS).containsExactly(1006);
    }

    @Test
    void framesAfterClose_areDropped_notSentAndNotFatal() {
        class LateSender extends WebsocketConsumer {
            @Override
            public void receive(String text) {
                close();
                send("after close");
            }
        }
        WebsocketCommunicator c = client(LateSender::new);
        c.connect();
        c.sendTo("x");
        c.receiveClose();
        c.await(Duration.ofSeconds(2));
        assertThat(c.receiveNothing()).isTrue();
    }

    /** Joins a group through groups(). */
    public static class GroupMember extends WebsocketConsumer {
        @Override
        protected List<String> groups() {
            return List.of("news");
        }

        public void newsFlash(Message event) {
            send(event.getString("text"));
        }

        @Override
        public void disconnect(int code) {
            DISCONNECTS.add(code);
        }
    }

    @Test
    void groups_joinedOnConnect_leftOnDisconnect() {
        WebsocketCommunicator c = client(GroupMember::new);
        c.connect();
        layer.groupSend("news", Message.of("type", "news.flash", "text", "extra!"));
        assertThat(c.receiveFrom()).isEqualTo("extra!");
        c.disconnect();
        // The member left: a group send reaches nobody and nothing is dropped for a full member.
        long dropped = layer.droppedMessages();
        layer.groupSend("news", Message.of("type", "news.flash", "text", "late"));
        assertThat(layer.droppedMessages()).isEqualTo(dropped);
        WebsocketCommunicator other = client(GroupMember::new);
        other.connect();
        layer.groupSend("news", Message.of("type", "news.flash", "text", "second"));
        assertThat(other.receiveFrom()).isEqualTo("second");
    }

    @Test
    void groupsWithoutLayer_isAClearError() {
        WebsocketCommunicator c = new WebsocketCommunicator(
                Consumer.asApplication(GroupMember::new, new ChannelLayers()), "/ws/");
        clients.add(c);
        c.sendInput(Events.websocketConnect());
        assertThatThrownBy(() -> c.await(Duration.ofSeconds(2)))
                .cause().isInstanceOf(InvalidChannelLayerException.class);
    }

    @Test
    void connectTimeoutStyle_noAnswer_isReportedByTheCommunicator() {
        class Silent extends WebsocketConsumer {
            @Override
            public void connect() {
                // neither accept nor close: a server would reject after its connect timeout
            }
        }
        WebsocketCommunicator c = client(Silent::new);
        assertThatThrownBy(() -> c.connect(Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no event");
    }
}
