package io.channels4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Inbox#pollOrDetach}: an application that leaves its thread while its inbox is empty. */
@Timeout(30)
class InboxDetachTest {

    private static Message msg(String type, int n) {
        return Message.of("type", type, "n", n);
    }

    /** Records launches instead of running them. */
    private static final class RecordingLauncher implements Inbox.Launcher {
        final List<Inbox.Step> launched = new ArrayList<>();

        @Override
        public void launch(Inbox.Step step) {
            launched.add(step);
        }
    }

    @Test
    void queuedItemsComeFirst_inOrder_thenTheCallerStepsOff() throws Exception {
        Inbox inbox = new Inbox();
        RecordingLauncher launcher = new RecordingLauncher();
        Inbox.Step step = () -> false;
        inbox.put(msg("a", 1));
        inbox.offerFromLayer(msg("b", 2), 1);

        assertThat(inbox.pollOrDetach(step, launcher)).isEqualTo(msg("a", 1));
        assertThat(inbox.pollOrDetach(step, launcher)).isEqualTo(msg("b", 2));
        assertThat(inbox.layerPending()).isZero();
        assertThat(inbox.pollOrDetach(step, launcher)).isNull();

        assertThat(launcher.launched).isEmpty();
    }

    @Test
    void theNextItemLaunchesTheKeptStep_once() throws Exception {
        Inbox inbox = new Inbox();
        RecordingLauncher launcher = new RecordingLauncher();
        Inbox.Step step = () -> false;
        assertThat(inbox.pollOrDetach(step, launcher)).isNull();

        inbox.put(msg("a", 1));
        inbox.offerFromLayer(msg("b", 2), 5);

        assertThat(launcher.launched).containsExactly(step);
        assertThat(inbox.size()).isEqualTo(2); // the items wait for the launched step
        assertThat(inbox.takeDetached()).isNull();
    }

    @Test
    void aTakenBackStep_isNotLaunched() throws Exception {
        Inbox inbox = new Inbox();
        RecordingLauncher launcher = new RecordingLauncher();
        Inbox.Step step = () -> false;
        assertThat(inbox.takeDetached()).isNull();
        assertThat(inbox.pollOrDetach(step, launcher)).isNull();

        assertThat(inbox.takeDetached()).isSameAs(step);
        inbox.put(msg("a", 1));

        assertThat(launcher.launched).isEmpty();
        assertThat(inbox.takeDetached()).isNull();
    }

    @Test
    void anInterruptedCaller_withNothingQueued_throwsInsteadOfSteppingOff() throws Exception {
        Inbox inbox = new Inbox();
        RecordingLauncher launcher = new RecordingLauncher();
        inbox.put(msg("a", 1));
        Thread.currentThread().interrupt();
        try {
            assertThat(inbox.pollOrDetach(() -> false, launcher)).isEqualTo(msg("a", 1)); // what is queued still comes
            assertThatThrownBy(() -> inbox.pollOrDetach(() -> false, launcher)).isInstanceOf(InterruptedException.class);
            assertThat(inbox.takeDetached()).isNull();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anItemAddedWhileTheConsumerStepsOff_isNeverLeftBehind() throws Exception {
        // the producer adds each item just as the consumer, having taken the one before, finds the inbox empty and
        // steps off: an item added between its last look and the publishing of its step must still launch it
        Inbox inbox = new Inbox();
        int rounds = 50_000;
        AtomicInteger taken = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Inbox.Launcher[] launcher = new Inbox.Launcher[1];
        Inbox.Step step = new Inbox.Step() {
            @Override
            public boolean run() throws Exception {
                while (inbox.pollOrDetach(this, launcher[0]) != null) {
                    taken.incrementAndGet();
                }
                return false;
            }
        };
        launcher[0] = s -> Thread.ofVirtual().name("inbox-step").start(() -> {
            try {
                s.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        assertThat(step.run()).isFalse();

        for (int i = 0; i < rounds; i++) {
            inbox.put(msg("item", i));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (taken.get() <= i) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("item " + i + " was left in the inbox with nobody to take it");
                }
                Thread.onSpinWait();
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void manyProducers_againstAConsumerThatKeepsSteppingOff_loseNothing_keepOrder_andNeverOverlap() throws Exception {
        Inbox inbox = new Inbox();
        int producers = 4;
        int perProducer = 5_000;
        int total = producers * perProducer;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger launches = new AtomicInteger();
        AtomicInteger taken = new AtomicInteger();
        long[] next = new long[producers];
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch allTaken = new CountDownLatch(1);

        Inbox.Launcher[] launcher = new Inbox.Launcher[1];
        Inbox.Step[] step = new Inbox.Step[1];
        step[0] = () -> {
            if (running.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            try {
                Message m;
                while ((m = inbox.pollOrDetach(step[0], launcher[0])) != null) {
                    int producer = Integer.parseInt(m.type().substring(1));
                    if (m.getLong("n") != next[producer]) {
                        failures.add(new AssertionError("producer " + producer + ": got " + m.getLong("n")
                                + ", expected " + next[producer]));
                    }
                    next[producer]++; // unsynchronized on purpose: steps must follow one another
                    if (taken.incrementAndGet() == total) {
                        allTaken.countDown();
                    }
                }
                return false;
            } finally {
                running.decrementAndGet();
            }
        };
        launcher[0] = s -> {
            launches.incrementAndGet();
            Thread.ofVirtual().name("inbox-step-" + launches.get()).start(() -> {
                try {
                    s.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
        };
        assertThat(step[0].run()).isFalse(); // nothing queued yet: steps off at once

        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = InboxProducers.start(inbox, producers, perProducer, start, failures);
        start.countDown();

        assertThat(allTaken.await(20, TimeUnit.SECONDS)).as("all %d items taken", total).isTrue();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(failures).isEmpty();
        assertThat(overlaps.get()).as("steps running at once").isZero();
        assertThat(next).containsOnly(perProducer);
        assertThat(launches.get()).isPositive();
        assertThat(inbox.layerPending()).isZero();
        // the last step stepped off, or is about to: either way nothing is left behind
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 0);
        assertThat(inbox.size()).isZero();
    }
}
