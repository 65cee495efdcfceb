package io.channels4j.bench.jmh;

import io.channels4j.Message;

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
 * One message there and back: {@code send} then {@code receive} of that message, one in flight,
 * so a score is round trips per second.
 *
 * <ul>
 *   <li>{@link #named}: a normal channel ({@code bench.named}), what workers and
 *       {@code runworker} read;</li>
 *   <li>{@link #local}: a process-local channel from {@code newChannel()}, what every consumer
 *       has. On {@code redis} the sender owns the channel, so the layer may deliver in-process;
 *       on {@code redis-2} it crosses Redis to the other instance's receive loop.</li>
 * </ul>
 *
 * <p>Threading: one benchmark thread per trial (JMH's default); the layers' own threads receive.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SendReceiveBenchmark {

    /** Which layers: {@code memory}, {@code redis}, {@code redis-2} (see {@link LayerPair}). */
    @Param({"memory", "redis", "redis-2"})
    public String layer;

    private LayerPair layers;
    private String named;
    private String local;

    /** Opens the layers and creates the channels. */
    @Setup(Level.Trial)
    public void open() {
        layers = LayerPair.open(layer);
        named = "bench.named";
        local = layers.receiver().newChannel();
    }

    /** Deletes the trial's keys and closes the layers. */
    @TearDown(Level.Trial)
    public void close() {
        layers.close();
    }

    /**
     * Send then receive on a normal channel.
     *
     * @return the received message (consumed by JMH)
     * @throws InterruptedException if interrupted while receiving
     */
    @Benchmark
    public Message named() throws InterruptedException {
        layers.sender().send(named, LayerPair.MESSAGE);
        return layers.receive(named);
    }

    /**
     * Send then receive on a process-local channel of the receiving layer.
     *
     * @return the received message (consumed by JMH)
     * @throws InterruptedException if interrupted while receiving
     */
    @Benchmark
    public Message local() throws InterruptedException {
        layers.sender().send(local, LayerPair.MESSAGE);
        return layers.receive(local);
    }
}
