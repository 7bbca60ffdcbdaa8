package dev.requestreply.responder;

import java.util.HexFormat;

import dev.requestreply.CorrelationId;
import dev.requestreply.observation.RequestReplyObservation.RequestHighCardinalityKeys;
import dev.requestreply.wire.WireFormat;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation.DefaultKafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;

/**
 * Observes each request of a handler as spring-kafka's listener containers observe a record
 * (the same observation, convention and context), but on the handler thread and for as long as
 * the request is in hand: a tracer continues the requester's trace from the record's headers.
 * Its keys are Spring Kafka's ({@code messaging.system}, {@code messaging.operation},
 * {@code messaging.source.name}, {@code messaging.kafka.consumer.group}...), plus OpenTelemetry's
 * {@code messaging.message.conversation_id} for the request's correlation id (high cardinality, so
 * the {@code spring.kafka.listener} meters keep their tags).
 */
final class HandlerObservations {

	private final ObservationRegistry registry;

	private final String listenerId;

	private final String groupId;

	HandlerObservations(ObservationRegistry registry, String listenerId, String groupId) {
		this.registry = registry;
		this.listenerId = listenerId;
		this.groupId = groupId;
	}

	/**
	 * Start the observation of a request.
	 * @return the observation, started, or {@code null} when nothing observes
	 */
	@Nullable Observation start(ConsumerRecord<byte[], byte[]> record) {
		if (this.registry.isNoop()) {
			return null;
		}
		return KafkaListenerObservation.LISTENER_OBSERVATION
			.observation(null, WithConversationId.INSTANCE,
					() -> new KafkaRecordReceiverContext(record, this.listenerId, null, this.groupId, () -> null),
					this.registry)
			.start();
	}

	/**
	 * Spring Kafka's listener convention, plus the correlation id of the request.
	 */
	static final class WithConversationId extends DefaultKafkaListenerObservationConvention {

		static final WithConversationId INSTANCE = new WithConversationId();

		private static final int MAX_HEX_BYTES = 64;

		@Override
		public KeyValues getHighCardinalityKeyValues(KafkaRecordReceiverContext context) {
			KeyValues keys = super.getHighCardinalityKeyValues(context);
			String conversationId = conversationId(context.getRecord());
			return (conversationId != null)
					? keys.and(RequestHighCardinalityKeys.CONVERSATION_ID.withValue(conversationId)) : keys;
		}

		// In UUID form, as the requester's span has it; a correlation id of another length (sent by
		// another client) in hex, unless it is too long to be a sound span tag.
		private static @Nullable String conversationId(ConsumerRecord<?, ?> record) {
			byte[] bytes = WireFormat.standard().correlationId(record.headers());
			if (bytes == null || bytes.length > MAX_HEX_BYTES) {
				return null;
			}
			CorrelationId id = CorrelationId.fromBytes(bytes);
			return (id != null) ? id.toString() : HexFormat.of().formatHex(bytes);
		}

	}

}
