package dev.requestreply.test;

import java.time.Duration;

import dev.requestreply.CorrelationId;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A request made through a {@link StubRequestReplyOperations}, as the caller gave it.
 *
 * @param topic the topic the request was sent to
 * @param key the record key, {@code null} unless the request was given as a record
 * @param payload the request payload, as given
 * @param headers the caller's record headers, empty unless the request was given as a record
 * @param timeout the timeout of the request (the default one when the caller named none)
 * @param correlationId the correlation id the stub gave the request
 * @param kind how the request was made
 * @since 0.1.0
 */
public record RecordedRequest(String topic, @Nullable Object key, Object payload, Headers headers, Duration timeout,
		CorrelationId correlationId, Kind kind) {

	/**
	 * How a request was made.
	 */
	public enum Kind {

		/**
		 * {@code request} or {@code requestAndWait}: one reply.
		 */
		SINGLE,

		/**
		 * {@code requestStream}: a stream of replies.
		 */
		STREAM,

		/**
		 * {@code scatterGather}: one reply per responder; recorded once per topic.
		 */
		GATHER

	}

}
