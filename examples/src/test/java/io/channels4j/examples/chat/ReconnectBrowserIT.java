package io.channels4j.examples.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The room page survives a server restart: a {@code java -jar channels4j-chat.jar} process is
 * killed under two browsers, both pages say they are reconnecting, the process comes back on the
 * same port, both pages say {@code [reconnected]} and chat resumes. Needs {@code chromium} and
 * {@code chromium-driver} (fails, never skips, without them).
 */
class ReconnectBrowserIT {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path CHAT_JAR = BASEDIR.resolve("target/channels4j-chat.jar");
    /** The backoff reaches 1 + 2 + 4 + 8 + 16 s; the restarted server is found well within this. */
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(40);

    private final List<Browser> browsers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void requireChromium() {
        Browser.requireInstalled();
    }

    @AfterEach
    void tearDown() {
        List<Throwable> failures = new ArrayList<>();
        for (Browser browser : browsers) {
            try {
                browser.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        for (Process process : processes) {
            try {
                stop(process);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("tear-down failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    @Test
    void serverKilledAndRestarted_pagesReconnectAndChatResumes() throws Exception {
        assertThat(CHAT_JAR).as("the runnable chat jar, built in the package phase").isRegularFile();
        int port = freePort();
        Process first = startProcess("chat-first", port);
        String room = "http://127.0.0.1:" + port + "/chat/lobby/";

        Browser a = browser();
        a.open(room);
        a.awaitSocketOpen();
        Browser b = browser();
        b.open(room);
        b.awaitSocketOpen();

        stop(first);
        a.awaitLogLine("[reconnecting in 1 s]");
        b.awaitLogLine("[reconnecting in 1 s]");

        startProcess("chat-second", port);
        awaitReconnected(a);
        awaitReconnected(b);

        a.find("#chat-message-input").sendKeys("back again", Keys.ENTER);
        a.awaitLogLine("back again");
        b.awaitLogLine("back again");
        assertThat(a.find("#chat-message-input").getDomProperty("value")).isEmpty();
    }

    private static void awaitReconnected(Browser browser) {
        new WebDriverWait(browser.driver(), RECONNECT_WAIT)
                .withMessage(() -> "'[reconnected]' in #chat-log of " + browser.driver().getCurrentUrl()
                        + "; the log was: " + browser.chatLog())
                .until(d -> browser.chatLog().lines().anyMatch("[reconnected]"::equals));
        browser.awaitSocketOpen();
    }

    private Browser browser() {
        Browser browser = Browser.start();
        browsers.add(browser);
        return browser;
    }

    /** A port free now, so that the restarted process can come back on the same one. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts {@code java -jar channels4j-chat.jar} on the port; returns once it serves. */
    private Process startProcess(String name, int port) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", CHAT_JAR.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--layer", "memory://")
                .redirectErrorStream(true)
                .start();
        processes.add(process);
        CompletableFuture<Void> serving = new CompletableFuture<>();
        // Drains the output for the whole life of the process, so the access log never blocks it.
        Thread.ofVirtual().name(name + "-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println("[" + name + "] " + line);
                    if (line.startsWith("Chat server on ")) {
                        serving.complete(null);
                    }
                }
            } catch (IOException e) {
                serving.completeExceptionally(e);
            }
            serving.completeExceptionally(new IllegalStateException(name + " exited before it printed its URL"));
        });
        try {
            serving.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + " printed no 'Chat server on ...' line within 30 s", e);
        } catch (ExecutionException e) {
            throw new AssertionError(name + " did not start on port " + port + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
        return process;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
