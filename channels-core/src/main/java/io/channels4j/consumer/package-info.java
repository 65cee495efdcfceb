/**
 * Consumers: one instance per connection, events dispatched by {@code type} to methods, handled
 * one at a time on the connection's own thread. {@link io.channels4j.consumer.WebsocketConsumer},
 * {@link io.channels4j.consumer.JsonWebsocketConsumer} and {@link io.channels4j.consumer.HttpConsumer}
 * are the generic consumers users subclass.
 */
package io.channels4j.consumer;
