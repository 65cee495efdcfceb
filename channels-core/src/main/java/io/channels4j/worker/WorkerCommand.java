package io.channels4j.worker;

import io.channels4j.ApplicationLoader;

import io.channels4j.Application;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.layer.InvalidChannelNameException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code runworker} command line, Channels' {@code manage.py runworker}:
 *
 * <pre>
 * java -cp app.jar:... io.channels4j.worker.WorkerCommand runworker \
 *     --layer redis://127.0.0.1:6379/0 --application com.example.Asgi:application thumbnails-generate
 * </pre>
 *
 * <p>Options: {@code --layer URL} (default: the {@value #LAYER_ENV} environment variable, else
 * {@code memory://}, which no other process can reach, so a warning is printed),
 * {@code --application REF} (default: {@value #APPLICATION_ENV}; see {@link ApplicationLoader}
 * for the forms), {@code --help}; then one or more channel names. A leading {@code runworker} word
 * is skipped, so scripts can mirror {@code manage.py runworker chan}.
 *
 * <p>The layer is registered as the {@code default} alias of {@link ChannelLayers#defaults()}
 * before the application is loaded, so consumers made with
 * {@link io.channels4j.consumer.Consumer#asApplication(java.util.function.Supplier)} reply through
 * the same layer.
 *
 * <p>Lifecycle: {@link #main} starts the {@link Worker}, prints {@code Worker listening on ...},
 * registers a shutdown hook (thread {@value #SHUTDOWN_THREAD}) that stops the worker gracefully on
 * SIGTERM or Ctrl-C, closes the layer and prints {@code Worker stopped}, and blocks until then.
 * Exit codes: 0 after a graceful stop or {@code --help}; 1 when the worker cannot start or stops on
 * its own (its layer failed); 2 for a usage error, a bad layer URL or an application that cannot be
 * loaded.
 */
public final class WorkerCommand {

    /** The name of the shutdown hook's thread. */
    public static final String SHUTDOWN_THREAD = "channels4j-worker-shutdown";
    /** The environment variable with the default layer URL. */
    public static final String LAYER_ENV = "CHANNELS_LAYER";
    /** The environment variable with the default application reference. */
    public static final String APPLICATION_ENV = "CHANNELS_APPLICATION";
    /** The layer used when neither {@code --layer} nor {@value #LAYER_ENV} is given. */
    public static final String DEFAULT_LAYER = "memory://";

    private static final String NAME = "runworker";
    private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/@?#]*@");
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

    private WorkerCommand() {
    }

    /**
     * Runs the worker until the process is stopped; exits with a non-zero status on failure.
     *
     * @param args {@code [runworker] [--layer URL] [--application REF] channel [channel...]}
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System::getenv, Runtime.getRuntime()::addShutdownHook);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** A bad command line; the message says what is wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * What the command line asked for.
     *
     * @param layer       the layer URL
     * @param application the application reference, or null if none was given
     * @param channels    the channel names
     * @param help        {@code --help} was given
     */
    record Options(String layer, String application, List<String> channels, boolean help) {
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments
     * @param env  the environment
     * @return the options
     * @throws UsageException on a bad command line
     */
    static Options parse(String[] args, Function<String, String> env) throws UsageException {
        String layer = nonBlank(env.apply(LAYER_ENV));
        String application = nonBlank(env.apply(APPLICATION_ENV));
        List<String> channels = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i == 0 && arg.equals(NAME)) {
                continue;
            }
            if (options && arg.equals("--")) {
                options = false;
            } else if (options && (arg.equals("-h") || arg.equals("--help"))) {
                return new Options(layer, application, List.of(), true);
            } else if (options && arg.startsWith("-")) {
                String name = arg;
                String value;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(arg + " needs a value");
                }
                switch (name) {
                    case "--layer" -> layer = requireValue(name, value);
                    case "--application" -> application = requireValue(name, value);
                    default -> throw new UsageException("unknown option " + name);
                }
            } else {
                channels.add(arg);
            }
        }
        if (channels.isEmpty()) {
            throw new UsageException("no channel names given, e.g. " + NAME
                    + " --application com.example.Asgi:application thumbnails-generate");
        }
        if (application == null) {
            throw new UsageException("no application given: use --application com.example.Asgi:application (or set "
                    + APPLICATION_ENV + ")");
        }
        try {
            Worker.validateChannels(channels);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new Options(layer == null ? DEFAULT_LAYER : layer, application, List.copyOf(channels), false);
    }

    /** @return the {@code --help} text */
    static String helpText() {
        return """
                usage: runworker [--layer URL] --application REF CHANNEL [CHANNEL...]

                Runs background consumers, as Django Channels' runworker: receives on the named
                channels of the channel layer and hands every message to the application, in a
                scope of type 'channel' (usually a ChannelNameRouter of consumers).

                  --layer URL          the channel layer (default: $%s, else %s). Web
                                       servers in other processes reach the worker only through
                                       a shared layer, e.g. redis://127.0.0.1:6379/0
                  --application REF    com.example.Asgi:member (a public static field or method
                                       without parameters holding an Application or a Supplier
                                       of one), or a class that is an Application or Supplier,
                                       or has such a member named 'application'
                                       (default: $%s)
                  -h, --help           print this help

                A leading 'runworker' argument is skipped. Delivery is at most once: no retries,
                no results, no acknowledgements. SIGTERM or Ctrl-C stops the worker gracefully.
                """.formatted(LAYER_ENV, DEFAULT_LAYER, APPLICATION_ENV);
    }

    /**
     * Runs a command line: starts the worker and blocks until the shutdown hook has stopped it,
     * or until it stopped on its own.
     *
     * @param args  the command line
     * @param out   standard output
     * @param err   standard error
     * @param env   the environment
     * @param hooks registers the (unstarted) shutdown hook
     * @return the exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env,
            Consumer<Thread> hooks) {
        Options options;
        try {
            options = parse(args, env);
        } catch (UsageException e) {
            return usageError(err, e.getMessage());
        }
        if (options.help()) {
            out.print(helpText());
            out.flush();
            return 0;
        }
        String shownUrl = redact(options.layer());
        ChannelLayer layer;
        try {
            layer = ChannelLayers.create(options.layer());
        } catch (InvalidChannelLayerException | InvalidChannelNameException e) {
            err.println(NAME + ": cannot create the channel layer '" + shownUrl + "': " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println(NAME + ": cannot create the channel layer '" + shownUrl + "': " + e);
            return 1;
        }
        if (options.layer().toLowerCase(Locale.ROOT).startsWith("memory:")) {
            err.println(NAME + ": warning: the in-memory layer (" + shownUrl + ") cannot reach other processes: only "
                    + "this process can send to the worker's channels; use a shared layer such as "
                    + "--layer redis://127.0.0.1:6379/0");
        }
        ChannelLayers.defaults().set(ChannelLayers.DEFAULT_ALIAS, layer);
        Cleanup cleanup = new Cleanup(layer);

        Worker worker;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            Application application = ApplicationLoader.load(options.application(),
                    loader != null ? loader : WorkerCommand.class.getClassLoader());
            if (ChannelLayers.defaults().get(ChannelLayers.DEFAULT_ALIAS) != layer) {
                err.println(NAME + ": warning: the application replaced the 'default' channel layer; the worker "
                        + "receives on " + shownUrl + " but consumers use the application's layer");
            }
            worker = new Worker(application, layer, options.channels()).start();
        } catch (ApplicationLoader.LoadException e) {
            err.println(NAME + ": cannot load the application '" + options.application() + "': " + e.getMessage());
            if (e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
            cleanup.run();
            return 2;
        } catch (RuntimeException e) {
            err.println(NAME + ": cannot start the worker: " + e);
            cleanup.run();
            return 1;
        }
        out.println("Worker listening on channels " + options.channels() + " of " + shownUrl
                + " (SIGTERM or Ctrl-C stops it)");
        out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        hooks.accept(Thread.ofPlatform().name(SHUTDOWN_THREAD).unstarted(() -> {
            try {
                worker.close();
                cleanup.run();
                out.println("Worker stopped");
                out.flush();
            } finally {
                stopped.countDown();
            }
        }));
        awaitUninterruptibly(worker);
        if (worker.failure().isPresent()) {
            err.println(NAME + ": the worker stopped: " + worker.failure().get());
            cleanup.run();
            return 1;
        }
        awaitUninterruptibly(stopped);
        return 0;
    }

    /** Closes the layer and removes it from the default registry, once. */
    private static final class Cleanup implements Runnable {
        private final ChannelLayer layer;
        private final AtomicBoolean done = new AtomicBoolean();

        Cleanup(ChannelLayer layer) {
            this.layer = layer;
        }

        @Override
        public void run() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            if (ChannelLayers.defaults().get(ChannelLayers.DEFAULT_ALIAS) == layer) {
                ChannelLayers.defaults().remove(ChannelLayers.DEFAULT_ALIAS);
            }
            layer.close();
        }
    }

    /** A URL fit for printing: no user information or password. */
    static String redact(String url) {
        return PASSWORD.matcher(USER_INFO.matcher(url).replaceAll("***@")).replaceAll("$1***");
    }

    private static void awaitUninterruptibly(Worker worker) {
        boolean interrupted = false;
        while (true) {
            try {
                worker.awaitTermination();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String requireValue(String option, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(option + " needs a value");
        }
        return value.strip();
    }

    private static int usageError(PrintStream err, String message) {
        err.println(NAME + ": " + message + " (see --help)");
        return 2;
    }
}
