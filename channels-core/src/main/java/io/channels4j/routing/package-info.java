/** channels4j routing. */
package io.channels4j.routing;
