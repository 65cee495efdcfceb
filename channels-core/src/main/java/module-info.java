/**
 * channels4j core: the Channels consumer model on the JVM. Exports the API packages only;
 * implementation details are package-private.
 */
module io.channels4j.core {
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static org.junit.jupiter.api;

    exports io.channels4j;
    exports io.channels4j.consumer;
    exports io.channels4j.routing;
    exports io.channels4j.layer;
    exports io.channels4j.middleware;
    exports io.channels4j.testing;
    exports io.channels4j.worker;

    uses io.channels4j.layer.ChannelLayerProvider;
    provides io.channels4j.layer.ChannelLayerProvider with io.channels4j.layer.InMemoryChannelLayerProvider;
}
