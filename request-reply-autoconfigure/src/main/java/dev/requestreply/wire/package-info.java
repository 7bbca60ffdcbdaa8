/**
 * The request-reply wire format: the names of its Kafka record headers, and the one codec that
 * writes and reads them for requesters and responders alike.
 */
@NullMarked
package dev.requestreply.wire;

import org.jspecify.annotations.NullMarked;
