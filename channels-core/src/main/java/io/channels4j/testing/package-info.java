/**
 * Test tools, as Channels ships them: {@link io.channels4j.testing.ApplicationCommunicator},
 * {@link io.channels4j.testing.WebsocketCommunicator} and
 * {@link io.channels4j.testing.HttpCommunicator} drive an application in-process without a
 * server, and {@link io.channels4j.testing.ChannelLayerContract} is the test kit every channel
 * layer must pass.
 */
package io.channels4j.testing;
