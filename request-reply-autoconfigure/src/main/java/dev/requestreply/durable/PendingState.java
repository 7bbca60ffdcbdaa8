package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
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
 * @param trace the trace context of the submitting call, as a tracer wrote it into the headers of
 * the pending record (not in its JSON); empty without tracing
 */
record PendingState(int v, String kind, long deadline, Map<String, String> context, String topic, int partition,
		long submittedAt, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> trace) {

	static final int VERSION = 1;

	// A tracer writes a few (traceparent, tracestate, baggage...); more are not kept.
	private static final int MAX_TRACE_HEADERS = 8;

	// Fields a later version adds are skipped by this one.
	private static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	PendingState {
		context = (context != null) ? Map.copyOf(context) : Map.of();
		trace = (trace != null) ? Map.copyOf(trace) : Map.of();
	}

	PendingState(int v, String kind, long deadline, Map<String, String> context, String topic, int partition,
			long submittedAt) {
		this(v, kind, deadline, context, topic, partition, submittedAt, Map.of());
	}

	/**
	 * Return this state with the trace context read from its pending record's headers.
	 * @param headers the headers
	 * @return the state, itself when the headers are empty
	 */
	PendingState withTrace(Headers headers) {
		Map<String, String> trace = new HashMap<>();
		for (Header header : headers) {
			if (header.value() != null && trace.size() < MAX_TRACE_HEADERS) {
				trace.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
			}
		}
		return trace.isEmpty() ? this
				: new PendingState(this.v, this.kind, this.deadline, this.context, this.topic, this.partition,
						this.submittedAt, trace);
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
