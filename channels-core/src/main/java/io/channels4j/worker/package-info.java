/**
 * Background workers: Channels' {@code runworker}. A {@link io.channels4j.worker.Worker} receives
 * on named channels of a {@link io.channels4j.layer.ChannelLayer} and feeds each message to a
 * long-lived application instance (scope type {@code channel}), usually a
 * {@link io.channels4j.routing.ChannelNameRouter} of background
 * {@link io.channels4j.consumer.Consumer}s. {@link io.channels4j.worker.WorkerCommand} is the
 * command line ({@code runworker [--layer URL] --application Class:member channel...}).
 *
 * <p>Delivery is at most once, with no retries, results or acknowledgements, as in Channels: a
 * message is gone from the layer once a worker has received it, whatever happens to it next. Only
 * a layer shared between processes (Redis) lets web servers reach a worker in another process.
 */
package io.channels4j.worker;
