/**
 * Implementation details of channels4j core. Not exported: nothing here is API.
 */
package io.channels4j.internal;
