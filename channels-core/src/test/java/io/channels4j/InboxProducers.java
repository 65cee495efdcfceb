package io.channels4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;

/** Producer threads for inbox tests: each adds its numbered messages, alternating client events and layer messages. */
final class InboxProducers {

    private InboxProducers() {
    }

    /**
     * Starts {@code producers} threads that wait for {@code start}, then add {@code perProducer}
     * messages each: type {@code p<producer>}, {@code n} counting from 0, even ones as client events,
     * odd ones as layer messages.
     *
     * @return the started threads
     */
    static List<Thread> start(Inbox inbox, int producers, int perProducer, CountDownLatch start,
            Queue<Throwable> failures) {
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        Message m = Message.of("type", "p" + id, "n", i);
                        if (i % 2 == 0) {
                            inbox.put(m);
                        } else if (!inbox.offerFromLayer(m, Integer.MAX_VALUE)) {
                            throw new AssertionError("offer refused below capacity");
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "inbox-producer-" + p);
            t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
            threads.add(t);
            t.start();
        }
        return threads;
    }
}
