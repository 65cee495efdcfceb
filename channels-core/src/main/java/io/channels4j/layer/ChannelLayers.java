package io.channels4j.layer;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel layers by alias, Channels' {@code channel_layers} / {@code get_channel_layer}, and the
 * factories that build layers from URLs or configuration maps.
 *
 * <pre>{@code
 * ChannelLayers.defaults().set(ChannelLayers.DEFAULT_ALIAS, ChannelLayers.create("memory://?capacity=200"));
 * ChannelLayer layer = ChannelLayers.defaults().get(ChannelLayers.DEFAULT_ALIAS);
 *
 * ChannelLayers layers = ChannelLayers.fromConfig(Map.of(
 *         "default", Map.of("url", "redis://localhost:6379/0", "capacity", 200)));
 * }</pre>
 *
 * <p>URLs pick a {@link ChannelLayerProvider} by scheme through {@link ServiceLoader}, searched
 * with this class's loader and the thread's context loader: {@code memory} is built in,
 * {@code redis} comes with {@code io.channels4j:channels-redis}. Settings come from the URL query
 * and, for a map, its other keys (the map wins); names follow channels_redis ({@code capacity},
 * {@code expiry}, {@code group_expiry}, {@code channel_capacity}).
 *
 * <p>Threading: a registry is thread-safe. Lifecycle: the registry does not own its layers until
 * {@link #closeAll()}, which closes and removes them; {@link #remove} hands a layer back without
 * closing it.
 */
public final class ChannelLayers {

    /** The alias consumers use when none is given (Channels' {@code DEFAULT_CHANNEL_LAYER}). */
    public static final String DEFAULT_ALIAS = "default";
    /** The configuration map key that holds the layer URL. */
    public static final String URL_KEY = "url";

    private static final Logger log = LoggerFactory.getLogger(ChannelLayers.class);
    private static final ChannelLayers DEFAULTS = new ChannelLayers();
    private static final Pattern EMPTY_AUTHORITY = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://$");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@?#]*@");

    private final ConcurrentSkipListMap<String, ChannelLayer> layers = new ConcurrentSkipListMap<>();

    /** Creates an empty registry. */
    public ChannelLayers() {
    }

    /**
     * The process-wide registry, initially empty.
     *
     * @return the shared registry
     */
    public static ChannelLayers defaults() {
        return DEFAULTS;
    }

    /**
     * The layer of an alias.
     *
     * @param alias the alias
     * @return the layer, or null if the alias is not configured (like {@code get_channel_layer})
     */
    public ChannelLayer get(String alias) {
        return layers.get(requireAlias(alias));
    }

    /**
     * The layer of an alias that must exist.
     *
     * @param alias the alias
     * @return the layer
     * @throws InvalidChannelLayerException naming the alias and the configured ones
     */
    public ChannelLayer require(String alias) {
        ChannelLayer layer = get(alias);
        if (layer == null) {
            throw new InvalidChannelLayerException("no channel layer configured for alias '" + alias
                    + "' (configured: " + aliases() + ")");
        }
        return layer;
    }

    /**
     * Sets (or replaces) the layer of an alias. A replaced layer is not closed.
     *
     * @param alias the alias
     * @param layer the layer
     * @return this registry
     */
    public ChannelLayers set(String alias, ChannelLayer layer) {
        layers.put(requireAlias(alias), Objects.requireNonNull(layer, "layer"));
        return this;
    }

    /**
     * Removes an alias without closing its layer.
     *
     * @param alias the alias
     * @return the removed layer, or null
     */
    public ChannelLayer remove(String alias) {
        return layers.remove(requireAlias(alias));
    }

    /** @return the configured aliases, sorted; a snapshot */
    public Set<String> aliases() {
        return new TreeSet<>(layers.keySet());
    }

    /**
     * Closes and removes every layer. If closing fails, the others are still closed and the
     * first failure is thrown with the rest suppressed.
     */
    public void closeAll() {
        RuntimeException failure = null;
        for (String alias : layers.keySet()) {
            ChannelLayer layer = layers.remove(alias);
            if (layer == null) {
                continue;
            }
            try {
                layer.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "ChannelLayers" + aliases();
    }

    // ---------------------------------------------------------------- factories

    /**
     * A layer URL safe to print: {@code scheme://user:secret@host} becomes
     * {@code scheme://user:***@host}, {@code scheme://secret@host} (a password alone, as redis URLs
     * allow) {@code scheme://***@host}; the query is dropped, since settings such as
     * {@code symmetric_encryption_keys} are secrets too. Works on any URL-like text, parseable or
     * not; text without credentials is returned as is (without its query).
     *
     * @param url the text, e.g. a configured layer URL; may be null
     * @return the text safe to log, or null for null
     */
    public static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        int query = url.indexOf('?');
        String text = query >= 0 ? url.substring(0, query) : url;
        int scheme = text.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        // the last '@', not the first after the authority: a password may hold '/', '@' or '#'
        int at = text.lastIndexOf('@');
        if (at < start) {
            return text;
        }
        String info = text.substring(start, at);
        int colon = info.indexOf(':');
        String masked = (colon >= 0 ? info.substring(0, colon) + ":" : "") + "***";
        return text.substring(0, start) + masked + text.substring(at);
    }

    /**
     * Builds a layer from a URL such as {@code memory://}, {@code memory://?capacity=200&expiry=30}
     * or {@code redis://host:6379/0}.
     *
     * @param url the URL; settings in its query
     * @return a new layer, owned by the caller
     * @throws InvalidChannelLayerException if the URL is malformed, no provider handles its
     *                                      scheme, or a setting is unknown or invalid
     */
    public static ChannelLayer create(String url) {
        return create(Map.of(URL_KEY, Objects.requireNonNull(url, "url")));
    }

    /**
     * Builds a layer from a configuration map: {@code url} plus settings, which override the
     * URL's query. Values may be Strings, numbers, Booleans, {@link Duration}s (as seconds) and,
     * for {@code channel_capacity}, a map of glob to capacity (ordered if you need an order).
     *
     * @param config the configuration
     * @return a new layer, owned by the caller
     * @throws InvalidChannelLayerException if {@code url} is missing, a value has an unsupported
     *                                      type, or as for {@link #create(String)}
     */
    public static ChannelLayer create(Map<String, ?> config) {
        Objects.requireNonNull(config, "config");
        Object rawUrl = config.get(URL_KEY);
        if (!(rawUrl instanceof String) && !(rawUrl instanceof URI)) {
            throw new InvalidChannelLayerException("channel layer configuration needs a '" + URL_KEY
                    + "' String such as memory:// or redis://host:6379/0, got "
                    + (rawUrl == null ? "none" : rawUrl.getClass().getName()) + " (keys: "
                    + new TreeSet<>(config.keySet()) + ")");
        }
        URI url = parseUrl(rawUrl.toString());
        Map<String, String> options = parseQuery(url);
        for (Map.Entry<String, ?> e : config.entrySet()) {
            if (!e.getKey().equals(URL_KEY)) {
                options.put(e.getKey(), settingToString(e.getKey(), e.getValue()));
            }
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        Map<String, ChannelLayerProvider> providers = providers();
        ChannelLayerProvider provider = providers.get(scheme);
        if (provider == null) {
            throw new InvalidChannelLayerException("no channel layer provider for scheme '" + scheme + "' (known: "
                    + new TreeSet<>(providers.keySet()) + "); " + hint(scheme));
        }
        return provider.create(url, options);
    }

    /**
     * Builds a registry from configuration maps by alias, Channels' {@code CHANNEL_LAYERS}. If one
     * fails, the layers already built are closed.
     *
     * @param config alias to configuration map (see {@link #create(Map)})
     * @return a new registry holding a new layer per alias
     * @throws InvalidChannelLayerException naming the alias whose configuration is bad
     */
    public static ChannelLayers fromConfig(Map<String, ? extends Map<String, ?>> config) {
        ChannelLayers registry = new ChannelLayers();
        for (Map.Entry<String, ? extends Map<String, ?>> e : new TreeMap<>(config).entrySet()) {
            try {
                registry.set(e.getKey(), create(Objects.requireNonNull(e.getValue(), e.getKey())));
            } catch (RuntimeException failure) {
                try {
                    registry.closeAll();
                } catch (RuntimeException closing) {
                    failure.addSuppressed(closing);
                }
                throw new InvalidChannelLayerException("channel layer alias '" + e.getKey() + "': "
                        + failure.getMessage(), failure);
            }
        }
        return registry;
    }

    // ---------------------------------------------------------------- internals

    private static String requireAlias(String alias) {
        Objects.requireNonNull(alias, "alias");
        if (alias.isBlank()) {
            throw new IllegalArgumentException("channel layer alias must not be blank");
        }
        return alias;
    }

    private static String hint(String scheme) {
        return switch (scheme) {
            case "redis", "rediss", "sentinel", "redis+sentinel", "redis-pubsub" ->
                    "add io.channels4j:channels-redis to the class path";
            default -> "add a module that provides io.channels4j.layer.ChannelLayerProvider for it";
        };
    }

    static URI parseUrl(String url) {
        String trimmed = url.strip();
        String normalized = EMPTY_AUTHORITY.matcher(trimmed).matches() ? trimmed + "/" : trimmed;
        URI uri;
        try {
            uri = new URI(normalized);
        } catch (URISyntaxException e) {
            throw new InvalidChannelLayerException("invalid channel layer URL '" + redact(trimmed) + "': "
                    + e.getReason() + " at index " + e.getIndex());
        }
        if (uri.getScheme() == null) {
            throw new InvalidChannelLayerException("channel layer URL '" + redact(trimmed)
                    + "' has no scheme; use e.g. memory:// or redis://host:6379/0");
        }
        return uri;
    }

    static Map<String, String> parseQuery(URI url) {
        return parseQuery(url.getRawQuery());
    }

    /**
     * The settings of a URL's raw query, read as {@link #create(String)} reads a layer URL's:
     * {@code name=value} pairs split on {@code &}, percent-decoded as UTF-8 ({@code +} stays a
     * plus), a name without {@code =} set to the empty string. For other components that take
     * settings in a Redis URL's query (the Redis session store).
     *
     * @param query the raw query, without its {@code ?}; null or empty for none
     * @return the settings in query order; modifiable
     * @throws InvalidChannelLayerException if a setting is given twice
     */
    public static Map<String, String> parseQuery(String query) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            if (options.put(key, value) != null) {
                throw new InvalidChannelLayerException("channel layer URL sets '" + key + "' twice");
            }
        }
        return options;
    }

    private static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            boolean escape = bytes[i] == '%' && i + 2 < bytes.length;
            int hi = escape ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = escape ? Character.digit(bytes[i + 2], 16) : -1;
            if (hi >= 0 && lo >= 0) {
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String settingToString(String name, Object value) {
        return switch (value) {
            case null -> throw new InvalidChannelLayerException("channel layer setting '" + name + "' is null");
            case String s -> s;
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case Short s -> s.toString();
            case Byte b -> b.toString();
            case Double d -> BigDecimal.valueOf(d).toPlainString();
            case Float f -> new BigDecimal(f.toString()).toPlainString();
            case BigDecimal d -> d.toPlainString();
            case Boolean b -> b.toString();
            case Duration d -> BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9))
                    .stripTrailingZeros().toPlainString();
            case Map<?, ?> map -> capacitiesToString(name, map);
            default -> throw new InvalidChannelLayerException("channel layer setting '" + name + "' has unsupported type "
                    + value.getClass().getName() + "; use a String, number, Boolean, Duration or, for "
                    + LayerOptions.CHANNEL_CAPACITY + ", a Map of glob to capacity");
        };
    }

    private static String capacitiesToString(String name, Map<?, ?> map) {
        StringBuilder spec = new StringBuilder();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String glob)) {
                throw new InvalidChannelLayerException("channel layer setting '" + name + "' has key " + e.getKey()
                        + " of type " + (e.getKey() == null ? "null" : e.getKey().getClass().getName())
                        + "; configuration takes glob Strings (for a Pattern use "
                        + "InMemoryChannelLayer.builder().channelCapacity(Pattern, int))");
            }
            if (!(e.getValue() instanceof Integer) && !(e.getValue() instanceof Long) && !(e.getValue() instanceof String)) {
                throw new InvalidChannelLayerException("channel layer setting '" + name + "' gives '" + glob
                        + "' the value " + e.getValue() + "; capacities must be integers");
            }
            if (!spec.isEmpty()) {
                spec.append(';');
            }
            spec.append(glob).append('=').append(e.getValue());
        }
        return spec.toString();
    }

    /** The providers by scheme, from both class loaders; the first provider of a scheme wins. */
    private static Map<String, ChannelLayerProvider> providers() {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        loaders.add(ChannelLayerProvider.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        Map<String, ChannelLayerProvider> byScheme = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ClassLoader loader : loaders) {
            Iterator<ChannelLayerProvider> it = ServiceLoader.load(ChannelLayerProvider.class, loader).iterator();
            for (int failures = 0; failures < 100; ) {
                ChannelLayerProvider provider;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    provider = it.next();
                } catch (ServiceConfigurationError e) {
                    log.warn("skipping a channel layer provider that failed to load", e);
                    failures++;
                    continue;
                }
                if (!seen.add(provider.getClass().getName())) {
                    continue;
                }
                for (String scheme : provider.schemes()) {
                    ChannelLayerProvider previous = byScheme.putIfAbsent(scheme.toLowerCase(Locale.ROOT), provider);
                    if (previous != null) {
                        log.debug("scheme {} is provided by both {} and {}; using the first",
                                scheme, previous.getClass().getName(), provider.getClass().getName());
                    }
                }
            }
        }
        return byScheme;
    }

    private static String redact(String url) {
        return USER_INFO.matcher(url).replaceFirst("//***@");
    }
}
