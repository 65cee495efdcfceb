package io.channels4j.examples.chat;

import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.server.ChannelsServer;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the tutorial chat: pages and WebSockets on one port, the in-memory layer by default or
 * Redis with {@code --layer redis://127.0.0.1:6379} (or the {@code CHANNELS_LAYER} environment
 * variable), so several servers on several ports share rooms.
 *
 * <pre>
 * java -jar examples/target/channels4j-chat.jar [--port 8000] [--bind 127.0.0.1] [--layer URL]
 * </pre>
 *
 * Ctrl-C (SIGINT/SIGTERM) stops it cleanly: open sockets get 1001 and consumers leave their
 * groups.
 */
public final class ChatServer {

    private static final String USAGE =
            "usage: chat [--port 8000] [--bind 127.0.0.1] [--layer memory://|redis://host:6379]";

    private ChatServer() {
    }

    /** What the command line asked for. */
    record Options(int port, String bind, String layer) {
    }

    /**
     * Starts the chat server and waits until the process is stopped.
     *
     * @param args {@code --port N}, {@code --bind ADDRESS}, {@code --layer URL}
     */
    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
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
        ChannelLayer layer = ChannelLayers.create(options.layer());
        ChannelsServer server = ChannelsServer.builder()
                .application(ChatRouting.application(new ChannelLayers().set(ChannelLayers.DEFAULT_ALIAS, layer)))
                .bind(options.bind())
                .port(options.port())
                .accessLog(out::println)
                .start();
        // [end chat-server-start]
        out.println("Chat server on " + options.layer() + ": open " + server.httpUrl() + "/chat/ (Ctrl-C stops it)");
        return new Running(server, layer);
    }

    static Options parse(String[] args, String layerFromEnvironment) {
        int port = 8000;
        String bind = "127.0.0.1";
        String layer = layerFromEnvironment == null || layerFromEnvironment.isBlank() ? "memory://" : layerFromEnvironment;
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
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return new Options(port, bind, layer);
    }
}
