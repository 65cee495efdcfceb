package io.channels4j.server;

import io.channels4j.ApplicationLoader;

import io.channels4j.Application;

import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The command line of {@link ChannelsServer#main}, Daphne's {@code daphne mysite.asgi:application}:
 * {@code ChannelsServer [options] com.example.Asgi:application}. {@code --help} lists the options
 * (see {@link ServerCommandLine}); {@link ApplicationLoader} finds the application.
 *
 * <p>Lifecycle: {@link #run} starts the server, prints {@code Listening on ...}, registers a
 * shutdown hook (thread {@code channels4j-shutdown}) that closes the server gracefully on SIGTERM or
 * Ctrl-C, and blocks the calling thread until that hook has run. Exit codes: 0 after the server
 * stopped (or after {@code --help}/{@code --version}), 1 when it cannot start, 2 for a usage error.
 */
final class ServerCommand {

    /** The name of the shutdown hook's thread. */
    static final String SHUTDOWN_THREAD = "channels4j-shutdown";

    private ServerCommand() {
    }

    /**
     * A started server and the access log it writes to.
     *
     * @param server    the running server
     * @param accessLog the access log, closed after the server; null when there is none
     */
    record Running(ChannelsServer server, ServerCommandAccessLog accessLog) implements AutoCloseable {
        /** Stops the server gracefully, then closes the access log. */
        @Override
        public void close() {
            try {
                server.close();
            } finally {
                if (accessLog != null) {
                    accessLog.close();
                }
            }
        }
    }

    /**
     * Runs the command line with the process's environment and shutdown hooks; blocks until the
     * server is stopped by the shutdown hook.
     *
     * @param args the command line
     * @param out  where {@code Listening on ...}, {@code --help} and a {@code -} access log go
     * @param err  where errors go
     * @return the exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System::getenv, Runtime.getRuntime()::addShutdownHook);
    }

    /**
     * {@link #run(String[], PrintStream, PrintStream)} with the environment and the hook registration
     * given, for tests.
     *
     * @param args  the command line
     * @param out   standard output
     * @param err   standard error
     * @param env   the environment
     * @param hooks registers the (unstarted) shutdown hook; the call blocks until that thread has run
     * @return the exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env,
            Consumer<Thread> hooks) {
        ServerCommandLine line;
        try {
            line = ServerCommandLine.parse(args, env);
        } catch (ServerCommandLine.UsageException e) {
            return usageError(err, e.getMessage());
        }
        if (line.help()) {
            out.print(ServerCommandLine.helpText());
            out.flush();
            return 0;
        }
        if (line.version()) {
            out.println("channels4j " + version());
            return 0;
        }
        Running running;
        try {
            running = start(line, out, err);
        } catch (ServerCommandLine.UsageException e) {
            return usageError(err, e.getMessage());
        } catch (ApplicationLoader.LoadException e) {
            err.println("ChannelsServer: cannot load the application '" + line.application() + "': " + e.getMessage());
            if (e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
            return 2;
        } catch (IllegalStateException e) {
            err.println("ChannelsServer: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        hooks.accept(shutdownHook(running, stopped, out));
        awaitUninterruptibly(stopped);
        return 0;
    }

    /**
     * Parses a command line and starts the server it describes, without blocking.
     *
     * @param args the command line (not {@code --help} or {@code --version})
     * @param out  standard output (a {@code -} access log writes here)
     * @param err  where access log write failures are reported
     * @param env  the environment (for the keystore password)
     * @return the running server; close it to stop
     * @throws ServerCommandLine.UsageException  on a bad command line
     * @throws ApplicationLoader.LoadException   when the application cannot be loaded
     * @throws IllegalStateException             when the server cannot start (e.g. the port is taken)
     */
    static Running start(String[] args, PrintStream out, PrintStream err, Function<String, String> env)
            throws ServerCommandLine.UsageException, ApplicationLoader.LoadException {
        ServerCommandLine line = ServerCommandLine.parse(args, env);
        if (line.help() || line.version()) {
            throw new ServerCommandLine.UsageException("--help and --version start no server");
        }
        return start(line, out, err);
    }

    private static Running start(ServerCommandLine line, PrintStream out, PrintStream err)
            throws ServerCommandLine.UsageException, ApplicationLoader.LoadException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Application application = ApplicationLoader.load(line.application(),
                loader != null ? loader : ServerCommand.class.getClassLoader());
        ServerCommandAccessLog log = ServerCommandAccessLog.open(line.accessLog(), out, err);
        ChannelsServer server;
        try {
            ChannelsServer.Builder builder = line.builder().application(application);
            if (log != null) {
                builder.accessLog(log);
            }
            server = builder.start();
        } catch (RuntimeException e) {
            if (log != null) {
                log.close();
            }
            throw e;
        }
        String host = server.host().indexOf(':') >= 0 ? "[" + server.host() + "]" : server.host();
        out.println("Listening on " + server.httpUrl().getScheme() + "://" + host + ":" + server.port());
        out.flush();
        return new Running(server, log);
    }

    /**
     * The shutdown hook: closes the server (gracefully), then releases {@link #run}.
     *
     * @param running the server
     * @param stopped counted down once the server is closed
     * @param out     where {@code Stopped} is printed
     * @return the unstarted thread, named {@value #SHUTDOWN_THREAD}
     */
    static Thread shutdownHook(Running running, CountDownLatch stopped, PrintStream out) {
        return new Thread(() -> {
            try {
                running.close();
                out.println("Stopped");
                out.flush();
            } finally {
                stopped.countDown();
            }
        }, SHUTDOWN_THREAD);
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

    private static int usageError(PrintStream err, String message) {
        err.println("ChannelsServer: " + message + " (see --help)");
        return 2;
    }

    /** @return the version of channels-server, from its module descriptor or jar manifest */
    static String version() {
        ModuleDescriptor module = ChannelsServer.class.getModule().getDescriptor();
        String manifest = ChannelsServer.class.getPackage().getImplementationVersion();
        return Optional.ofNullable(module).flatMap(ModuleDescriptor::rawVersion)
                .orElse(manifest != null ? manifest : "(development build)");
    }
}
