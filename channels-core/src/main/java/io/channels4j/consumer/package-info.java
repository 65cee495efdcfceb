/** channels4j consumer. */
package io.channels4j.consumer;
