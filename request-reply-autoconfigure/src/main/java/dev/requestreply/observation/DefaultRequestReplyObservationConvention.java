package dev.requestreply.observation;

import dev.requestreply.observation.RequestReplyObservation.RequestHighCardinalityKeys;
import dev.requestreply.observation.RequestReplyObservation.RequestLowCardinalityKeys;
import dev.requestreply.requester.RequestOutcome;
import io.micrometer.common.KeyValues;

/**
 * Default {@link RequestReplyObservationConvention}: name {@code requestreply.request},
 * contextual name {@code "<topic> request"}, keys {@code topic} and {@code outcome} (low
 * cardinality), and {@code requestreply.correlation.id}, {@code messaging.message.conversation_id},
 * {@code messaging.system}, {@code messaging.operation}, {@code messaging.destination.name} and
 * {@code messaging.destination.kind} (high cardinality: span tags only, so meters keep their tags).
 *
 * @since 0.1.0
 */
public class DefaultRequestReplyObservationConvention implements RequestReplyObservationConvention {

	/**
	 * A shared instance.
	 */
	public static final DefaultRequestReplyObservationConvention INSTANCE = new DefaultRequestReplyObservationConvention();

	@Override
	public String getContextualName(RequestReplyObservationContext context) {
		return context.getTopic() + " request";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RequestReplyObservationContext context) {
		RequestOutcome outcome = context.getOutcome();
		return KeyValues.of(RequestLowCardinalityKeys.TOPIC.withValue(context.getTopic()),
				RequestLowCardinalityKeys.OUTCOME.withValue((outcome != null) ? outcome.tagValue() : "none"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(RequestReplyObservationContext context) {
		String correlationId = context.getCorrelationId().toString();
		return KeyValues.of(RequestHighCardinalityKeys.CORRELATION_ID.withValue(correlationId),
				RequestHighCardinalityKeys.CONVERSATION_ID.withValue(correlationId),
				RequestHighCardinalityKeys.MESSAGING_SYSTEM.withValue("kafka"),
				RequestHighCardinalityKeys.MESSAGING_OPERATION.withValue("request"),
				RequestHighCardinalityKeys.MESSAGING_DESTINATION_NAME.withValue(context.getTopic()),
				RequestHighCardinalityKeys.MESSAGING_DESTINATION_KIND.withValue("topic"));
	}

}
