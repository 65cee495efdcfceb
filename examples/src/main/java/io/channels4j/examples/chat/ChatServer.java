package io.channels4j.examples.chat;

import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.middleware.AllowedHostsOriginValidator;
import io.channels4j.server.ChannelsServer;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the tutorial chat: pages and WebSockets on one port, the in-memory layer by default or
 * Redis with {@code --layer redis://127.0.0.1:6379} (or the {@code CHANNELS_LAYER} environment
 * variable), so several servers on several ports share rooms.
 *
 * <pre>
 * java -jar examples/target/channels4j-chat.jar [--port 8000] [--bind 127.0.0.1] [--layer URL]
 *     [--allowed-hosts localhost,127.0.0.1,[::1]]
 * </pre>
 *
 * WebSocket handshakes are accepted only from pages of the allowed hosts (the Origin header is
 * checked, as Channels' {@code AllowedHostsOriginValidator} does); others get HTTP 403. The
 * default allows the local development hosts; name the host the browser uses when the server is
 * reached otherwise, e.g. {@code --allowed-hosts chat.example.com} or {@code --allowed-hosts
 * 192.168.1.10}.
 *
 * Ctrl-C (SIGINT/SIGTERM) stops it cleanly: open sockets get 1001 and consumers leave their
 * groups.
 */
public final class ChatServer {

    /** Messages each channel holds before the layer drops (and counts, and logs) the next. */
    static final int CHAT_CAPACITY = 1000;
    private static final String USAGE = "usage: chat [--port 8000] [--bind 127.0.0.1] [--layer memory://|redis://host:6379]"
            + " [--allowed-hosts localhost,127.0.0.1,[::1]]";

    private ChatServer() {
    }

    /**
     * What the command line asked for.
     *
     * @param port         the port, 0 for any free one
     * @param bind         the address to listen on
     * @param layer        the channel layer URL
     * @param allowedHosts hosts whose pages may open WebSockets (Django's {@code ALLOWED_HOSTS})
     */
    record Options(int port, String bind, String layer, List<String> allowedHosts) {
        Options {
            allowedHosts = List.copyOf(allowedHosts);
        }

        /** Options with the development hosts allowed. */
        Options(int port, String bind, String layer) {
            this(port, bind, layer, AllowedHostsOriginValidator.DEVELOPMENT_HOSTS);
        }
    }

    /**
     * Starts the chat server and waits until the process is stopped.
     *
     * @param args {@code --port N}, {@code --bind ADDRESS}, {@code --layer URL},
     *             {@code --allowed-hosts HOST,HOST}
     */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Running running;
        try {
            running = start(parse(args, System.getenv("CHANNELS_LAYER")), System.out);
        } catch (RuntimeException e) {
            // bad options, a layer URL nobody provides, a port in use: one line, no stack trace
            System.err.println("chat: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("chat-shutdown").unstarted(() -> {
            running.close();
            System.out.println("chat server stopped");
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A running chat server and its layer. */
    record Running(ChannelsServer server, ChannelLayer layer) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            layer.close();
        }
    }

    /**
     * Starts the server.
     *
     * @param options what to run
     * @param out     where to print the URL
     * @return the running server
     */
    static Running start(Options options, PrintStream out) {
        // [snippet chat-server-start]
        ChannelLayer layer = ChannelLayers.create(withChatCapacity(options.layer()));
        ChannelsServer server = ChannelsServer.builder()
                .application(ChatRouting.application(new ChannelLayers().set(ChannelLayers.DEFAULT_ALIAS, layer),
                        options.allowedHosts()))
                .bind(options.bind())
                .port(options.port())
                .accessLog(out::println)
                .start();
        // [end chat-server-start]
        out.println("Chat server on " + ChannelLayers.redactUrl(options.layer()) + ": open " + server.httpUrl() + "/chat/ (Ctrl-C stops it)");
        return new Running(server, layer);
    }

    /**
     * The layer URL with {@code capacity=}{@value #CHAT_CAPACITY} unless it sets a capacity.
     * Channels' default of 100 messages per channel drops messages when a room's senders keep
     * several messages in flight each (10 senders x 16 in flight already queue 160 per member);
     * a chat message is small, so a deeper queue costs little.
     */
    static String withChatCapacity(String layerUrl) {
        int query = layerUrl.indexOf('?');
        if (query >= 0 && ("&" + layerUrl.substring(query + 1)).contains("&capacity=")) {
            return layerUrl;
        }
        return layerUrl + (query >= 0 ? "&" : "?") + "capacity=" + CHAT_CAPACITY;
    }


    static Options parse(String[] args, String layerFromEnvironment) {
        int port = 8000;
        String bind = "127.0.0.1";
        String layer = layerFromEnvironment == null || layerFromEnvironment.isBlank() ? "memory://" : layerFromEnvironment;
        List<String> allowedHosts = AllowedHostsOriginValidator.DEVELOPMENT_HOSTS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port must be a number, was '" + value + "'");
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port must be 0..65535, was " + port);
                    }
                }
                case "--bind" -> bind = value;
                case "--layer" -> layer = value;
                case "--allowed-hosts" -> allowedHosts = allowedHosts(value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return new Options(port, bind, layer, allowedHosts);
    }

    /** {@code --allowed-hosts a.example,.b.example}: comma-separated Django host patterns. */
    private static List<String> allowedHosts(String value) {
        List<String> hosts = Arrays.stream(value.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("--allowed-hosts needs at least one host (* allows any origin)");
        }
        try {
            new AllowedHostsOriginValidator((scope, receive, send) -> { }, hosts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--allowed-hosts: " + e.getMessage(), e);
        }
        return hosts;
    }
}
