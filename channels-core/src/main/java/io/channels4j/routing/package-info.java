/**
 * channels4j routing, Channels' {@code channels.routing}: {@link io.channels4j.routing.ProtocolTypeRouter}
 * (by scope type), {@link io.channels4j.routing.URLRouter} with {@link io.channels4j.routing.Route}s
 * ({@code path(...)}, {@code rePath(...)}; by URL path) and
 * {@link io.channels4j.routing.ChannelNameRouter} (by worker channel). Every router is an
 * immutable {@link io.channels4j.Application}: build the tree once at startup and share it across
 * connections.
 */
package io.channels4j.routing;
