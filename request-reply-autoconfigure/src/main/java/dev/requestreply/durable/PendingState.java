package dev.requestreply.durable;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What ends a durable request, as the pending topic holds it (a small JSON document keyed by the
 * request's id, its version in {@code v}): its kind, deadline and context, and the topic and
 * partition its request went to, for the cancel record that stops its responder.
 *
 * @param v the format's version, 1
 * @param kind the kind
 * @param deadline the deadline, epoch milliseconds
 * @param context the context handed back with the outcome
 * @param topic the request's topic
 * @param partition the request's partition
 * @param submittedAt when it was submitted, epoch milliseconds
 */
record PendingState(int v, String kind, long deadline, Map<String, String> context, String topic, int partition,
		long submittedAt) {

	static final int VERSION = 1;

	// Fields a later version adds are skipped by this one.
	private static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	PendingState {
		context = (context != null) ? Map.copyOf(context) : Map.of();
	}

	byte[] toJson() {
		return JSON.writeValueAsBytes(this);
	}

	static @Nullable PendingState fromJson(byte[] json) {
		try {
			PendingState state = JSON.readValue(json, PendingState.class);
			return (state.kind() != null && state.topic() != null) ? state : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
