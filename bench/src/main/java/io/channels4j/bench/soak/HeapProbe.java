package io.channels4j.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a JVM still uses after a full collection, through the JDK's {@code jcmd}: {@code jcmd
 * <pid> GC.run} (a {@code System.gc()} in that JVM, which returns when the collection is done),
 * then {@code jcmd <pid> GC.heap_info}, whose heap lines (before {@code Metaspace}) are summed:
 * one line for G1 and ZGC, one per generation for Serial and Parallel. The {@code jcmd} is the one
 * of the JDK this process runs on ({@code java.home}), the JDK the chat server is started with.
 * Stateless; each call runs two short processes, each bounded by a timeout.
 */
final class HeapProbe {

    private static final Pattern USED = Pattern.compile("\\bused (\\d+)([KMG])\\b");
    private static final long TIMEOUT_SECONDS = 60;

    private HeapProbe() {
    }

    /**
     * Collects and measures.
     *
     * @param pid a JVM of this user
     * @return KiB of heap in use after a full GC
     * @throws IllegalStateException when {@code jcmd} fails or its output has no heap line
     * @throws InterruptedException  when interrupted
     */
    static long usedAfterFullGcKb(long pid) throws InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        OptionalLong used = parseUsedKb(info);
        if (used.isEmpty()) {
            throw new IllegalStateException("no heap line in jcmd " + pid + " GC.heap_info:\n" + info);
        }
        return used.getAsLong();
    }

    /**
     * Sums the {@code used} figures of the heap lines of {@code GC.heap_info}.
     *
     * @param heapInfo the output of {@code jcmd <pid> GC.heap_info}
     * @return KiB, or empty when there is no heap line
     */
    static OptionalLong parseUsedKb(String heapInfo) {
        long total = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("Metaspace") || trimmed.startsWith("class space")) {
                break;
            }
            Matcher m = USED.matcher(line);
            if (m.find()) {
                long value = Long.parseLong(m.group(1));
                total += switch (m.group(2)) {
                    case "G" -> value * 1024 * 1024;
                    case "M" -> value * 1024;
                    default -> value;
                };
                found = true;
            }
        }
        return found ? OptionalLong.of(total) : OptionalLong.empty();
    }

    private static String jcmd(long pid, String command) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException(jcmd + " is missing: the heap is measured with the JDK's jcmd (run on a JDK,"
                    + " not a JRE)");
        }
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("channels4j-jcmd-", ".txt");
            process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " did not end within " + TIMEOUT_SECONDS
                        + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed (" + process.exitValue() + "): "
                        + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + jcmd + " " + pid + " " + command + ": " + e.getMessage(), e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }
}
