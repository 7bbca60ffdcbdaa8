package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import dev.requestreply.DurableOutcome;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation.DefaultKafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;

/**
 * Runs a {@code @DurableReplyListener} call inside an observation, as spring-kafka's listener
 * containers observe a record (the same observation, convention and context), whose parent is the
 * trace context of the call that submitted the request, kept with its pending state: a tracer
 * continues the submitting call's trace in the listener, on whichever instance it runs.
 */
final class ListenerObservations {

	static final String LISTENER_ID = "request-reply-durable";

	private final ObservationRegistry registry;

	private final String pendingTopic;

	private final String groupId;

	ListenerObservations(ObservationRegistry registry, String pendingTopic, String groupId) {
		this.registry = registry;
		this.pendingTopic = pendingTopic;
		this.groupId = groupId;
	}

	void invoke(DurableListenerMethod listener, DurableOutcome<?> outcome, int partition, Map<String, String> trace)
			throws Throwable {
		if (this.registry.isNoop()) {
			listener.invoke(outcome);
			return;
		}
		// The pending record, as far as the observation needs it: its topic, partition, key and the
		// headers the tracer wrote at submit.
		RecordHeaders headers = new RecordHeaders();
		trace.forEach((key, value) -> headers.add(key, value.getBytes(StandardCharsets.UTF_8)));
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(this.pendingTopic, partition, -1L,
				ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE, 0, 0, DurableIds.key(outcome.id()), null,
				headers, Optional.empty());
		Observation observation = KafkaListenerObservation.LISTENER_OBSERVATION
			.observation(null, DefaultKafkaListenerObservationConvention.INSTANCE,
					() -> new KafkaRecordReceiverContext(record, LISTENER_ID, null, this.groupId, () -> null),
					this.registry)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			listener.invoke(outcome);
		}
		catch (Throwable ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

}
