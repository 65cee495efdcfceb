package io.channels4j.server;

import io.channels4j.Application;

import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a real {@link ChannelsServer} on a free loopback port for a test
 * class (static field) or for each test (instance field): Channels' {@code ChannelsLiveServerTestCase}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static LiveServerExtension server = LiveServerExtension.of(() -> application);
 *
 * @Test void chat() { URI uri = server.websocketUrl("/ws/chat/lobby/"); ... }
 * }</pre>
 *
 * <p>Needs {@code junit-jupiter-api} on the test class path (an optional dependency of
 * {@code channels-server}). Threading: JUnit's thread starts and stops the server.
 */
@SuppressWarnings("exports") // JUnit is an optional dependency: only tests that have it use this class
public final class LiveServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final Supplier<Application> application;
    private final Consumer<ChannelsServer.Builder> customizer;
    private ChannelsServer server;
    private boolean perClass;

    private LiveServerExtension(Supplier<Application> application, Consumer<ChannelsServer.Builder> customizer) {
        this.application = Objects.requireNonNull(application, "application");
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    /**
     * A live server for an application, with default settings.
     *
     * @param application supplies the application when the server starts
     * @return the extension
     */
    public static LiveServerExtension of(Supplier<Application> application) {
        return new LiveServerExtension(application, b -> { });
    }

    /**
     * A live server for an application, with settings adjusted by the customizer (port and bind
     * are set to a free loopback port afterwards).
     *
     * @param application supplies the application when the server starts
     * @param customizer  adjusts the builder, e.g. {@code b -> b.pingInterval(Duration.ofSeconds(1))}
     * @return the extension
     */
    public static LiveServerExtension of(Supplier<Application> application, Consumer<ChannelsServer.Builder> customizer) {
        return new LiveServerExtension(application, customizer);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void start() {
        ChannelsServer.Builder builder = ChannelsServer.builder().application(application.get());
        customizer.accept(builder);
        server = builder.bind("127.0.0.1").port(0).start();
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** @return the running server */
    public ChannelsServer server() {
        if (server == null) {
            throw new IllegalStateException("the live server is not running (outside a test?)");
        }
        return server;
    }

    /**
     * A URL on the live server.
     *
     * @param path e.g. {@code /chat/}
     * @return {@code http://127.0.0.1:port/path}
     */
    public URI httpUrl(String path) {
        return server().httpUrl().resolve(path);
    }

    /**
     * A WebSocket URL on the live server.
     *
     * @param path e.g. {@code /ws/chat/lobby/}
     * @return {@code ws://127.0.0.1:port/path}
     */
    public URI websocketUrl(String path) {
        return server().websocketUrl().resolve(path);
    }
}
