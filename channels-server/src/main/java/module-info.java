/**
 * channels4j server: HTTP and WebSocket on one port, running any {@link io.channels4j.Application}.
 */
module io.channels4j.server {
    requires transitive io.channels4j.core;
    requires org.java_websocket;
    requires org.slf4j;
    requires static org.junit.jupiter.api;

    exports io.channels4j.server;
}
