package dev.requestreply.responder;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation.DefaultKafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;

/**
 * Observes each request of a handler as spring-kafka's listener containers observe a record
 * (the same observation, convention and context), but on the handler thread and for as long as
 * the request is in hand: a tracer continues the requester's trace from the record's headers.
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
	Observation start(ConsumerRecord<byte[], byte[]> record) {
		if (this.registry.isNoop()) {
			return null;
		}
		return KafkaListenerObservation.LISTENER_OBSERVATION
			.observation(null, DefaultKafkaListenerObservationConvention.INSTANCE,
					() -> new KafkaRecordReceiverContext(record, this.listenerId, null, this.groupId, () -> null),
					this.registry)
			.start();
	}

}
