package io.channels4j.routing;

import io.channels4j.Scope;

import java.util.Collection;
import java.util.TreeSet;

/**
 * Thrown when a router has nothing for a connection: no {@link URLRouter} route matches its path,
 * or a {@link ChannelNameRouter} has no application for its channel. Channels raises
 * {@code ValueError("No route found for path ...")} here.
 *
 * <p>It is thrown from {@link io.channels4j.Application#run} on the connection's thread, before
 * any application behind the router has run; a server turns it into a 404 response or a rejected
 * WebSocket handshake (403).
 */
public final class NoRouteFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String scopeType;
    private final String path;
    private final String channel;
    private final boolean nested;

    /**
     * Creates the exception for a path no route matches.
     *
     * @param scopeType the scope type, e.g. {@code websocket}
     * @param path      the path as the router tried it, without its leading {@code /}
     */
    public NoRouteFoundException(String scopeType, String path) {
        this(scopeType, path, false);
    }

    private NoRouteFoundException(String scopeType, String path, boolean nested) {
        super("No route found for path '" + path + "'");
        this.scopeType = scopeType;
        this.path = path;
        this.channel = null;
        this.nested = nested;
    }

    private NoRouteFoundException(String channel, Collection<String> configured) {
        super("No application configured for channel name '" + channel + "'; configured channels: "
                + new TreeSet<>(configured));
        this.scopeType = Scope.CHANNEL;
        this.path = null;
        this.channel = channel;
        this.nested = false;
    }

    /**
     * For a router that routed what an outer {@link URLRouter} left (Channels' {@code Resolver404}):
     * the outer router catches it and tries its next route.
     */
    static NoRouteFoundException nested(String scopeType, String path) {
        return new NoRouteFoundException(scopeType, path, true);
    }

    /** For a {@link ChannelNameRouter} without an application for {@code channel}. */
    static NoRouteFoundException forChannel(String channel, Collection<String> configured) {
        return new NoRouteFoundException(channel, configured);
    }

    /** @return the type of the scope that was not routed, e.g. {@code websocket} or {@code channel} */
    public String scopeType() {
        return scopeType;
    }

    /**
     * The path the router could not route, without its leading {@code /}; for a nested router
     * failure that propagates, the outermost router's path.
     *
     * @return the path, or null when a {@link ChannelNameRouter} threw
     */
    public String path() {
        return path;
    }

    /** @return the channel name a {@link ChannelNameRouter} could not route, or null */
    public String channel() {
        return channel;
    }

    /** @return whether an outer {@link URLRouter} should catch this and try its next route */
    boolean isNested() {
        return nested;
    }
}
