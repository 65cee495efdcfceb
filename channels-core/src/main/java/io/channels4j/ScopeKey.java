package io.channels4j;

import java.util.Objects;

/**
 * A typed name for a scope attribute that middleware adds ({@code cookies}, {@code session},
 * {@code user}, ...). Declare one constant per attribute and read it with
 * {@link Scope#get(ScopeKey)}:
 *
 * <pre>{@code
 * public static final ScopeKey<Tenant> TENANT = ScopeKey.of("tenant", Tenant.class);
 * ... scope.with(TENANT, tenant) ... scope.get(TENANT)
 * }</pre>
 *
 * <p>Two keys are equal when their names are equal: the name is what Channels code calls
 * {@code scope["tenant"]}.
 *
 * @param name the attribute name
 * @param type the value's type
 * @param <T>  the value's type
 */
public record ScopeKey<T>(String name, Class<T> type) {
    /**
     * Creates a key.
     *
     * @param name the attribute name, not blank
     * @param type the value's type
     */
    public ScopeKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isBlank()) {
            throw new IllegalArgumentException("scope attribute name must not be blank");
        }
    }

    /**
     * Creates a key.
     *
     * @param name the attribute name
     * @param type the value's type
     * @param <T>  the value's type
     * @return the key
     */
    public static <T> ScopeKey<T> of(String name, Class<T> type) {
        return new ScopeKey<>(name, type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScopeKey<?> k && k.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
