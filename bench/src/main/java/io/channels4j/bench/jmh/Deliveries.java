package io.channels4j.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A secondary JMH result: messages received by group members, reported next to the group sends
 * as {@code deliveries} (per second in throughput mode).
 *
 * <p>Threading: one per benchmark thread. Lifecycle: reset by JMH before every iteration.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Deliveries {

    /** Messages received so far in this iteration; JMH reads it as the {@code deliveries} counter. */
    public long deliveries;

    /** Starts an iteration at zero. */
    @Setup(Level.Iteration)
    public void reset() {
        deliveries = 0;
    }
}
