package io.channels4j.examples.chat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium driven through Debian's chromedriver, with its own empty profile.
 * Nothing is downloaded: the driver and the browser are named explicitly, so Selenium Manager is
 * never asked. {@link #close()} quits the browser and deletes the profile.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("chat.it.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chat.it.chromedriver", "/usr/bin/chromedriver"));

    /** How long any wait for the page lasts at most. */
    static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Fails (never skips) when Chromium or chromedriver is not installed. */
    static void requireInstalled() {
        StringBuilder missing = new StringBuilder();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.append(" ").append(CHROMIUM).append(" (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.append(" ").append(CHROMEDRIVER).append(" (Debian package chromium-driver)");
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("ChatBrowserIT needs Chromium and ChromeDriver; missing:" + missing
                    + ". Install them with: apt-get install chromium chromium-driver (.ci/run does).");
        }
    }

    /** Starts a headless browser. */
    static Browser start() {
        requireInstalled();
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("chat-it-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1024,768",
                "--user-data-dir=" + profile);
        // Leave alerts open, so that any command after one fails loudly instead of dismissing it.
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    WebElement find(String cssSelector) {
        return driver.findElement(By.cssSelector(cssSelector));
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT);
    }

    /** Opens a URL and waits for the document to have loaded. */
    void open(String url) {
        driver.get(url);
        waiting().until(d -> "complete".equals(driver.executeScript("return document.readyState")));
    }

    /** Waits until the room page's WebSocket is open (the server accepts after joining the group). */
    void awaitSocketOpen() {
        waiting().withMessage("the chat WebSocket to open on " + driver.getCurrentUrl())
                .until(d -> Boolean.TRUE.equals(driver.executeScript(
                        "return typeof chatSocket !== 'undefined' && chatSocket.readyState === WebSocket.OPEN")));
    }

    /** @return the text of {@code #chat-log} */
    String chatLog() {
        String value = find("#chat-log").getDomProperty("value");
        return value == null ? "" : value;
    }

    /** Waits until {@code #chat-log} contains a line equal to the text. */
    void awaitLogLine(String line) {
        waiting().withMessage(() -> "'" + line + "' in #chat-log of " + driver.getCurrentUrl()
                        + "; the log was: " + chatLog())
                .until(d -> chatLog().lines().anyMatch(line::equals));
    }

    /** Saves a PNG screenshot of the page. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary profile is not worth failing a test for.
        }
    }
}
