package io.channels4j.server;

import java.lang.reflect.Proxy;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Write requests handed from sending threads to the selector thread. */
class WriteDemandTest {

    private final WriteDemand demand = new WriteDemand();
    private Selector selector;

    @AfterEach
    void tearDown() throws Exception {
        if (selector != null) {
            selector.close();
        }
    }

    private static WebSocketImpl socket() {
        WebSocketListener listener = (WebSocketListener) Proxy.newProxyInstance(WriteDemandTest.class.getClassLoader(),
                new Class<?>[] {WebSocketListener.class}, (proxy, method, args) -> null);
        return new WebSocketImpl(listener, List.<Draft>of(new Draft_6455()));
    }

    @Test
    void inactiveUntilALoopAttaches() throws Exception {
        assertThat(demand.active()).isFalse();
        selector = Selector.open();

        demand.attach(selector, Thread.currentThread());

        assertThat(demand.active()).isTrue();
    }

    @Test
    void demandsComeOutInOrder_oncePerDemand() throws Exception {
        selector = Selector.open();
        demand.attach(selector, Thread.currentThread());
        WebSocketImpl a = socket();
        WebSocketImpl b = socket();

        demand.demand(a);
        demand.demand(b);
        demand.demand(a);

        assertThat(demand.poll()).isSameAs(a);
        assertThat(demand.poll()).isSameAs(b);
        assertThat(demand.poll()).isSameAs(a);
        assertThat(demand.poll()).isNull();
    }

    @Test
    void aDemandFromAnotherThread_wakesTheSelector_andAgainAfterTheLoopRearms() throws Exception {
        selector = Selector.open();
        demand.attach(selector, null); // no thread is the selector's: every demand comes from elsewhere

        for (int round = 0; round < 2; round++) {
            Thread sender = Thread.ofPlatform().name("write-demand-sender-" + round).start(() -> demand.demand(socket()));
            // without a wake-up this select would block for a minute
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> selector.select(60_000));
            sender.join();
            demand.rearm();
            assertThat(demand.poll()).isNotNull();
        }
    }
}
