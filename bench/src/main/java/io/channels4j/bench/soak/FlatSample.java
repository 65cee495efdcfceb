package io.channels4j.bench.soak;

/**
 * The chat server's resources at one point of the flatness check, taken while no message was in
 * flight (the traffic pauses for it): resident memory and threads and open file descriptors from
 * {@code /proc} before the collection, then the heap in use after a full GC, then resident memory
 * again (the collection returns the young generation's pages: the figure without the garbage).
 *
 * @param deliveries       messages delivered so far (all clients)
 * @param seconds          of traffic so far (the pauses for sampling left out)
 * @param deliveriesPerSec over the step that ended here (0 for the first sample)
 * @param rssKb            VmRSS as the traffic left it, KiB
 * @param heapAfterGcKb    heap in use after {@code jcmd GC.run}, KiB
 * @param rssAfterGcKb     VmRSS after that collection, KiB
 * @param threads          OS threads of the server's JVM
 * @param fds              its open file descriptors (sockets included)
 */
record FlatSample(long deliveries, double seconds, long deliveriesPerSec, long rssKb, long heapAfterGcKb, long rssAfterGcKb,
                  int threads,
                  int fds) {
}
