package io.channels4j;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What is known about one connection: Channels' {@code scope}. Immutable; routers and middleware
 * pass a modified copy ({@link #with}, {@link #toBuilder()}) to the application they wrap.
 *
 * <p>Standard entries follow the ASGI spec as Daphne fills them: {@link #type()} ({@code http},
 * {@code websocket}, {@code channel}), {@link #path()} (percent-decoded), {@link #rawPath()}
 * (as sent), {@link #queryString()} (raw, without {@code ?}), {@link #headers()},
 * {@link #client()}, {@link #server()}, {@link #subprotocols()}, {@link #scheme()}. Routing adds
 * {@link #urlRoute()}; middleware adds named attributes such as {@code cookies}, {@code session}
 * and {@code user} ({@link #get(ScopeKey)}, {@link #attribute(String)}).
 *
 * <p>Thread-safe: instances are immutable (attribute values are as immutable as what middleware
 * puts there).
 */
public final class Scope {

    /** Scope type of WebSocket connections. */
    public static final String WEBSOCKET = "websocket";
    /** Scope type of HTTP requests. */
    public static final String HTTP = "http";
    /** Scope type of background workers on named channels. */
    public static final String CHANNEL = "channel";

    private final String type;
    private final String path;
    private final String rawPath;
    private final String rootPath;
    private final String pathRemaining;
    private final String queryString;
    private final String scheme;
    private final String method;
    private final String httpVersion;
    private final String channel;
    private final Headers headers;
    private final HostPort client;
    private final HostPort server;
    private final List<String> subprotocols;
    private final UrlRoute urlRoute;
    private final ScopeAttributes attributes;

    private Scope(Builder b) {
        this.type = Objects.requireNonNull(b.type, "scope type");
        this.path = b.path;
        this.rawPath = b.rawPath != null ? b.rawPath : b.path;
        this.rootPath = b.rootPath;
        this.pathRemaining = b.pathRemaining;
        this.queryString = b.queryString;
        this.scheme = b.scheme;
        this.method = b.method;
        this.httpVersion = b.httpVersion;
        this.channel = b.channel;
        this.headers = b.headers;
        this.client = b.client;
        this.server = b.server;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.urlRoute = b.urlRoute;
        this.attributes = b.attributes;
    }

    /** A copy of {@code base} with other attributes and route: what middleware and routers make. */
    private Scope(Scope base, ScopeAttributes attributes, UrlRoute urlRoute, String pathRemaining) {
        this.type = base.type;
        this.path = base.path;
        this.rawPath = base.rawPath;
        this.rootPath = base.rootPath;
        this.pathRemaining = pathRemaining;
        this.queryString = base.queryString;
        this.scheme = base.scheme;
        this.method = base.method;
        this.httpVersion = base.httpVersion;
        this.channel = base.channel;
        this.headers = base.headers;
        this.client = base.client;
        this.server = base.server;
        this.subprotocols = base.subprotocols;
        this.urlRoute = urlRoute;
        this.attributes = attributes;
    }

    /**
     * Starts a scope of the given type.
     *
     * @param type {@code websocket}, {@code http}, {@code channel} or a custom type
     * @return a builder; not thread-safe
     */
    public static Builder builder(String type) {
        return new Builder(type);
    }

    /**
     * A WebSocket scope for a path, as a test or a server would build it.
     *
     * @param path the path, optionally with {@code ?query}
     * @return the scope
     */
    public static Scope websocket(String path) {
        return builder(WEBSOCKET).url(path).scheme("ws").build();
    }

    /**
     * An HTTP scope for a method and path.
     *
     * @param method the method, e.g. {@code GET}
     * @param path   the path, optionally with {@code ?query}
     * @return the scope
     */
    public static Scope http(String method, String path) {
        return builder(HTTP).method(method).url(path).scheme("http").build();
    }

    /** @return the scope type: {@code websocket}, {@code http} or {@code channel} */
    public String type() {
        return type;
    }

    /** @return the request path, percent-decoded; empty for {@code channel} scopes */
    public String path() {
        return path;
    }

    /** @return the request path as sent on the wire, still percent-encoded */
    public String rawPath() {
        return rawPath;
    }

    /** @return the mount point of the application (ASGI {@code root_path}); empty by default */
    public String rootPath() {
        return rootPath;
    }

    /**
     * The part of the path routers have not consumed yet (Channels' {@code path_remaining});
     * {@code null} before any router matched.
     *
     * @return the remaining path or null
     */
    public String pathRemaining() {
        return pathRemaining;
    }

    /** @return the raw query string without {@code ?}; empty if none */
    public String queryString() {
        return queryString;
    }

    /** @return {@code ws}, {@code wss}, {@code http} or {@code https} */
    public String scheme() {
        return scheme;
    }

    /** @return the HTTP method (upper case) for {@code http} scopes; null otherwise */
    public String method() {
        return method;
    }

    /** @return the HTTP version ({@code 1.1}, {@code 1.0}) or null when unknown */
    public String httpVersion() {
        return httpVersion;
    }

    /** @return the named channel of a {@code channel} scope (workers); null otherwise */
    public String channel() {
        return channel;
    }

    /** @return the request headers, names lower-cased by the server */
    public Headers headers() {
        return headers;
    }

    /** @return the client's address, or null when unknown (e.g. in a test communicator) */
    public HostPort client() {
        return client;
    }

    /** @return the server's address, or null when unknown */
    public HostPort server() {
        return server;
    }

    /** @return the subprotocols the client offered, in its order */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** @return what URL routing captured; empty before routing */
    public UrlRoute urlRoute() {
        return urlRoute;
    }

    /**
     * A typed attribute set by middleware.
     *
     * @param key the attribute's key
     * @param <T> its type
     * @return the value, or null if absent
     * @throws ClassCastException if the stored value has another type
     */
    public <T> T get(ScopeKey<T> key) {
        Object value = attributes.get(key.name());
        return value == null ? null : key.type().cast(value);
    }

    /**
     * An attribute by name, untyped.
     *
     * @param name the attribute name
     * @return the value, or null if absent
     */
    public Object attribute(String name) {
        return attributes.get(name);
    }

    /**
     * Whether an attribute is present.
     *
     * @param name the attribute name
     * @return true if present
     */
    public boolean hasAttribute(String name) {
        return attributes.containsKey(name);
    }

    /** @return every attribute, unmodifiable, in the order they were added */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * The request cookies, once {@code CookieMiddleware} has parsed them.
     *
     * @return the cookies by name; empty if none or not parsed
     */
    @SuppressWarnings("unchecked")
    public Map<String, String> cookies() {
        Object cookies = attributes.get("cookies");
        return cookies instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
    }

    /**
     * A copy with one attribute set.
     *
     * @param key   the attribute's key
     * @param value the value; null removes the attribute
     * @param <T>   its type
     * @return the new scope
     */
    public <T> Scope with(ScopeKey<T> key, T value) {
        return with(key.name(), value);
    }

    /**
     * A copy with one attribute set, by name.
     *
     * @param name  the attribute name
     * @param value the value; null removes the attribute
     * @return the new scope
     */
    public Scope with(String name, Object value) {
        Objects.requireNonNull(name, "name");
        return new Scope(this, attributes.with(name, value), urlRoute, pathRemaining);
    }

    /**
     * A copy with a new URL route and remaining path, as a router passes it on.
     *
     * @param route         what routing captured
     * @param pathRemaining the unconsumed part of the path
     * @return the new scope
     */
    public Scope withUrlRoute(UrlRoute route, String pathRemaining) {
        return new Scope(this, attributes, Objects.requireNonNull(route, "route"), pathRemaining);
    }

    /**
     * A builder holding a copy of this scope.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.path = path;
        b.rawPath = rawPath;
        b.rootPath = rootPath;
        b.pathRemaining = pathRemaining;
        b.queryString = queryString;
        b.scheme = scheme;
        b.method = method;
        b.httpVersion = httpVersion;
        b.channel = channel;
        b.headers = headers;
        b.client = client;
        b.server = server;
        b.subprotocols = subprotocols;
        b.urlRoute = urlRoute;
        b.attributes = attributes;
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Scope{type=").append(type);
        if (method != null) {
            sb.append(", method=").append(method);
        }
        if (!path.isEmpty()) {
            sb.append(", path=").append(path);
        }
        if (!queryString.isEmpty()) {
            sb.append(", query=").append(queryString);
        }
        if (channel != null) {
            sb.append(", channel=").append(channel);
        }
        if (client != null) {
            sb.append(", client=").append(client);
        }
        if (!attributes.isEmpty()) {
            sb.append(", attributes=").append(attributes.keySet());
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link Scope}. Not thread-safe. */
    public static final class Builder {
        private final String type;
        private String path = "";
        private String rawPath;
        private String rootPath = "";
        private String pathRemaining;
        private String queryString = "";
        private String scheme;
        private String method;
        private String httpVersion;
        private String channel;
        private Headers headers = Headers.empty();
        private HostPort client;
        private HostPort server;
        private List<String> subprotocols = List.of();
        private UrlRoute urlRoute = UrlRoute.empty();
        /** The attributes: shared with the scope copied from until changed, each change a new copy. */
        private ScopeAttributes attributes = ScopeAttributes.EMPTY;

        private Builder(String type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /**
         * Sets path and query from a URL such as {@code /ws/chat/lobby/?token=1}; the path is
         * percent-decoded, the raw path and query kept as given.
         *
         * @param url the path with optional query
         * @return this builder
         */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            int q = url.indexOf('?');
            String raw = q >= 0 ? url.substring(0, q) : url;
            this.rawPath = raw;
            this.path = PercentDecoding.decodePath(raw);
            this.queryString = q >= 0 ? url.substring(q + 1) : "";
            return this;
        }

        /** @param path the decoded path @return this builder */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** @param rawPath the path as sent @return this builder */
        public Builder rawPath(String rawPath) {
            this.rawPath = rawPath;
            return this;
        }

        /** @param rootPath the mount point @return this builder */
        public Builder rootPath(String rootPath) {
            this.rootPath = Objects.requireNonNull(rootPath, "rootPath");
            return this;
        }

        /** @param pathRemaining the unconsumed path, or null @return this builder */
        public Builder pathRemaining(String pathRemaining) {
            this.pathRemaining = pathRemaining;
            return this;
        }

        /** @param queryString the raw query without {@code ?} @return this builder */
        public Builder queryString(String queryString) {
            this.queryString = Objects.requireNonNull(queryString, "queryString");
            return this;
        }

        /** @param scheme {@code ws}, {@code wss}, {@code http}, {@code https} @return this builder */
        public Builder scheme(String scheme) {
            this.scheme = scheme;
            return this;
        }

        /** @param method the HTTP method @return this builder */
        public Builder method(String method) {
            this.method = method;
            return this;
        }

        /** @param httpVersion e.g. {@code 1.1} @return this builder */
        public Builder httpVersion(String httpVersion) {
            this.httpVersion = httpVersion;
            return this;
        }

        /** @param channel the named channel of a worker scope @return this builder */
        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        /** @param headers the request headers @return this builder */
        public Builder headers(Headers headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** @param client the client address or null @return this builder */
        public Builder client(HostPort client) {
            this.client = client;
            return this;
        }

        /** @param server the server address or null @return this builder */
        public Builder server(HostPort server) {
            this.server = server;
            return this;
        }

        /** @param subprotocols offered subprotocols @return this builder */
        public Builder subprotocols(List<String> subprotocols) {
            this.subprotocols = List.copyOf(subprotocols);
            return this;
        }

        /** @param urlRoute what routing captured @return this builder */
        public Builder urlRoute(UrlRoute urlRoute) {
            this.urlRoute = Objects.requireNonNull(urlRoute, "urlRoute");
            return this;
        }

        /**
         * Sets or (with null) removes an attribute.
         *
         * @param name  the attribute name
         * @param value the value or null
         * @return this builder
         */
        public Builder attribute(String name, Object value) {
            Objects.requireNonNull(name, "name");
            attributes = attributes.with(name, value);
            return this;
        }

        /**
         * Sets or (with null) removes a typed attribute.
         *
         * @param key   the attribute's key
         * @param value the value or null
         * @param <T>   its type
         * @return this builder
         */
        public <T> Builder attribute(ScopeKey<T> key, T value) {
            return attribute(key.name(), value);
        }

        /** @return the immutable scope */
        public Scope build() {
            return new Scope(this);
        }
    }
}
