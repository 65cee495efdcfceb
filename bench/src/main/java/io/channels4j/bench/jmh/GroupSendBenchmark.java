package io.channels4j.bench.jmh;

import io.channels4j.layer.ChannelLayer;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code groupSend} to a group of {@code members} process-local channels, all held by the
 * receiving layer, then one {@code receive} on every member: the chat room's broadcast. The score
 * is group messages per second; the {@code deliveries} counter ({@link Deliveries}) is messages
 * received per second ({@code members} per group message).
 *
 * <p>Threading: one benchmark thread per trial; the layers' own threads receive.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class GroupSendBenchmark {

    private static final String GROUP = "bench_group";

    /** Which layers: {@code memory}, {@code redis}, {@code redis-2} (see {@link LayerPair}). */
    @Param({"memory", "redis", "redis-2"})
    public String layer;

    /** How many channels the group holds. */
    @Param({"1", "10", "100", "1000"})
    public int members;

    private LayerPair layers;
    private String[] channels;

    /** Opens the layers, creates the member channels and adds them to the group. */
    @Setup(Level.Trial)
    public void open() {
        layers = LayerPair.open(layer);
        ChannelLayer receiver = layers.receiver();
        channels = new String[members];
        for (int i = 0; i < members; i++) {
            channels[i] = receiver.newChannel();
            receiver.groupAdd(GROUP, channels[i]);
        }
    }

    /** Deletes the trial's keys and closes the layers. */
    @TearDown(Level.Trial)
    public void close() {
        layers.close();
    }

    /**
     * One group message, received by every member.
     *
     * @param counted the deliveries counter
     * @return the number of messages received (consumed by JMH)
     * @throws InterruptedException if interrupted while receiving
     */
    @Benchmark
    public int groupSendAndReceive(Deliveries counted) throws InterruptedException {
        layers.sender().groupSend(GROUP, LayerPair.MESSAGE);
        int received = 0;
        for (String channel : channels) {
            layers.receive(channel);
            received++;
        }
        counted.deliveries += received;
        return received;
    }
}
