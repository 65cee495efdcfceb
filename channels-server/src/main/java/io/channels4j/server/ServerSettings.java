package io.channels4j.server;

import io.channels4j.Application;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

/**
 * Everything {@link ChannelsServer.Builder} collects, validated. Immutable.
 */
record ServerSettings(
        Application application,
        String bind,
        int port,
        Duration websocketTimeout,
        Duration connectTimeout,
        Duration pingInterval,
        Duration pingTimeout,
        Duration applicationCloseTimeout,
        int maxMessageSize,
        long maxOutboundBytes,
        long maxInboundBytes,
        long maxRequestBodySize,
        int maxConnections,
        int maxRequestHeadSize,
        Consumer<String> accessLog,
        boolean proxyHeaders,
        List<String> trustedProxies,
        String rootPath,
        String serverName,
        SSLContext sslContext,
        int workers) {

    boolean tls() {
        return sslContext != null;
    }
}
