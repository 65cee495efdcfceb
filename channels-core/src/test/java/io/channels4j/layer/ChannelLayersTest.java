package io.channels4j.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channels4j.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChannelLayersTest {

    private final List<ChannelLayer> created = new ArrayList<>();

    @AfterEach
    void closeLayers() {
        created.forEach(ChannelLayer::close);
    }

    private InMemoryChannelLayer create(String url) {
        ChannelLayer layer = ChannelLayers.create(url);
        created.add(layer);
        return (InMemoryChannelLayer) layer;
    }

    private InMemoryChannelLayer create(Map<String, ?> config) {
        ChannelLayer layer = ChannelLayers.create(config);
        created.add(layer);
        return (InMemoryChannelLayer) layer;
    }

    // ---------------------------------------------------------------- registry

    @Test
    void registry_getsSetsAndRemovesAliases() {
        ChannelLayers layers = new ChannelLayers();
        assertThat(layers.get(ChannelLayers.DEFAULT_ALIAS)).isNull();
        InMemoryChannelLayer first = new InMemoryChannelLayer();
        InMemoryChannelLayer second = new InMemoryChannelLayer();
        created.add(first);
        created.add(second);
        assertThat(layers.set("default", first).set("other", second)).isSameAs(layers);
        assertThat(layers.get("default")).isSameAs(first);
        assertThat(layers.require("other")).isSameAs(second);
        assertThat(layers.aliases()).containsExactly("default", "other");
        assertThat(layers.remove("other")).isSameAs(second);
        assertThat(layers.remove("other")).isNull();
        assertThat(layers.aliases()).containsExactly("default");
        second.send("still-open", Message.of("type", "x"));
    }

    @Test
    void require_ofAnUnknownAlias_namesItAndTheKnownOnes() {
        ChannelLayers layers = new ChannelLayers().set("default", create("memory://"));
        assertThatThrownBy(() -> layers.require("chat"))
                .isInstanceOf(InvalidChannelLayerException.class)
                .hasMessage("no channel layer configured for alias 'chat' (configured: [default])");
    }

    @Test
    void closeAll_closesAndRemovesEveryLayer() {
        InMemoryChannelLayer layer = new InMemoryChannelLayer();
        ChannelLayers layers = new ChannelLayers().set("a", layer).set("b", new InMemoryChannelLayer());
        layers.closeAll();
        assertThat(layers.aliases()).isEmpty();
        assertThatThrownBy(() -> layer.send("x", Message.of())).hasMessage("layer is closed");
    }

    @Test
    void defaults_isOneSharedRegistry() {
        assertThat(ChannelLayers.defaults()).isSameAs(ChannelLayers.defaults());
    }

    // ---------------------------------------------------------------- URLs and maps

    @Test
    void memoryUrl_buildsAnInMemoryLayerWithDefaults() {
        for (String url : List.of("memory://", "memory:///", " memory:// ")) {
            InMemoryChannelLayer layer = create(url);
            assertThat(layer.capacity("x")).isEqualTo(100);
            assertThat(layer.expiry()).isEqualTo(Duration.ofSeconds(60));
            assertThat(layer.groupExpiry()).isEqualTo(Duration.ofSeconds(86400));
        }
    }

    @Test
    void memoryUrl_readsSettingsFromTheQuery() {
        InMemoryChannelLayer layer = create(
                "memory://?capacity=200&expiry=30&group_expiry=3600&channel_capacity=http.*%3D5;ws.*=7");
        assertThat(layer.capacity("other")).isEqualTo(200);
        assertThat(layer.capacity("http.request")).isEqualTo(5);
        assertThat(layer.capacity("ws.x")).isEqualTo(7);
        assertThat(layer.expiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(layer.groupExpiry()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(create("memory://?expiry=0.5").expiry()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void mapSettings_overrideTheQuery() {
        Map<String, Object> channelCapacity = new LinkedHashMap<>();
        channelCapacity.put("http.*", 3);
        channelCapacity.put("*", 4);
        InMemoryChannelLayer layer = create(Map.of(
                "url", "memory://?capacity=200&expiry=30",
                "capacity", 300,
                "group_expiry", Duration.ofMinutes(5),
                "channel_capacity", channelCapacity));
        assertThat(layer.capacities().defaultCapacity()).isEqualTo(300);
        assertThat(layer.capacity("http.x")).isEqualTo(3);
        assertThat(layer.capacity("other")).isEqualTo(4);
        assertThat(layer.expiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(layer.groupExpiry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(create(Map.of("url", "memory://", "expiry", 2.5)).expiry()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void unknownScheme_namesItTheKnownOnesAndTheFix() {
        assertThatThrownBy(() -> ChannelLayers.create("redis://localhost:6379/0"))
                .isInstanceOf(InvalidChannelLayerException.class)
                .hasMessage("no channel layer provider for scheme 'redis' (known: [memory]); "
                        + "add io.channels4j:channels-redis to the class path");
        assertThatThrownBy(() -> ChannelLayers.create("kafka://broker"))
                .hasMessageStartingWith("no channel layer provider for scheme 'kafka' (known: [memory]); add a module");
    }

    @Test
    void unknownSetting_namesItAndTheKnownOnes() {
        assertThatThrownBy(() -> ChannelLayers.create("memory://?capcity=5"))
                .isInstanceOf(InvalidChannelLayerException.class)
                .hasMessage("unknown channel layer setting 'capcity' for memory:// "
                        + "(known: [capacity, channel_capacity, expiry, group_expiry])");
        assertThatThrownBy(() -> ChannelLayers.create(Map.of("url", "memory://", "prefix", "asgi")))
                .hasMessageContaining("'prefix'");
    }

    @Test
    void badValues_nameTheSettingAndTheValue() {
        assertThatThrownBy(() -> ChannelLayers.create("memory://?capacity=lots"))
                .hasMessage("channel layer setting 'capacity' must be an integer >= 1, was 'lots'");
        assertThatThrownBy(() -> ChannelLayers.create("memory://?capacity=0"))
                .hasMessage("channel layer setting 'capacity' must be an integer >= 1, was '0'");
        assertThatThrownBy(() -> ChannelLayers.create("memory://?expiry=-1"))
                .hasMessage("channel layer setting 'expiry' must be a positive number of seconds, was '-1'");
        assertThatThrownBy(() -> ChannelLayers.create("memory://?channel_capacity=http"))
                .hasMessageStartingWith("channel layer setting 'channel_capacity' is invalid: ");
        assertThatThrownBy(() -> ChannelLayers.create("memory://?capacity=1&capacity=2"))
                .hasMessage("channel layer URL sets 'capacity' twice");
        assertThatThrownBy(() -> ChannelLayers.create(Map.of("url", "memory://", "capacity", new Object())))
                .hasMessageContaining("'capacity' has unsupported type java.lang.Object");
        assertThatThrownBy(() -> ChannelLayers.create(Map.of("url", "memory://",
                "channel_capacity", Map.of(Pattern.compile("x"), 1))))
                .hasMessageContaining("channelCapacity(Pattern, int)");
    }

    @Test
    void badUrls_areClearErrors() {
        assertThatThrownBy(() -> ChannelLayers.create("no-scheme"))
                .isInstanceOf(InvalidChannelLayerException.class).hasMessageContaining("has no scheme");
        assertThatThrownBy(() -> ChannelLayers.create("memory://somehost"))
                .hasMessageContaining("takes no host or path");
        assertThatThrownBy(() -> ChannelLayers.create("redis://:secret@host bad/0"))
                .hasMessageStartingWith("invalid channel layer URL 'redis://***@host bad/0'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ChannelLayers.create(Map.of("capacity", 5)))
                .hasMessageContaining("needs a 'url'");
    }

    @Test
    void fromConfig_buildsOneLayerPerAlias() {
        ChannelLayers layers = ChannelLayers.fromConfig(Map.of(
                "default", Map.of("url", "memory://"),
                "bulk", Map.of("url", "memory://", "capacity", "1000")));
        try {
            assertThat(layers.aliases()).containsExactly("bulk", "default");
            assertThat(layers.require("bulk").capacity("x")).isEqualTo(1000);
            assertThat(layers.require("default")).isNotSameAs(layers.require("bulk"));
        } finally {
            layers.closeAll();
        }
        assertThatThrownBy(() -> ChannelLayers.fromConfig(Map.of(
                "default", Map.of("url", "memory://"), "broken", Map.of("url", "memory://?capacity=x"))))
                .isInstanceOf(InvalidChannelLayerException.class)
                .hasMessageStartingWith("channel layer alias 'broken': channel layer setting 'capacity'");
    }

    @Test
    void serviceLoader_findsTheMemoryProvider() {
        assertThat(java.util.ServiceLoader.load(ChannelLayerProvider.class).stream()
                .map(java.util.ServiceLoader.Provider::type))
                .contains(InMemoryChannelLayerProvider.class);
        assertThat(new InMemoryChannelLayerProvider().schemes()).containsExactly("memory");
    }
}
