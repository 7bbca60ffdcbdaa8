package dev.requestreply.observation;

import java.nio.charset.StandardCharsets;

import dev.requestreply.CorrelationId;
import dev.requestreply.requester.RequestOutcome;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Context of a {@link RequestReplyObservation#REQUEST} observation. Its carrier is the request
 * record's headers, so that a tracer puts the trace context into the record itself.
 *
 * @since 0.1.0
 */
public class RequestReplyObservationContext extends SenderContext<Headers> {

	private final String topic;

	private final CorrelationId correlationId;

	private volatile @Nullable RequestOutcome outcome;

	/**
	 * Create a context.
	 * @param headers the headers of the request record, not yet sent
	 * @param topic the topic the request is sent to
	 * @param correlationId the request's correlation id
	 */
	public RequestReplyObservationContext(Headers headers, String topic, CorrelationId correlationId) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.remove(key);
				carrier.add(key, (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
			}
		}, Kind.CLIENT);
		setCarrier(headers);
		this.topic = topic;
		this.correlationId = correlationId;
	}

	/**
	 * Return the topic the request is sent to.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the request's correlation id.
	 * @return the correlation id
	 */
	public CorrelationId getCorrelationId() {
		return this.correlationId;
	}

	/**
	 * Return how the request ended.
	 * @return the outcome, or {@code null} while it is pending
	 */
	public @Nullable RequestOutcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Set how the request ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(RequestOutcome outcome) {
		this.outcome = outcome;
	}

}
