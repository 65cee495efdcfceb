/**
 * Channel layers: the {@link io.channels4j.layer.ChannelLayer} contract, the in-memory layer,
 * name rules, and {@link io.channels4j.layer.ChannelLayers} (aliases and URL configuration).
 */
package io.channels4j.layer;
