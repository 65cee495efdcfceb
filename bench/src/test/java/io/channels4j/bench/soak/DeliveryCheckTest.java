package io.channels4j.bench.soak;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak's bookkeeping, driven through {@link ChatClient}'s listener methods with fake sockets:
 * acknowledgements, error replies, duplicates, unexpected closes, and the delivery check that
 * finds a member that missed an acknowledged message.
 */
class DeliveryCheckTest {

    private static final long GRACE = TimeUnit.SECONDS.toNanos(10);

    private final Ledger ledger = new Ledger();
    private long origin;

    @BeforeEach
    void setUp() {
        origin = System.nanoTime();
    }

    private ChatClient open(String room) {
        ChatClient client = new ChatClient(ledger.clients().size() + 1, ChatClient.Kind.CHATTER, room, ledger);
        ledger.register(client);
        client.onOpen(new FakeWebSocket());
        return client;
    }

    /** The last frame sent on a socket: the chat relays {"message": ...} to the room unchanged. */
    private static String lastSent(FakeWebSocket socket) {
        return socket.sentText.getLast();
    }

    private static void receive(ChatClient client, String frame) {
        client.onText(new FakeWebSocket(), frame, true);
    }

    private ChatClient openWith(String room, FakeWebSocket socket) {
        ChatClient client = new ChatClient(ledger.clients().size() + 1, ChatClient.Kind.CHATTER, room, ledger);
        ledger.register(client);
        client.onOpen(socket);
        return client;
    }

    @Test
    void aMemberThatMissedAnAcknowledgedMessage_isALostDelivery() {
        FakeWebSocket aliceSocket = new FakeWebSocket();
        ChatClient alice = openWith("lobby", aliceSocket);
        ChatClient bob = open("lobby");
        ChatClient carol = open("lobby");
        ChatClient elsewhere = open("kitchen");

        assertThat(alice.sendChat("hello")).isTrue();
        assertThat(alice.sendChat("again")).as("one outstanding send at a time").isFalse();
        String frame = lastSent(aliceSocket);
        receive(bob, frame);
        receive(alice, frame); // the echo: acknowledged
        ChatClient late = open("lobby"); // joined after the send: not expected to have it

        DeliveryCheck check = DeliveryCheck.of(ledger.messages(), ledger.clients(), GRACE, Long.MAX_VALUE,
                Long.MIN_VALUE, origin);

        assertThat(alice.hasOutstanding()).isFalse();
        assertThat(check.acknowledged()).isEqualTo(1);
        assertThat(check.expectedDeliveries()).as("bob and carol").isEqualTo(2);
        assertThat(check.lostDeliveries()).as("carol").isEqualTo(1);
        assertThat(check.lostMessages()).isEqualTo(1);
        assertThat(check.examples()).singleElement().asString().contains(carol.toString()).contains("never reached");
        assertThat(elsewhere.received).isEmpty();
        assertThat(late.received).isEmpty();
    }

    @Test
    void aMessageSentInsideTheOutageWindow_isCountedApart() {
        FakeWebSocket aliceSocket = new FakeWebSocket();
        ChatClient alice = openWith("lobby", aliceSocket);
        open("lobby");
        long windowStart = System.nanoTime();
        alice.sendChat("during the outage");
        receive(alice, lastSent(aliceSocket));

        DeliveryCheck check = DeliveryCheck.of(ledger.messages(), ledger.clients(), GRACE, windowStart,
                System.nanoTime(), origin);

        assertThat(check.lostDeliveries()).isZero();
        assertThat(check.lostInOutage()).isEqualTo(1);
    }

    @Test
    void aMemberThatLeftSoonAfter_isNotExpected() {
        FakeWebSocket aliceSocket = new FakeWebSocket();
        ChatClient alice = openWith("lobby", aliceSocket);
        ChatClient leaving = open("lobby");
        alice.sendChat("bye");
        receive(alice, lastSent(aliceSocket));
        leaving.close();
        leaving.onClose(new FakeWebSocket(), 1000, "");

        DeliveryCheck check = DeliveryCheck.of(ledger.messages(), ledger.clients(), GRACE, Long.MAX_VALUE,
                Long.MIN_VALUE, origin);

        assertThat(check.expectedDeliveries()).isZero();
        assertThat(ledger.unexpectedCloses.count()).as("a close the client asked for").isZero();
    }

    @Test
    void errorReplies_duplicates_andServerCloses_areRecorded() {
        FakeWebSocket aliceSocket = new FakeWebSocket();
        ChatClient alice = openWith("lobby", aliceSocket);
        ChatClient bob = open("lobby");

        alice.sendChat("refused");
        receive(alice, "{\"error\": \"the channel layer is unavailable\"}");
        alice.sendChat("twice");
        String twice = lastSent(aliceSocket);
        receive(bob, twice);
        receive(bob, twice);
        receive(bob, "{\"error\": \"nobody asked\"}");
        bob.onClose(new FakeWebSocket(), 1011, "");

        Ledger.Sent refused = ledger.sent(ChatClient.messageId("m1"));
        assertThat(refused.erroredAt).isPositive();
        assertThat(refused.acknowledged()).isFalse();
        assertThat(ledger.errorReplies.count()).isEqualTo(1);
        assertThat(ledger.duplicates.count()).isEqualTo(1);
        assertThat(ledger.unexpectedErrorReplies.count()).isEqualTo(1);
        assertThat(ledger.unexpectedCloses.count()).isEqualTo(1);
        assertThat(ledger.unexpectedCloses.first(1).getFirst().what()).contains("1011");
    }

    @Test
    void badInput_expectsAnErrorReply_andTimesOutWithout() {
        FakeWebSocket socket = new FakeWebSocket();
        ChatClient bad = new ChatClient(1, ChatClient.Kind.BAD, "lobby", ledger);
        bad.onOpen(socket);

        assertThat(bad.sendBad()).isTrue();
        assertThat(socket.sentText.getLast()).isEqualTo("this is not JSON");
        receive(bad, "{\"error\": \"not JSON\"}");
        assertThat(bad.sendBad()).isTrue();
        bad.sweep(System.nanoTime() + Duration.ofSeconds(16).toNanos(), Duration.ofSeconds(15));

        assertThat(ledger.badSent.sum()).isEqualTo(2);
        assertThat(ledger.badAnswered.sum()).isEqualTo(1);
        assertThat(ledger.badUnanswered.count()).isEqualTo(1);
    }

    @Test
    void messageId_readsTheSoaksFormat() {
        assertThat(ChatClient.messageId("m42 some text")).isEqualTo(42);
        assertThat(ChatClient.messageId("m7")).isEqualTo(7);
        assertThat(ChatClient.messageId("hello")).isEqualTo(-1);
        assertThat(ChatClient.messageId("mx y")).isEqualTo(-1);
    }
}
