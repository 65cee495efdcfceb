package io.channels4j;

import java.util.Objects;

/**
 * A host and port, as in a scope's {@code client} and {@code server} entries.
 *
 * @param host the address or host name
 * @param port the port; 0 when unknown (Daphne reports 0 for a client behind a proxy)
 */
public record HostPort(String host, int port) {
    /**
     * Creates the value.
     *
     * @param host the address or host name
     * @param port the port, 0..65535
     */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
