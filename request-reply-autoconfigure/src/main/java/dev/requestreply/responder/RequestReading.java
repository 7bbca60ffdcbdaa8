package dev.requestreply.responder;

import dev.requestreply.wire.WireFormat;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * How one handler reads its requests and cancel records.
 *
 * @param wire the codec of its header names
 * @param maxCorrelationIdBytes the longest correlation id it accepts
 * @param fixedReplyTopic the topic all its replies go to, whatever the request names, or
 * {@code null} for the request's reply topic
 */
record RequestReading(WireFormat wire, int maxCorrelationIdBytes, @Nullable String fixedReplyTopic) {

	/**
	 * Return the correlation id a cancel record names.
	 */
	byte @Nullable [] cancelledRequest(Headers headers) {
		return this.wire.cancelledRequest(headers);
	}

}
