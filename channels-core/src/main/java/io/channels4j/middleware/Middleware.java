package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Delegating;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.util.Objects;

/**
 * Base for middleware, Channels' {@code BaseMiddleware}: an {@link Application} that wraps another
 * and hands it a modified copy of the scope.
 *
 * <pre>{@code
 * public final class TenantMiddleware extends Middleware {
 *     public static final ScopeKey<Tenant> TENANT = ScopeKey.of("tenant", Tenant.class);
 *     private final Tenants tenants;
 *
 *     public TenantMiddleware(Application inner, Tenants tenants) {
 *         super(inner);
 *         this.tenants = tenants;
 *     }
 *
 *     @Override protected Scope populateScope(Scope scope) {
 *         return scope.with(TENANT, tenants.byHost(scope.headers().get("host")));
 *     }
 * }
 * }</pre>
 *
 * <p><b>Lifecycle and threading.</b> One instance serves every connection, each on its own
 * thread, concurrently: keep per-connection state in the scope (or in what an overridden
 * {@link #next} returns), never in fields. A middleware is a {@link Delegating} application: it
 * hands the connection on and is off the connection's stack while the connection lives. {@link Scope} is immutable, so the copy Channels
 * makes with {@code dict(scope)} is implicit: a change reaches only the wrapped application,
 * never the caller.
 */
public abstract class Middleware implements Delegating {

    /** The wrapped application; runs once per connection, after {@link #next}. */
    protected final Application inner;

    /**
     * Wraps an application.
     *
     * @param inner the application to call with the modified scope
     */
    protected Middleware(Application inner) {
        this.inner = Objects.requireNonNull(inner, "inner application");
    }

    /**
     * Hands the connection to the wrapped application with the scope {@link #populateScope}
     * returns. Override to also wrap {@code receive} or {@code send} (return them in the
     * {@link Next}); overriding {@link #run} instead, and calling {@code inner.run(...)} from it,
     * works too, but keeps this middleware's frame on the connection's stack for the connection's
     * lifetime (see {@link Delegating}).
     *
     * @param scope   the connection's scope
     * @param receive events from the client
     * @param send    events to the client
     * @return the wrapped application, the populated scope, {@code receive} and {@code send}
     * @throws Exception whatever {@link #populateScope} throws
     */
    @Override
    public Next next(Scope scope, Receive receive, Send send) throws Exception {
        return new Next(inner, populateScope(scope), receive, send);
    }

    /**
     * Returns the scope the wrapped application sees; runs on the connection's thread before the
     * wrapped application starts. The default returns the scope unchanged.
     *
     * @param scope the scope as this middleware received it
     * @return the scope for the wrapped application, usually {@code scope.with(...)}
     * @throws Exception to refuse the connection (the server answers 500, as for any failure)
     */
    protected Scope populateScope(Scope scope) throws Exception {
        return scope;
    }
}
