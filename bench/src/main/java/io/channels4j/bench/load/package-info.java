/**
 * The WebSocket load generator of {@code channels4j-bench.jar load}: fan-out and connect workloads
 * against any server that speaks the tutorial chat protocol ({@code /ws/chat/<room>/}, {@code
 * {"message": "..."}} in, the same broadcast to the room), the raw Java-WebSocket broadcast server
 * used as the near-limit yardstick, and the report that turns result lines into tables.
 *
 * <p>Entry point: {@link io.channels4j.bench.load.LoadGenerator}. Not published; see
 * {@code bench/README.md} and {@code docs/performance.md}.
 */
package io.channels4j.bench.load;
