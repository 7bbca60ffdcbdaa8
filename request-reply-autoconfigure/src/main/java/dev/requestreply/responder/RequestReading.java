package dev.requestreply.responder;

import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyOptions;
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

	// Checked once at start-up, as the reply topic of each request is.
	static @Nullable String fixedReplyTopic(ReplyHandlerEndpoint endpoint, ReplyOptions options,
			ResponderShared shared) {
		String topic = options.replyTopic();
		String refusal = (topic != null) ? shared.replyTopicPolicy().refusal(topic) : null;
		if (refusal != null) {
			throw new IllegalStateException("@ReplyHandler method '" + endpoint.id() + "' names replyTopic '" + topic
					+ "', which is refused: " + refusal);
		}
		return topic;
	}

	static WireFormat wire(ReplyHandlerEndpoint endpoint, ReplyOptions options) {
		try {
			return new WireFormat(options.headerNames());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@ReplyHandler method '" + endpoint.id() + "': " + ex.getMessage(), ex);
		}
	}

}
