package io.channels4j.routing;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Thrown by {@link ProtocolTypeRouter} when no application is configured for a scope's type
 * (Channels: {@code ValueError("No application configured for scope type ...")}). Thrown on the
 * connection's thread, before any application has run.
 */
public final class UnsupportedProtocolException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String scopeType;
    private final String[] configuredTypes;

    /**
     * Creates the exception.
     *
     * @param scopeType       the scope type that has no application, e.g. {@code lifespan}
     * @param configuredTypes the types the router has applications for
     */
    public UnsupportedProtocolException(String scopeType, Collection<String> configuredTypes) {
        this(scopeType, new TreeSet<>(configuredTypes).toArray(String[]::new));
    }

    private UnsupportedProtocolException(String scopeType, String[] sortedTypes) {
        super("No application configured for scope type '" + scopeType + "'; configured types: "
                + List.of(sortedTypes));
        this.scopeType = scopeType;
        this.configuredTypes = sortedTypes;
    }

    /** @return the scope type that has no application */
    public String scopeType() {
        return scopeType;
    }

    /** @return the types the router has applications for, sorted */
    public List<String> configuredTypes() {
        return List.of(configuredTypes);
    }
}
