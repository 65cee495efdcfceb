package io.channels4j.routing;

import io.channels4j.Application;
import io.channels4j.Delegating;
import io.channels4j.Receive;
import io.channels4j.Resumable;
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
 * <p>Immutable and thread-safe: build it once at startup and share it; {@link #next} is called on
 * each connection's thread and compiles nothing. A router only hands the connection on
 * ({@link Delegating}): it is not on the connection's stack while the routed application runs.
 */
public final class URLRouter implements Delegating {

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
     * Hands the connection to the application of the first route matching the scope's path, with
     * the captured arguments in the scope. A nested router that finds nothing in what its route
     * left sends the search on to the next route (the routers and middleware behind a route are
     * followed here, so such a miss is seen at once); an application that is not a hand-off keeps
     * that fallback for the whole time it runs, as a nested router under it may miss later.
     *
     * @throws NoRouteFoundException if no route matches (nor, for nested routers, leads to a match)
     * @throws Exception             whatever the matched route's hand-offs throw
     */
    @Override
    public Next next(Scope scope, Receive receive, Send send) throws Exception {
        return routeFrom(0, scope, receive, send);
    }

    private Next routeFrom(int first, Scope scope, Receive receive, Send send) throws Exception {
        boolean nested = scope.pathRemaining() != null;
        String path = stripLeadingSlashes(nested ? scope.pathRemaining() : scope.path());
        for (int i = first; i < routes.size(); i++) {
            Route route = routes.get(i);
            Scope routed = routed(route, path, scope);
            if (routed == null) {
                continue;
            }
            Next target;
            try {
                target = Delegating.resolve(route.application(), routed, receive, send);
            } catch (NoRouteFoundException e) {
                if (!e.isNested()) {
                    throw e;
                }
                continue; // an inner router found nothing in what this route left: try the next route
            }
            if (target.application() instanceof Resumable) {
                return target; // a consumer: it has no routes to miss
            }
            return new Next(new FallingThrough(this, i, target), scope, receive, send);
        }
        throw nested ? NoRouteFoundException.nested(scope.type(), path) : new NoRouteFoundException(scope.type(), path);
    }

    /**
     * Runs a matched route's application and, if a nested router under it finds nothing while it
     * runs, goes on with the routes after it.
     */
    private record FallingThrough(URLRouter router, int index, Next target) implements Application {
        @Override
        public void run(Scope scope, Receive receive, Send send) throws Exception {
            try {
                target.run();
            } catch (NoRouteFoundException e) {
                if (!e.isNested()) {
                    throw e;
                }
                router.routeFrom(index + 1, scope, receive, send).run();
            }
        }
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
