package io.channels4j.routing;

import io.channels4j.Application;
import io.channels4j.Delegating;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Dispatches a connection on its {@link Scope#type()} ({@code http}, {@code websocket},
 * {@code channel}, or a custom type) to the application configured for it: Channels'
 * {@code ProtocolTypeRouter}, usually the top of the application.
 *
 * <pre>{@code
 * Application application = ProtocolTypeRouter.of(Map.of(
 *     "http", chatPages,
 *     "websocket", AuthMiddlewareStack.wrap(new URLRouter(websocketUrlPatterns))));
 * }</pre>
 *
 * <p>Immutable and thread-safe: build it once at startup and share it; {@link #run} is called on
 * each connection's thread.
 */
public final class ProtocolTypeRouter implements Delegating {

    private final Map<String, Application> applications;

    private ProtocolTypeRouter(Map<String, Application> applications) {
        Map<String, Application> copy = new LinkedHashMap<>();
        applications.forEach((type, app) -> copy.put(
                Objects.requireNonNull(type, "scope type"),
                Objects.requireNonNull(app, () -> "application for scope type '" + type + "'")));
        this.applications = Collections.unmodifiableMap(copy);
    }

    /**
     * Creates a router from a mapping of scope type to application.
     *
     * @param applications e.g. {@code Map.of("http", pages, "websocket", router)}
     * @return the router
     * @throws NullPointerException if a type or an application is null
     */
    public static ProtocolTypeRouter of(Map<String, Application> applications) {
        return new ProtocolTypeRouter(Objects.requireNonNull(applications, "applications"));
    }

    /**
     * Starts a router, one scope type at a time.
     *
     * @return a builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the configured applications by scope type, unmodifiable */
    public Map<String, Application> applications() {
        return applications;
    }

    /**
     * Hands the connection to the application configured for the scope's type.
     *
     * @throws UnsupportedProtocolException if none is configured for the type
     */
    @Override
    public Next next(Scope scope, Receive receive, Send send) {
        Application application = applications.get(scope.type());
        if (application == null) {
            throw new UnsupportedProtocolException(scope.type(), applications.keySet());
        }
        return new Next(application, scope, receive, send);
    }

    @Override
    public String toString() {
        return "ProtocolTypeRouter" + applications.keySet();
    }

    /** Builds a {@link ProtocolTypeRouter}. Not thread-safe; use it on one thread, then share the router. */
    public static final class Builder {
        private final Map<String, Application> applications = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Configures the application for a scope type.
         *
         * @param type        the scope type, e.g. {@code websocket}
         * @param application its application
         * @return this builder
         * @throws IllegalArgumentException if the type is already configured
         */
        public Builder protocol(String type, Application application) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(application, "application");
            if (applications.putIfAbsent(type, application) != null) {
                throw new IllegalArgumentException("scope type '" + type + "' is already configured");
            }
            return this;
        }

        /** @param application the application for {@code http} scopes @return this builder */
        public Builder http(Application application) {
            return protocol(Scope.HTTP, application);
        }

        /** @param application the application for {@code websocket} scopes @return this builder */
        public Builder websocket(Application application) {
            return protocol(Scope.WEBSOCKET, application);
        }

        /** @param application the application for {@code channel} scopes (workers) @return this builder */
        public Builder channel(Application application) {
            return protocol(Scope.CHANNEL, application);
        }

        /** @return the router */
        public ProtocolTypeRouter build() {
            return new ProtocolTypeRouter(applications);
        }
    }
}
