package io.channels4j.server;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The parsed command line of {@link ServerCommand}: every option is applied to a
 * {@link ChannelsServer.Builder} as it is read, so the builder stays the one place that knows the
 * defaults and the valid ranges; what the builder cannot take yet (the application, the access log
 * target) is kept beside it. Not thread-safe; used once, on the starting thread.
 *
 * @param builder     the builder with every option applied (but no application and no access log)
 * @param application the application's name, e.g. {@code com.example.Asgi:application}; null with
 *                    {@code --help} or {@code --version}
 * @param accessLog   {@code -} for standard output, a file, or null for none
 * @param help        {@code -h}/{@code --help} was given
 * @param version     {@code --version} was given
 */
record ServerCommandLine(ChannelsServer.Builder builder, String application, String accessLog, boolean help,
        boolean version) {

    /** The environment variable read for the keystore password unless {@code --tls-keystore-password-env} names another. */
    static final String DEFAULT_PASSWORD_ENV = "CHANNELS4J_TLS_PASSWORD";

    /** The longest duration accepted (about 31 years): the engine works in nanoseconds. */
    private static final long MAX_SECONDS = 1_000_000_000L;

    private static final int HELP_INDENT = 38;
    private static final int HELP_WIDTH = 100;

    /** Thrown when the command line is wrong: exit code 2, one line on standard error. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }

        UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Every option, with its help line. The defaults shown are the builder's (a test checks them). */
    enum Option {
        BIND("ADDRESS", "address to bind; 0.0.0.0 or :: for every interface", "127.0.0.1", "-b", "--bind"),
        PORT("PORT", "TCP port; 0 picks a free one", "8000", "-p", "--port"),
        WEBSOCKET_TIMEOUT("SECONDS", "longest a WebSocket may stay open; -1 for no limit", "86400",
                "--websocket-timeout", "--websocket_timeout"),
        CONNECT_TIMEOUT("SECONDS", "time for the application to accept a handshake (else 403)"
                + " and for a client to send its request head", "5",
                "--websocket-connect-timeout", "--websocket_connect_timeout"),
        PING_INTERVAL("SECONDS", "ping a WebSocket client that sent nothing for this long", "20", "--ping-interval"),
        PING_TIMEOUT("SECONDS", "drop a client that sends nothing for this long after a ping", "30",
                "--ping-timeout"),
        APPLICATION_CLOSE_TIMEOUT("SECONDS", "time an application may run on after its connection closed;"
                + " also the graceful shutdown wait", "10", "--application-close-timeout"),
        MAX_MESSAGE_SIZE("BYTES", "largest WebSocket message; larger close the connection with 1009",
                "1048576 = 1 MiB", "--max-message-size"),
        MAX_OUTBOUND_BYTES("BYTES", "bytes queued for one client; a WebSocket client past it is cut off (1008)",
                "4194304 = 4 MiB", "--max-outbound-bytes"),
        MAX_INBOUND_BYTES("BYTES", "received messages waiting for one client's application; past it, closed"
                + " with 1008", "4194304 = 4 MiB", "--max-inbound-bytes"),
        MAX_REQUEST_BODY_SIZE("BYTES", "largest HTTP request body; larger get 413", "10485760 = 10 MiB",
                "--max-request-body-size"),
        MAX_CONNECTIONS("N", "connections served at once; more get 503", "100000", "--max-connections"),
        MAX_REQUEST_HEAD_SIZE("BYTES", "largest request line and headers; larger get 431", "16384 = 16 KiB",
                "--max-request-head-size"),
        ACCESS_LOG("FILE|-", "append Daphne's access log lines to FILE, or - for standard output", "off",
                "--access-log"),
        PROXY_HEADERS(null, "believe X-Forwarded-For, -Port and -Proto from the trusted proxies", "off",
                "--proxy-headers"),
        TRUSTED_PROXIES("A,B,...", "proxy addresses whose X-Forwarded-* headers are believed; * for any",
                "127.0.0.1,::1", "--trusted-proxies"),
        ROOT_PATH("PATH", "mount point reported as the scope's root path, e.g. /app", "empty", "--root-path"),
        SERVER_NAME("NAME", "value of the Server response header", "channels4j", "-s", "--server-name"),
        NO_SERVER_NAME(null, "send no Server header", null, "--no-server-name"),
        TLS_KEYSTORE("PATH", "serve https and wss with the key and certificate in this PKCS12 or JKS keystore",
                "off", "--tls-keystore"),
        TLS_KEYSTORE_PASSWORD_ENV("VAR", "environment variable holding the keystore password"
                + " (never given on the command line)", DEFAULT_PASSWORD_ENV, "--tls-keystore-password-env"),
        WORKERS("N", "engine threads that decode and hand over (applications run on virtual threads)",
                "the number of processors, here " + Runtime.getRuntime().availableProcessors(), "--workers"),
        HELP(null, "show this help and exit", null, "-h", "--help"),
        VERSION(null, "show the version and exit", null, "--version");

        final String argument;
        final String description;
        final String defaultText;
        final List<String> names;

        Option(String argument, String description, String defaultText, String... names) {
            this.argument = argument;
            this.description = description;
            this.defaultText = defaultText;
            this.names = List.of(names);
        }

        /** @return the long name, e.g. {@code --port} */
        String longName() {
            return names.stream().filter(n -> n.startsWith("--")).findFirst().orElseThrow();
        }

        static Option named(String name) {
            for (Option option : values()) {
                if (option.names.contains(name)) {
                    return option;
                }
            }
            return null;
        }
    }

    /**
     * Reads a command line.
     *
     * @param args the arguments
     * @param env  the environment (for the keystore password)
     * @return what it says; for {@code --help} or {@code --version} only that flag is meaningful
     * @throws UsageException on an unknown option, a bad value or a missing application
     */
    static ServerCommandLine parse(String[] args, Function<String, String> env) throws UsageException {
        ChannelsServer.Builder builder = ChannelsServer.builder();
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (Option.HELP.names.contains(arg)) {
                return new ServerCommandLine(builder, null, null, true, false);
            }
            if (Option.VERSION.names.contains(arg)) {
                return new ServerCommandLine(builder, null, null, false, true);
            }
        }
        List<String> positional = new ArrayList<>();
        String accessLog = null;
        Path keystore = null;
        String passwordEnv = null;
        boolean proxyHeaders = false;
        boolean trustedProxies = false;
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                positional.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (name.startsWith("--tls-keystore-password") && !name.equals("--tls-keystore-password-env")) {
                throw new UsageException("the keystore password is never taken on the command line: put it in the"
                        + " environment variable " + DEFAULT_PASSWORD_ENV + " (or the one named by"
                        + " --tls-keystore-password-env)");
            }
            Option option = Option.named(name);
            if (option == null) {
                throw new UsageException("unknown option " + escape(name));
            }
            String value = null;
            if (option.argument != null) {
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("option " + name + " needs a value (" + option.argument + ")");
                }
            } else if (eq >= 0) {
                throw new UsageException("option " + name + " takes no value");
            }
            switch (option) {
                case ACCESS_LOG -> accessLog = requireText(name, value);
                case PROXY_HEADERS -> {
                    proxyHeaders = true;
                    builder.proxyHeaders(true);
                }
                case TRUSTED_PROXIES -> {
                    trustedProxies = true;
                    setting(builder, option, name, value);
                }
                case TLS_KEYSTORE -> keystore = path(name, value);
                case TLS_KEYSTORE_PASSWORD_ENV -> passwordEnv = requireText(name, value);
                default -> setting(builder, option, name, value);
            }
        }
        if (trustedProxies && !proxyHeaders) {
            throw new UsageException("--trusted-proxies has no effect without --proxy-headers");
        }
        if (passwordEnv != null && keystore == null) {
            throw new UsageException("--tls-keystore-password-env has no effect without --tls-keystore");
        }
        if (positional.isEmpty()) {
            throw new UsageException("missing <application>, e.g. com.example.Asgi:application");
        }
        if (positional.size() > 1) {
            throw new UsageException("unexpected argument '" + escape(positional.get(1))
                    + "': give one <application>, after the options");
        }
        if (keystore != null) {
            tls(builder, keystore, passwordEnv == null ? DEFAULT_PASSWORD_ENV : passwordEnv, env);
        }
        return new ServerCommandLine(builder, positional.get(0), accessLog, false, false);
    }

    /** Applies an option that is a plain builder call; the builder's own checks name the bad value. */
    private static void setting(ChannelsServer.Builder builder, Option option, String name, String value)
            throws UsageException {
        try {
            switch (option) {
                case BIND -> builder.bind(value);
                case PORT -> builder.port(integer(name, value));
                case WEBSOCKET_TIMEOUT -> builder.websocketTimeout(value.strip().equals("-1")
                        ? Duration.ofSeconds(-1) : seconds(name, value, " (or -1 for no limit)"));
                case CONNECT_TIMEOUT -> builder.connectTimeout(seconds(name, value, ""));
                case PING_INTERVAL -> builder.pingInterval(seconds(name, value, ""));
                case PING_TIMEOUT -> builder.pingTimeout(seconds(name, value, ""));
                case APPLICATION_CLOSE_TIMEOUT -> builder.applicationCloseTimeout(seconds(name, value, ""));
                case MAX_MESSAGE_SIZE -> builder.maxMessageSize(integer(name, value));
                case MAX_OUTBOUND_BYTES -> builder.maxOutboundBytes(whole(name, value));
                case MAX_INBOUND_BYTES -> builder.maxInboundBytes(whole(name, value));
                case MAX_REQUEST_BODY_SIZE -> builder.maxRequestBodySize(whole(name, value));
                case MAX_CONNECTIONS -> builder.maxConnections(integer(name, value));
                case MAX_REQUEST_HEAD_SIZE -> builder.maxRequestHeadSize(integer(name, value));
                case TRUSTED_PROXIES -> builder.trustedProxies(list(name, value));
                case ROOT_PATH -> builder.rootPath(rootPath(name, value));
                case SERVER_NAME -> builder.serverName(serverName(name, value));
                case NO_SERVER_NAME -> builder.serverName(null);
                case WORKERS -> builder.workers(integer(name, value));
                default -> throw new IllegalStateException("not a builder setting: " + option);
            }
        } catch (IllegalArgumentException e) {
            throw invalid(name, value, e.getMessage());
        }
    }

    private static UsageException invalid(String name, String value, String why) {
        return new UsageException("invalid value '" + escape(value) + "' for " + name + ": " + why);
    }

    /** Control characters as escapes, so an error stays on one line. */
    private static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
            }
        }
        return sb.toString();
    }

    private static String requireText(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw invalid(name, value, "must not be empty");
        }
        return value;
    }

    private static long whole(String name, String value) throws UsageException {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "not a whole number");
        }
    }

    private static int integer(String name, String value) throws UsageException {
        long n = whole(name, value);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw invalid(name, value, "must be at most " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    /** Seconds, fractions allowed ({@code 0.5}), positive, at most {@link #MAX_SECONDS}. */
    private static Duration seconds(String name, String value, String orElse) throws UsageException {
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw invalid(name, value, "not a number of seconds");
        }
        if (seconds.signum() <= 0) {
            throw invalid(name, value, "must be more than 0 seconds" + orElse);
        }
        if (seconds.compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            throw invalid(name, value, "must be at most " + MAX_SECONDS + " seconds");
        }
        BigDecimal nanos = seconds.movePointRight(9);
        if (nanos.stripTrailingZeros().scale() > 0) {
            throw invalid(name, value, "finer than a nanosecond");
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    private static List<String> list(String name, String value) throws UsageException {
        List<String> items = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
        if (items.contains("")) {
            throw invalid(name, value, "an empty address in the list");
        }
        return items;
    }

    private static String rootPath(String name, String value) throws UsageException {
        if (!value.isEmpty() && (!value.startsWith("/") || value.endsWith("/"))) {
            throw invalid(name, value, "must start with / and not end with /, e.g. /app");
        }
        return value;
    }

    private static String serverName(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw invalid(name, value, "must not be empty (use --no-server-name to send none)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw invalid(name, value, "only printable ASCII is allowed in a header");
            }
        }
        return value;
    }

    private static Path path(String name, String value) throws UsageException {
        try {
            return Path.of(requireText(name, value));
        } catch (InvalidPathException e) {
            throw invalid(name, value, e.getMessage());
        }
    }

    /** Reads the password from the environment, hands it to the builder and wipes the copy. */
    private static void tls(ChannelsServer.Builder builder, Path keystore, String variable,
            Function<String, String> env) throws UsageException {
        String password = env.apply(variable);
        if (password == null) {
            if (!looksLikeAVariableName(variable)) {
                // someone may have given the password itself: never repeat it
                throw new UsageException("--tls-keystore needs the keystore password in the environment variable"
                        + " named by --tls-keystore-password-env, which is not set (its value is not shown: it does"
                        + " not look like a variable name such as MY_TLS_PASSWORD; is it the password itself?)");
            }
            throw new UsageException("--tls-keystore needs the keystore password in the environment variable "
                    + variable + ", which is not set");
        }
        char[] chars = password.toCharArray();
        try {
            builder.tls(keystore, chars);
        } catch (IllegalArgumentException e) {
            // the builder's message names the file and the cause, never the password
            throw new UsageException("invalid value '" + keystore + "' for --tls-keystore: " + e.getMessage(), e);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** @return whether a name is safe to repeat in a message: upper case, digits and {@code _}, as variables are */
    private static boolean looksLikeAVariableName(String name) {
        return name.matches("[A-Z_][A-Z0-9_]{0,127}");
    }

    /** @return the {@code --help} text */
    static String helpText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: ChannelsServer [options] <application>\n\n")
                .append("Runs a channels4j application over HTTP/1.1 and WebSocket on one port, like Daphne.\n\n")
                .append("<application>  com.example.Asgi:application  a public static field or no-arg method\n")
                .append("               com.example.Asgi              the class itself (an Application or a\n")
                .append("                   Supplier<Application> with a public no-arg constructor), or its\n")
                .append("                   static member named 'application'\n")
                .append("               The value is an io.channels4j.Application or a Supplier<Application>.\n\n")
                .append("Options (durations in seconds, fractions allowed):\n");
        for (Option option : Option.values()) {
            String names = String.join(", ", option.names.stream().filter(n -> !n.contains("_")).toList());
            String left = "  " + names + (option.argument == null ? "" : " " + option.argument);
            String text = option.description
                    + (option.defaultText == null ? "" : " (default " + option.defaultText + ")");
            sb.append(left);
            int column = left.length();
            if (column >= HELP_INDENT - 1) {
                sb.append('\n');
                column = 0;
            }
            for (String word : text.split(" ")) {
                if (column > HELP_INDENT && column + 1 + word.length() > HELP_WIDTH) {
                    sb.append('\n');
                    column = 0;
                }
                if (column < HELP_INDENT) {
                    sb.append(" ".repeat(HELP_INDENT - column));
                    column = HELP_INDENT;
                } else {
                    sb.append(' ');
                    column++;
                }
                sb.append(word);
                column += word.length();
            }
            sb.append('\n');
        }
        sb.append("\nThe keystore password is read from the environment only. Daphne's --websocket_timeout and\n")
                .append("--websocket_connect_timeout spellings are accepted. Exit codes: 0 after a clean stop,\n")
                .append("1 if the server cannot start, 2 for a usage error.\n");
        return sb.toString();
    }
}
