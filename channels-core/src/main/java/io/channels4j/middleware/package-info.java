/**
 * Middleware: applications that wrap applications and add to the scope, Channels'
 * {@code channels.middleware}, {@code channels.sessions}, {@code channels.auth} and
 * {@code channels.security.websocket}.
 *
 * <ul>
 *   <li>{@link io.channels4j.middleware.Middleware}: the base class ({@code BaseMiddleware}).</li>
 *   <li>{@link io.channels4j.middleware.CookieMiddleware}: {@code cookies} in the scope;
 *       {@code setCookie}/{@code deleteCookie} on {@code http.response.start}.</li>
 *   <li>{@link io.channels4j.middleware.SessionMiddleware} and
 *       {@link io.channels4j.middleware.Session}: a signed session cookie and a pluggable
 *       {@link io.channels4j.middleware.SessionStore}.</li>
 *   <li>{@link io.channels4j.middleware.AuthMiddleware}, {@link io.channels4j.middleware.Auth}:
 *       the connection's {@link io.channels4j.middleware.User}, login and logout;
 *       {@link io.channels4j.middleware.AuthMiddlewareStack} wraps all three.</li>
 *   <li>{@link io.channels4j.middleware.OriginValidator} and
 *       {@link io.channels4j.middleware.AllowedHostsOriginValidator}: WebSocket origin checks.</li>
 * </ul>
 *
 * <p>Every middleware instance is shared by all connections and keeps no per-connection state;
 * per-connection objects ({@code Session}, the scope's user) live in the scope.
 */
package io.channels4j.middleware;
