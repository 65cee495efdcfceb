package io.channels4j.server;

import io.channels4j.Application;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol server, the Daphne of channels4j: HTTP/1.1 and WebSocket on one port, running an
 * {@link Application} (routers, middleware, consumers) with one application instance per
 * connection, on virtual threads (a consumer gives its thread back while it waits for events).
 *
 * <pre>{@code
 * ChannelsServer server = ChannelsServer.builder()
 *         .application(application)
 *         .port(8000)
 *         .start();
 * ...
 * server.close(); // graceful: 1001 to open sockets, applications run disconnect, bounded wait
 * }</pre>
 *
 * <p>What the server does for a connection: builds the scope as Daphne does (plus {@code scheme});
 * answers a WebSocket handshake with 101 when the application accepts, 403 when it closes first or
 * does not answer within the connect timeout, 404 when routing finds nothing, 500 when it fails;
 * closes with 1011 when the application fails after accepting; turns HTTP requests into
 * {@code http.request} events and the application's response events into bytes. Limits Daphne 4.0
 * lacks are on by default: a maximum message size, an outbound byte cap per connection (slow
 * clients are cut off), a connection cap, request head and body caps, pings with a timeout.
 * See {@code docs/topics/server.md} for every setting and its default.
 *
 * <p>Threading: {@link #close()} and the accessors may be called from any thread. Lifecycle:
 * {@link Builder#start()} binds the port and returns a running server; {@link #close()} stops it
 * for good.
 */
public final class ChannelsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChannelsServer.class);

    private final Engine engine;
    private final ServerSettings settings;
    private volatile boolean closed;

    private ChannelsServer(Engine engine, ServerSettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /** @return the engine, for tests of this package */
    Engine engine() {
        return engine;
    }

    /**
     * Starts configuring a server.
     *
     * @return a builder with Daphne's defaults; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs a server from the command line, like {@code daphne mysite.asgi:application}; see
     * {@link ServerCommand} for the options.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(ServerCommand.run(args, System.out, System.err));
    }

    /** @return the bound port (useful when the builder asked for port 0) */
    public int port() {
        return engine.getPort();
    }

    /** @return the bind address */
    public String host() {
        return settings.bind();
    }

    /** @return {@code http://host:port} (or {@code https}) for clients on this machine */
    public URI httpUrl() {
        return URI.create((settings.tls() ? "https" : "http") + "://" + urlHost() + ":" + port());
    }

    /** @return {@code ws://host:port} (or {@code wss}) */
    public URI websocketUrl() {
        return URI.create((settings.tls() ? "wss" : "ws") + "://" + urlHost() + ":" + port());
    }

    private String urlHost() {
        String host = settings.bind();
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::")) {
            return "[::1]";
        }
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** @return connections with a running application */
    public int openConnections() {
        return engine.openConnections();
    }

    /**
     * Stops the server gracefully: stops accepting, sends 1001 to open WebSockets, lets
     * applications run their disconnect handling for up to the application close timeout, then
     * interrupts what is left. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.shutdown(settings.applicationCloseTimeout().toMillis());
            log.info("server on port {} stopped", port());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures and starts a {@link ChannelsServer}. Not thread-safe. */
    public static final class Builder {
        private static final Duration MAX_DURATION = Duration.ofDays(36500);

        private Application application;
        private String bind = "127.0.0.1";
        private int port = 8000;
        private Duration websocketTimeout = Duration.ofSeconds(86400);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration pingTimeout = Duration.ofSeconds(30);
        private Duration applicationCloseTimeout = Duration.ofSeconds(10);
        private int maxMessageSize = 1024 * 1024;
        private long maxOutboundBytes = 4L * 1024 * 1024;
        private long maxInboundBytes = 4L * 1024 * 1024;
        private long maxRequestBodySize = 10L * 1024 * 1024;
        private int maxConnections = 100_000;
        private int maxRequestHeadSize = 16 * 1024;
        private Consumer<String> accessLog;
        private boolean proxyHeaders;
        private List<String> trustedProxies = List.of("127.0.0.1", "::1");
        private String rootPath = "";
        private String serverName = "channels4j";
        private SSLContext sslContext;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());

        private Builder() {
        }

        /**
         * The application to run; required.
         *
         * @param application the application (a router, a middleware stack, a consumer)
         * @return this builder
         */
        public Builder application(Application application) {
            this.application = Objects.requireNonNull(application, "application");
            return this;
        }

        /**
         * The address to bind.
         *
         * @param bind an address such as {@code 127.0.0.1} (default) or {@code 0.0.0.0}
         * @return this builder
         */
        public Builder bind(String bind) {
            this.bind = requireText(bind, "bind");
            return this;
        }

        /**
         * The port; 0 picks a free one (see {@link ChannelsServer#port()}).
         *
         * @param port 0..65535; default 8000
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The longest a WebSocket may stay open before the server closes it (1000); negative for
         * no limit. Daphne's {@code --websocket_timeout}.
         *
         * @param timeout default 86400 s
         * @return this builder
         */
        public Builder websocketTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "websocketTimeout");
            if (timeout.isZero()) {
                throw new IllegalArgumentException("websocketTimeout must be positive, or negative for no limit, was 0");
            }
            this.websocketTimeout = timeout.isNegative() ? timeout : notHuge(timeout, "websocketTimeout");
            return this;
        }

        /**
         * How long the application may take to accept or reject a WebSocket handshake (then 403),
         * and how long a client may take to send a complete request head (then the socket is
         * closed). Daphne's {@code --websocket_connect_timeout}.
         *
         * @param timeout default 5 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Send a ping when nothing arrived from a WebSocket client for this long.
         *
         * @param interval default 20 s
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = positive(interval, "pingInterval");
            return this;
        }

        /**
         * Drop a WebSocket client that sends nothing (no pong) for this long after a ping; also
         * bounds close handshakes and stalled HTTP responses.
         *
         * @param timeout default 30 s
         * @return this builder
         */
        public Builder pingTimeout(Duration timeout) {
            this.pingTimeout = positive(timeout, "pingTimeout");
            return this;
        }

        /**
         * How long an application may keep running after its connection closed before it is
         * interrupted (and logged), and how long {@link ChannelsServer#close()} waits.
         *
         * @param timeout default 10 s
         * @return this builder
         */
        public Builder applicationCloseTimeout(Duration timeout) {
            this.applicationCloseTimeout = positive(timeout, "applicationCloseTimeout");
            return this;
        }

        /**
         * The largest WebSocket message (frame, or fragments together); larger ones close the
         * connection with 1009 as soon as the fragment that passes it arrives. A fragment under 64
         * bytes counts as 64, which bounds a message's fragments too (a 1 MiB limit allows 16384).
         * Frames a client sends before the application accepted its handshake are held for it up
         * to the same size.
         *
         * @param bytes default 1 MiB
         * @return this builder
         */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = atLeast(bytes, 1, "maxMessageSize");
            return this;
        }

        /**
         * The most bytes queued for one client. A WebSocket client that stops reading is cut off
         * when a send or a pong would pass it (the application sees disconnect code 1008); a single
         * message larger than the cap still goes to a client with nothing queued. An HTTP response
         * waits for room instead. (The kernel's socket buffer comes on top: on loopback Linux lets
         * it grow to {@code net.ipv4.tcp_wmem}'s maximum, 4 MiB by default.)
         *
         * @param bytes default 4 MiB
         * @return this builder
         */
        public Builder maxOutboundBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxOutboundBytes must be >= 1024, was " + bytes);
            }
            this.maxOutboundBytes = bytes;
            return this;
        }

        /**
         * The most a WebSocket client may have sent ahead of its application: the text
         * (characters) and binary (bytes) messages received and not yet taken by the consumer. A
         * client past it is closed with 1008 (the application gets what came before, then
         * {@code websocket.disconnect} with 1008); one message larger than the cap still goes
         * through when nothing else waits. Without it, a client that sends faster than its
         * consumer handles would grow the server's memory without bound.
         *
         * @param bytes default 4 MiB
         * @return this builder
         */
        public Builder maxInboundBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxInboundBytes must be >= 1024, was " + bytes);
            }
            this.maxInboundBytes = bytes;
            return this;
        }

        /**
         * The largest HTTP request body (by {@code Content-Length}); larger requests get 413.
         *
         * @param bytes default 10 MiB
         * @return this builder
         */
        public Builder maxRequestBodySize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxRequestBodySize must be >= 0, was " + bytes);
            }
            this.maxRequestBodySize = bytes;
            return this;
        }

        /**
         * The most connections served at once; more are answered 503 in the handshake.
         *
         * @param connections default 100000
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = atLeast(connections, 1, "maxConnections");
            return this;
        }

        /**
         * The largest request head; larger ones get 431.
         *
         * @param bytes default 16 KiB
         * @return this builder
         */
        public Builder maxRequestHeadSize(int bytes) {
            this.maxRequestHeadSize = atLeast(bytes, 256, "maxRequestHeadSize");
            return this;
        }

        /**
         * Where access log lines go, in Daphne's format (null: off, the default).
         *
         * @param sink called on server threads with each line; must not block for long
         * @return this builder
         */
        public Builder accessLog(Consumer<String> sink) {
            this.accessLog = sink;
            return this;
        }

        /**
         * Trust {@code X-Forwarded-For}, {@code X-Forwarded-Port} and {@code X-Forwarded-Proto}
         * from {@link #trustedProxies(List) trusted proxies} (default: loopback).
         *
         * @param enabled default false
         * @return this builder
         */
        public Builder proxyHeaders(boolean enabled) {
            this.proxyHeaders = enabled;
            return this;
        }

        /**
         * The proxy addresses whose forwarding headers are believed; {@code *} trusts any.
         *
         * @param addresses default {@code 127.0.0.1} and {@code ::1}
         * @return this builder
         */
        public Builder trustedProxies(List<String> addresses) {
            this.trustedProxies = List.copyOf(addresses);
            return this;
        }

        /**
         * The mount point reported as the scope's {@code rootPath}.
         *
         * @param rootPath default empty
         * @return this builder
         */
        public Builder rootPath(String rootPath) {
            this.rootPath = Objects.requireNonNull(rootPath, "rootPath");
            return this;
        }

        /**
         * The {@code Server} response header; null sends none.
         *
         * @param name default {@code channels4j}
         * @return this builder
         */
        public Builder serverName(String name) {
            if (name != null) {
                for (int i = 0; i < name.length(); i++) {
                    char c = name.charAt(i);
                    if (c < 0x20 || c >= 0x7f) {
                        throw new IllegalArgumentException("serverName must be printable ASCII, was '" + name + "'");
                    }
                }
            }
            this.serverName = name;
            return this;
        }

        /**
         * Serve TLS ({@code https://}, {@code wss://}) with this context.
         *
         * @param context an initialised SSL context
         * @return this builder
         */
        public Builder tls(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Serve TLS with the key and certificate in a keystore (PKCS12 or JKS).
         *
         * @param keystore the keystore file
         * @param password its password (also the key's)
         * @return this builder
         * @throws IllegalArgumentException if the keystore cannot be read
         */
        public Builder tls(Path keystore, char[] password) {
            try (InputStream in = Files.newInputStream(keystore)) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(in, password);
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return tls(context);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot load TLS keystore " + keystore + ": " + e.getMessage(), e);
            }
        }

        /**
         * Decoder threads of the engine for TLS connections (they only parse and hand over); plain
         * connections are decoded on the selector thread, which saves a thread hand-over per message.
         *
         * @param count default: the number of processors
         * @return this builder
         */
        public Builder workers(int count) {
            this.workers = atLeast(count, 1, "workers");
            return this;
        }

        /**
         * Binds the port and starts serving.
         *
         * @return the running server
         * @throws IllegalStateException if no application was given or the port cannot be bound
         */
        public ChannelsServer start() {
            if (application == null) {
                throw new IllegalStateException("no application: call application(...) before start()");
            }
            ServerSettings settings = new ServerSettings(application, bind, port, websocketTimeout, connectTimeout,
                    pingInterval, pingTimeout, applicationCloseTimeout, maxMessageSize, maxOutboundBytes, maxInboundBytes,
                    maxRequestBodySize, maxConnections, maxRequestHeadSize, accessLog, proxyHeaders, trustedProxies,
                    rootPath, serverName, sslContext, workers);
            Engine engine = new Engine(settings);
            try {
                engine.startAndWait();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the server on " + bind + ":" + port + ": " + e.getMessage(), e);
            }
            ChannelsServer server = new ChannelsServer(engine, settings);
            log.info("Listening on {}", server.httpUrl());
            return server;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return notHuge(d, name);
        }

        /** Keeps durations where the timer's nanosecond arithmetic cannot overflow. */
        private static Duration notHuge(Duration d, String name) {
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION.toDays() + " days, was " + d);
            }
            return d;
        }

        private static int atLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
            }
            return value;
        }

        private static String requireText(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
