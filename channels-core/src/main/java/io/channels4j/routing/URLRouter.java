package io.channels4j.routing;

import io.channels4j.Application;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;
import io.channels4j.UrlRoute;

import java.util.List;

/**
 * Routes a connection by its URL path to the first {@link Route} that matches: Channels'
 * {@code URLRouter}, for {@code websocket} and {@code http} scopes alike.
 *
 * <p>It routes {@link Scope#pathRemaining()} when an outer router has set it, else
 * {@link Scope#path()}, without leading {@code /} characters. The matched application runs with a
 * scope whose {@link Scope#urlRoute()} is the incoming route merged with this match (outer args
 * first; kwargs: outer, then captured, then the route's defaults, later ones winning) and whose
 * {@link Scope#pathRemaining()} is what the match left.
 *
 * <p>Routers nest: a route whose application is a {@code URLRouter} matches a prefix, and the
 * inner router routes the rest. If the inner router finds nothing, the outer one goes on with its
 * next route, as in Channels. A middleware between the two hides the inner router: the outer
 * route is then an endpoint, as in Channels.
 *
 * <pre>{@code
 * new URLRouter(List.of(
 *     path("chat/<int:room>/", new URLRouter(List.of(
 *         rePath("^messages/(?P<mid>[0-9]+)/$", messages)))),
 *     rePath("ws/chat/(?P<room_name>\\w+)/$", chat)));
 * }</pre>
 *
 * <p>Immutable and thread-safe: build it once at startup and share it; {@link #run} is called on
 * each connection's thread and compiles nothing.
 */
public final class URLRouter implements Application {

    private final List<Route> routes;

    /**
     * Creates a router.
     *
     * @param routes the routes, tried in order; the first match wins
     */
    public URLRouter(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /**
     * Creates a router from routes given inline.
     *
     * @param routes the routes, tried in order; the first match wins
     * @return the router
     */
    public static URLRouter of(Route... routes) {
        return new URLRouter(List.of(routes));
    }

    /** @return the routes, in matching order; unmodifiable */
    public List<Route> routes() {
        return routes;
    }

    /**
     * Runs the application of the first route matching the scope's path, for the whole connection.
     *
     * @throws NoRouteFoundException if no route matches (nor, for nested routers, leads to a match)
     * @throws Exception             whatever the matched application throws
     */
    @Override
    public void run(Scope scope, Receive receive, Send send) throws Exception {
        boolean nested = scope.pathRemaining() != null;
        String path = stripLeadingSlashes(nested ? scope.pathRemaining() : scope.path());
        for (Route route : routes) {
            Scope routed = routed(route, path, scope);
            if (routed == null) {
                continue;
            }
            try {
                route.application().run(routed, receive, send);
                return;
            } catch (NoRouteFoundException e) {
                if (!e.isNested()) {
                    throw e;
                }
                // An inner router found nothing in what this route left: try the next route.
            }
        }
        throw nested ? NoRouteFoundException.nested(scope.type(), path) : new NoRouteFoundException(scope.type(), path);
    }

    /**
     * The scope for a route's application, or null if the route does not match. A method of its
     * own so that the match is not a local of {@link #run}, whose frame stays on the connection's
     * stack for the connection's lifetime.
     */
    private static Scope routed(Route route, String path, Scope scope) {
        RouteMatch match = route.match(path);
        if (match == null) {
            return null;
        }
        UrlRoute captured = scope.urlRoute().merge(new UrlRoute(match.args(), match.kwargs()));
        return scope.withUrlRoute(captured, match.remaining());
    }

    private static String stripLeadingSlashes(String path) {
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return path.substring(i);
    }

    @Override
    public String toString() {
        return "URLRouter" + routes;
    }
}
