package io.channels4j.routing;

import io.channels4j.Application;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Dispatches a {@code channel} scope (a background worker's named channel, see {@code runworker})
 * on {@link Scope#channel()} to the application configured for that channel: Channels'
 * {@code ChannelNameRouter}. Usually placed under the {@code channel} key of a
 * {@link ProtocolTypeRouter}:
 *
 * <pre>{@code
 * ProtocolTypeRouter.of(Map.of(
 *     "websocket", websocketRouter,
 *     "channel", ChannelNameRouter.of(Map.of("thumbnails-generate", thumbnailer))));
 * }</pre>
 *
 * <p>Immutable and thread-safe: build it once and share it; {@link #run} is called on the
 * worker's thread for each channel it serves.
 */
public final class ChannelNameRouter implements Application {

    private final Map<String, Application> applications;

    private ChannelNameRouter(Map<String, Application> applications) {
        Map<String, Application> copy = new LinkedHashMap<>();
        applications.forEach((channel, app) -> copy.put(
                Objects.requireNonNull(channel, "channel name"),
                Objects.requireNonNull(app, () -> "application for channel '" + channel + "'")));
        this.applications = Collections.unmodifiableMap(copy);
    }

    /**
     * Creates a router from a mapping of channel name to application.
     *
     * @param applications e.g. {@code Map.of("thumbnails-generate", thumbnailer)}
     * @return the router
     * @throws NullPointerException if a name or an application is null
     */
    public static ChannelNameRouter of(Map<String, Application> applications) {
        return new ChannelNameRouter(Objects.requireNonNull(applications, "applications"));
    }

    /** @return the configured applications by channel name, unmodifiable */
    public Map<String, Application> applications() {
        return applications;
    }

    /**
     * Runs the application configured for the scope's channel.
     *
     * @throws IllegalArgumentException if the scope is not a {@code channel} scope with a channel
     * @throws NoRouteFoundException    if no application is configured for the channel
     * @throws Exception                whatever that application throws
     */
    @Override
    public void run(Scope scope, Receive receive, Send send) throws Exception {
        if (!Scope.CHANNEL.equals(scope.type()) || scope.channel() == null) {
            throw new IllegalArgumentException("ChannelNameRouter got a '" + scope.type()
                    + "' scope without a channel name; use it only for 'channel' scopes");
        }
        Application application = applications.get(scope.channel());
        if (application == null) {
            throw NoRouteFoundException.forChannel(scope.channel(), applications.keySet());
        }
        application.run(scope, receive, send);
    }

    @Override
    public String toString() {
        return "ChannelNameRouter" + applications.keySet();
    }
}
