/**
 * The request-reply wire format: the names of its Kafka record headers, the codec that writes and
 * reads them for requesters and responders alike, and the rules apart from the codec.
 */
@NullMarked
package dev.requestreply.wire;

import org.jspecify.annotations.NullMarked;
