package io.channels4j;

import java.util.Objects;

/**
 * An application that only hands a connection on: it picks the application that serves the
 * connection and what that application sees (the scope, and possibly wrapped {@code receive} and
 * {@code send}), and has nothing left to do once that application runs. Routers and middleware
 * such as {@link io.channels4j.routing.ProtocolTypeRouter}, {@link io.channels4j.middleware.Middleware}
 * and {@link io.channels4j.middleware.OriginValidator} are delegating applications; users implement
 * this only to write such a router or middleware of their own, and may as well extend
 * {@code Middleware}.
 *
 * <p>{@link #run} follows a chain of delegating applications in one loop, calling {@link #next} on
 * each, and then runs the first application that is not one (or whose class overrides {@code run})
 * as the last step. The effect is exactly that of each one calling the next one's {@code run}, in
 * the same order, on the same thread, with the same exceptions; but the chain is not on the
 * connection's stack while the connection lives. A connection's thread spends its life parked in
 * {@code receive()}, and every frame below that call is kept (on a virtual thread, in the heap)
 * for as long as the connection is open: with one frame per router and middleware, a typical
 * stack (origin check, cookies, session, auth, router) held about a kilobyte per connection more.
 *
 * <p>Threading and lifecycle: as {@link Application}: one instance serves every connection, and
 * {@link #next} runs on the connection's thread before anything below it.
 */
public interface Delegating extends Application {

    /**
     * Picks the application to run for this connection and what it sees. Called once per
     * connection, on the connection's thread, before the returned application runs.
     *
     * @param scope   the connection's scope as this application received it
     * @param receive events from the client
     * @param send    events to the client
     * @return the application to run next, with its scope, receive and send
     * @throws Exception to refuse the connection, as {@link Application#run} would
     */
    Next next(Scope scope, Receive receive, Send send) throws Exception;

    /**
     * Runs the chain that starts here: {@link #next} of every delegating application down to the
     * first that is not one, which then runs for the whole connection. Classes that override this
     * method are run through their override and end the loop.
     *
     * @throws IllegalStateException if more than 1,000 delegating applications follow one another
     *                               (a cycle)
     * @throws Exception whatever a {@link #next} or the final application throws
     */
    @Override
    default void run(Scope scope, Receive receive, Send send) throws Exception {
        follow(this, scope, receive, send).run(); // from here, even when an override calls this
    }

    /**
     * Follows the hand-offs that start at {@code application}: calls {@link #next} of every
     * delegating application down to the first that is not one (or whose class overrides
     * {@code run}), and returns that one with what it is to see, without running it. A protocol
     * server uses this to see which application serves a connection (to start a {@link Resumable}
     * as such); running the result ({@link Next#run()}) is exactly
     * {@code application.run(scope, receive, send)}.
     *
     * @param application the first application
     * @param scope       the connection's scope
     * @param receive     events from the client
     * @param send        events to the client
     * @return the application that serves the connection, with its scope, receive and send
     * @throws IllegalStateException if more than 1,000 delegating applications follow one another
     *                               (a cycle)
     * @throws Exception whatever a {@link #next} throws
     */
    static Next resolve(Application application, Scope scope, Receive receive, Send send) throws Exception {
        if (!(application instanceof Delegating first) || Next.overridesRun(first)) {
            return new Next(application, scope, receive, send);
        }
        return follow(first, scope, receive, send);
    }

    /** {@link #resolve} from a delegating application, whose {@link #next} is called first in any case. */
    private static Next follow(Delegating first, Scope scope, Receive receive, Send send) throws Exception {
        Delegating delegating = first;
        for (int hops = 1; ; hops++) {
            if (hops > Next.MAX_HOPS) {
                // nested calls would have overflowed the stack; a loop would spin for ever
                throw new IllegalStateException("more than " + Next.MAX_HOPS + " delegating applications in a row, "
                        + "last " + delegating + ": does one hand the connection back to itself?");
            }
            Next next = delegating.next(scope, receive, send);
            if (!(next.application() instanceof Delegating d) || Next.overridesRun(d)) {
                return next;
            }
            delegating = d;
            scope = next.scope();
            receive = next.receive();
            send = next.send();
        }
    }

    /**
     * Where a delegating application hands a connection on.
     *
     * @param application the application to run
     * @param scope       the scope it sees
     * @param receive     where it takes events from
     * @param send        where it sends events
     */
    record Next(Application application, Scope scope, Receive receive, Send send) {

        /** The longest chain {@link #run} follows: far beyond any real stack, short of a cycle. */
        static final int MAX_HOPS = 1_000;

        /** Whether a class declares its own {@code run}, which must then be called as written. */
        private static final ClassValue<Boolean> OVERRIDES_RUN = new ClassValue<>() {
            @Override
            protected Boolean computeValue(Class<?> type) {
                try {
                    return type.getMethod("run", Scope.class, Receive.class, Send.class).getDeclaringClass()
                            != Delegating.class;
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException(type + " has no run(Scope, Receive, Send)", e);
                }
            }
        };

        /**
         * Creates a hand-off.
         *
         * @param application the application to run
         * @param scope       the scope it sees
         * @param receive     where it takes events from
         * @param send        where it sends events
         */
        public Next {
            Objects.requireNonNull(application, "application");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(receive, "receive");
            Objects.requireNonNull(send, "send");
        }

        /**
         * Runs the application with what it is to see: {@code application().run(scope(), receive(), send())}.
         *
         * @throws Exception whatever the application throws
         */
        public void run() throws Exception {
            application.run(scope, receive, send);
        }

        static boolean overridesRun(Delegating application) {
            return OVERRIDES_RUN.get(application.getClass());
        }
    }
}
