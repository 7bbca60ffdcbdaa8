package dev.requestreply.test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A durable request accepted by a {@link StubRequestReplyOperations}, as the caller submitted it.
 *
 * @param id the request's id, as returned by {@code DurableRequest.id()}
 * @param topic the topic the request was sent to
 * @param payload the request payload, as given
 * @param kind the request's kind, as given to {@code DurableOptions.kind(...)}
 * @param context the context given with the request, unmodifiable
 * @param timeout the timeout of the request (the stub's default one when the caller named none)
 * @param deadline the request's absolute deadline: the time it was submitted plus its timeout
 * @since 0.4.0
 */
public record RecordedDurableRequest(String id, String topic, Object payload, String kind,
		Map<String, String> context, Duration timeout, Instant deadline) {

	/**
	 * Create a recorded durable request.
	 * @param id the request's id
	 * @param topic the topic
	 * @param payload the payload
	 * @param kind the kind
	 * @param context the context
	 * @param timeout the timeout
	 * @param deadline the deadline
	 */
	public RecordedDurableRequest {
		context = Map.copyOf(context);
	}

}
