package dev.requestreply.durable;

import java.util.Map;

import dev.requestreply.wire.HeaderNames;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Tells the responder of a durable request that ended without its reply (timed out or cancelled)
 * to stop: a cancel record, as for a cancelled future, to the partition its request went to; and
 * answers the instance that asked for a cancel.
 */
final class ResponderCancels {

	private static final LogAccessor logger = new LogAccessor(ResponderCancels.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final Map<String, HeaderNames> headerNames;

	ResponderCancels(KafkaTemplate<byte[], byte[]> kafkaTemplate, Map<String, HeaderNames> headerNames) {
		this.kafkaTemplate = kafkaTemplate;
		this.headerNames = headerNames;
	}

	/**
	 * Answer a cancel marker of {@code cancelDurable}.
	 * @param marker the marker
	 * @param cancelled whether the request was pending and is now cancelled
	 */
	void answer(ConsumerRecord<byte[], byte[]> marker, boolean cancelled) {
		DurableCancels.answer(this.kafkaTemplate, marker, cancelled);
	}

	void send(String id, PendingState state) {
		WireFormat format = new WireFormat(this.headerNames.getOrDefault(state.topic(), HeaderNames.DEFAULT));
		ProducerRecord<byte[], byte[]> cancel = new ProducerRecord<>(state.topic(), state.partition(), null, null, null,
				format.cancelHeaders(DurableIds.correlationId(id)));
		try {
			this.kafkaTemplate.send(cancel).whenComplete((sent, ex) -> {
				if (ex != null) {
					logger.debug(ex, () -> "Could not send the cancel of durable request " + id);
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not send the cancel of durable request " + id);
		}
	}

}
