/** channels4j testing. */
package io.channels4j.testing;
