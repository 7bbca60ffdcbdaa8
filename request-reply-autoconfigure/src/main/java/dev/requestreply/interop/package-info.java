/**
 * Interoperability with Spring Kafka's own request-reply: error replies both ways.
 */
@NullMarked
package dev.requestreply.interop;

import org.jspecify.annotations.NullMarked;
