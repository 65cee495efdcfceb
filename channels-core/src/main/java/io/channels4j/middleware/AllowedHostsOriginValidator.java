package io.channels4j.middleware;

import io.channels4j.Application;

import java.util.List;

/**
 * Channels' {@code AllowedHostsOriginValidator}: an {@link OriginValidator} whose patterns are the
 * site's allowed hosts, Django's {@code ALLOWED_HOSTS}, so WebSocket handshakes are accepted only
 * from pages served by the site itself.
 *
 * <pre>{@code
 * Application application = ProtocolTypeRouter.of(Map.of(
 *         "http", httpRouter,
 *         "websocket", new AllowedHostsOriginValidator(new URLRouter(websocketRoutes),
 *                 List.of("chat.example.com", ".example.org"))));
 * }</pre>
 *
 * <p>Host patterns work as in Django: {@code example.com} matches that host exactly,
 * {@code .example.com} matches the domain and every subdomain, {@code *} matches anything (and
 * lets handshakes without an Origin header through); comparison ignores case, and the origin's
 * scheme and port are not looked at, just as Django's host validation strips the port. IPv6 hosts
 * are written in brackets ({@code [::1]}). Leave ports out of the patterns: Django never matches
 * one with a port, and Channels (so this class too) reads {@code example.com:8000} as a scheme
 * and matches nothing, but reads {@code 127.0.0.1:8000} as that host on any port. Everything else,
 * the rejection included, is {@link OriginValidator}'s.
 *
 * <p>Channels uses {@code settings.ALLOWED_HOSTS}, and when that is empty under {@code DEBUG} the
 * development hosts {@code localhost}, {@code 127.0.0.1} and {@code [::1]}. Here the list is
 * explicit: {@link #AllowedHostsOriginValidator(Application)} takes the development hosts, and
 * an empty list allows nothing (Django's behaviour without {@code DEBUG}).
 *
 * <p>Threading and lifecycle as {@link OriginValidator}: immutable, shared by all connections,
 * runs on each connection's own thread.
 */
public final class AllowedHostsOriginValidator extends OriginValidator {

    /**
     * The hosts Django allows when {@code DEBUG} is on and {@code ALLOWED_HOSTS} is empty:
     * {@code localhost}, {@code 127.0.0.1} and {@code [::1]}.
     */
    public static final List<String> DEVELOPMENT_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

    /**
     * Allows the development hosts ({@link #DEVELOPMENT_HOSTS}) only, as Channels does with
     * {@code DEBUG} on and an empty {@code ALLOWED_HOSTS}.
     *
     * @param application the application to protect, usually the WebSocket router
     */
    public AllowedHostsOriginValidator(Application application) {
        this(application, DEVELOPMENT_HOSTS);
    }

    /**
     * Allows the given hosts.
     *
     * @param application  the application to protect, usually the WebSocket router
     * @param allowedHosts host patterns as in Django's {@code ALLOWED_HOSTS}; empty allows nothing
     * @throws NullPointerException     if an argument or a host is null
     * @throws IllegalArgumentException if a host can never be compared (e.g. {@code [::1})
     */
    public AllowedHostsOriginValidator(Application application, List<String> allowedHosts) {
        super(application, allowedHosts);
    }

    /** @return the allowed host patterns, in order; unmodifiable */
    public List<String> allowedHosts() {
        return allowedOrigins();
    }
}
