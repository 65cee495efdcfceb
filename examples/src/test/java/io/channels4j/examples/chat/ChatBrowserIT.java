package io.channels4j.examples.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.ExpectedConditions;

import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tutorial chat in a real browser: headless Debian Chromium through Selenium, against the
 * server in-process (in-memory layer) and as two {@code java -jar channels4j-chat.jar} processes
 * sharing one Redis. Needs {@code chromium} and {@code chromium-driver} (fails, never skips,
 * without them) and, for the Redis test, a Redis at {@code CHANNELS_TEST_REDIS} or 127.0.0.1:6379.
 */
class ChatBrowserIT {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path CHAT_JAR = BASEDIR.resolve("target/channels4j-chat.jar");
    private static final Path SCREENSHOT = BASEDIR.resolve("target/chat-room.png");
    private static final Pattern SERVER_URL = Pattern.compile("Chat server on .*: open (http://\\S+?)/chat/");

    private final String prefix = "c4jt" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final List<Browser> browsers = new ArrayList<>();
    private final List<ChatServer.Running> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private boolean usedRedis;

    @BeforeAll
    static void requireChromium() {
        Browser.requireInstalled();
    }

    @AfterEach
    void tearDown() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        for (Browser browser : browsers) {
            run(failures, browser::close);
        }
        for (ChatServer.Running server : servers) {
            run(failures, server::close);
        }
        for (Process process : processes) {
            run(failures, () -> stop(process));
        }
        if (usedRedis) {
            run(failures, () -> {
                try (Jedis jedis = jedis()) {
                    for (String key : jedis.keys(prefix + "*")) {
                        jedis.del(key);
                    }
                }
            });
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("tear-down failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    @Test
    void twoBrowsersChatInOneRoom_onTheInMemoryLayer() throws Exception {
        ChatServer.Running running = ChatServer.start(new ChatServer.Options(0, "127.0.0.1", "memory://"), System.out);
        servers.add(running);
        String base = running.server().httpUrl().toString();

        Browser a = browser();
        enterRoomFromIndex(a, base, "lobby");
        Browser b = browser();
        enterRoomFromIndex(b, base, "lobby");

        a.find("#chat-message-input").sendKeys("hello", Keys.ENTER);
        a.awaitLogLine("hello");
        b.awaitLogLine("hello");
        assertThat(a.find("#chat-message-input").getDomProperty("value")).isEmpty();

        b.find("#chat-message-input").sendKeys("hi there");
        b.find("#chat-message-submit").click();
        a.awaitLogLine("hi there");
        b.awaitLogLine("hi there");
        assertThat(a.chatLog()).isEqualTo("hello\nhi there\n");
        assertThat(b.chatLog()).isEqualTo("hello\nhi there\n");

        Files.deleteIfExists(SCREENSHOT);
        a.screenshot(SCREENSHOT);
        assertThat(SCREENSHOT).isNotEmptyFile();
        byte[] png = Files.readAllBytes(SCREENSHOT);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void browsersOnTwoServerProcesses_shareTheRoomThroughRedis() throws Exception {
        requireRedis();
        assertThat(CHAT_JAR).as("the runnable chat jar, built in the package phase").isRegularFile();
        String layer = redisUrl() + (redisUrl().contains("?") ? "&" : "?") + "prefix=" + prefix;
        usedRedis = true;
        String first = startProcess("chat-1", layer);
        String second = startProcess("chat-2", layer);
        assertThat(first).isNotEqualTo(second);

        Browser a = browser();
        a.open(first + "/chat/lobby/");
        a.awaitSocketOpen();
        Browser b = browser();
        b.open(second + "/chat/lobby/");
        b.awaitSocketOpen();

        a.find("#chat-message-input").sendKeys("hello", Keys.ENTER);
        a.awaitLogLine("hello");
        b.awaitLogLine("hello");

        b.find("#chat-message-input").sendKeys("and back");
        b.find("#chat-message-submit").click();
        a.awaitLogLine("and back");
        b.awaitLogLine("and back");
    }

    @Test
    void aRoomNameWithMarkup_isTextNotHtml() {
        ChatServer.Running running = ChatServer.start(new ChatServer.Options(0, "127.0.0.1", "memory://"), System.out);
        servers.add(running);
        String base = running.server().httpUrl().toString();
        String roomName = "<img src=x onerror=alert(1)>";

        Browser a = browser();
        a.open(base + "/chat/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/");

        // With an alert open, any command fails (prompts are left open); readyState 'complete' means
        // an injected image would already have failed to load and run its onerror.
        assertThatThrownBy(() -> a.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(a.driver().executeScript("return roomName")).isEqualTo(roomName);
        assertThat(a.driver().executeScript("return document.querySelectorAll('img').length")).isEqualTo(0L);
        assertThat(a.driver().executeScript("return document.getElementById('room-name').textContent"))
                .isEqualTo("\"\\u003Cimg src=x onerror=alert(1)\\u003E\"");

        // The same name typed on the index page: the browser encodes it, the page still shows it as text.
        Browser b = browser();
        b.open(base + "/chat/");
        b.find("#room-name-input").sendKeys(roomName, Keys.ENTER);
        b.waiting().until(ExpectedConditions.not(ExpectedConditions.urlToBe(base + "/chat/")));
        b.waiting().until(d -> "complete".equals(b.driver().executeScript("return document.readyState")));
        assertThatThrownBy(() -> b.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(b.driver().executeScript("return roomName")).isEqualTo(roomName);
    }

    private Browser browser() {
        Browser browser = Browser.start();
        browsers.add(browser);
        return browser;
    }

    private static void enterRoomFromIndex(Browser browser, String base, String room) {
        browser.open(base + "/chat/");
        browser.find("#room-name-input").sendKeys(room, Keys.ENTER);
        browser.waiting().until(ExpectedConditions.urlToBe(base + "/chat/" + room + "/"));
        browser.awaitSocketOpen();
    }

    /** Starts {@code java -jar channels4j-chat.jar} on a free port; returns its base URL once it serves. */
    private String startProcess(String name, String layer) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", CHAT_JAR.toString(),
                "--port", "0", "--bind", "127.0.0.1", "--layer", layer)
                .redirectErrorStream(true)
                .start();
        processes.add(process);
        CompletableFuture<String> url = new CompletableFuture<>();
        // Drains the output for the whole life of the process, so the access log never blocks it.
        Thread.ofVirtual().name(name + "-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println("[" + name + "] " + line);
                    Matcher m = SERVER_URL.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException(name + " exited before it printed its URL"));
        });
        try {
            return url.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + " printed no 'Chat server on ...' line within 30 s", e);
        } catch (ExecutionException e) {
            throw new AssertionError(name + " did not start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String redisUrl() {
        String url = System.getenv("CHANNELS_TEST_REDIS");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379/0" : url;
    }

    private static Jedis jedis() {
        URI uri = URI.create(redisUrl());
        return new Jedis(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), 2000);
    }

    private static void requireRedis() {
        try (Jedis jedis = jedis()) {
            jedis.ping();
        } catch (RuntimeException e) {
            throw new AssertionError("this test needs a Redis at " + redisUrl()
                    + " (set CHANNELS_TEST_REDIS, or start one: redis-server --port 6379); " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void run(List<Throwable> failures, Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            failures.add(t);
        }
    }
}
