package dev.requestreply.durable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableRequest;
import dev.requestreply.RequestReplyException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.wire.HeaderNames;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormat;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Submits durable requests: writes the pending state to its partition of the pending topic, waits
 * for its acknowledgement, then sends the request, naming the durable reply topic and the same
 * partition number, to a request partition chosen up front (so that the pending state names it
 * for the cancel record).
 */
final class DurableSubmitter {

	private static final LogAccessor logger = new LogAccessor(DurableSubmitter.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final PayloadConverter converter;

	private final DurableSettings settings;

	private final DurableListeners listeners;

	private final IntSupplier partitions;

	private final Executor sender;

	private final Supplier<ObservationRegistry> observationRegistry;

	DurableSubmitter(KafkaTemplate<byte[], byte[]> kafkaTemplate, PayloadConverter converter, DurableSettings settings,
			DurableListeners listeners, IntSupplier partitions, Executor sender,
			Supplier<ObservationRegistry> observationRegistry) {
		this.observationRegistry = observationRegistry;
		this.kafkaTemplate = kafkaTemplate;
		this.converter = converter;
		this.settings = settings;
		this.listeners = listeners;
		this.partitions = partitions;
		this.sender = sender;
	}

	DurableRequest submit(String topic, Object payload, DurableOptions options) {
		String id = DurableIds.newId();
		String kind = options.getKind();
		if (this.listeners.listener(kind) == null) {
			return refused(id, "Durable request of kind '" + kind + "' refused: no @DurableReplyListener of that kind "
					+ "in this application (its kinds: " + this.listeners.kinds() + ")");
		}
		int partitions = this.partitions.getAsInt();
		if (partitions <= 0) {
			return refused(id, "Durable request of kind '" + kind + "' refused: durable requests are not running");
		}
		try {
			return new DurableRequest(id, send(id, topic, payload, options, partitions));
		}
		catch (RuntimeException ex) {
			return refused(id, new RequestReplyException("Durable request " + id + " of kind '" + kind
					+ "' to topic '" + topic + "' failed: " + ex.getMessage(), ex));
		}
	}

	private CompletableFuture<Void> send(String id, String topic, Object payload, DurableOptions options,
			int partitions) {
		byte[] value = this.converter.toBytes(payload);
		Duration timeout = options.getTimeout().orElse(this.settings.defaultTimeout());
		long now = System.currentTimeMillis();
		long deadline = now + timeout.toMillis();
		// As Kafka's partitioner would place the id: chosen here, so that the pending state names it.
		int requestPartition = DurableIds.partition(id, this.kafkaTemplate.partitionsFor(topic).size());
		int partition = DurableIds.partition(id, partitions);
		PendingState state = new PendingState(PendingState.VERSION, options.getKind(), deadline, options.getContext(),
				topic, requestPartition, now);
		byte[] key = DurableIds.key(id);
		// The submitting call's observation, if any: the template observes the pending record's
		// send inside it (here, on the caller's thread) and writes that trace context into the
		// record, for the listener to continue; the request, sent from another thread, is sent
		// inside it too.
		Observation caller = this.observationRegistry.get().getCurrentObservation();
		RecordHeaders headers = new WireFormat(this.settings.headerNames().getOrDefault(topic, HeaderNames.DEFAULT))
			.requestHeaders(new RecordHeaders(), new RequestHeaders(DurableIds.correlationId(id),
					this.settings.replyTopic(), partition, deadline, null, false));
		ProducerRecord<byte[], byte[]> request = new ProducerRecord<>(topic, requestPartition, null, null, value,
				headers);
		return this.kafkaTemplate.send(new ProducerRecord<>(this.settings.pendingTopic(), partition, key, state.toJson()))
			// Not on the producer's own thread, which a send may wait for.
			.thenComposeAsync((pendingSent) -> sendInside(caller, request).whenComplete((sent, ex) -> {
				if (ex != null) {
					// No request, no outcome: its pending state ends now.
					tombstone(id, partition);
				}
			}), this.sender)
			.<Void>thenApply((sent) -> null)
			.exceptionallyCompose((ex) -> CompletableFuture.failedFuture(new RequestReplyException("Durable request "
					+ id + " of kind '" + options.getKind() + "' to topic '" + topic + "' was not accepted",
					(ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex)));
	}

	private CompletableFuture<SendResult<byte[], byte[]>> sendInside(@Nullable Observation caller,
			ProducerRecord<byte[], byte[]> request) {
		if (caller == null) {
			return this.kafkaTemplate.send(request);
		}
		try (Observation.Scope scope = caller.openScope()) {
			return this.kafkaTemplate.send(request);
		}
	}

	private void tombstone(String id, int partition) {
		try {
			this.kafkaTemplate.send(this.settings.pendingTopic(), partition, DurableIds.key(id), null)
				.whenComplete((sent, ex) -> {
					if (ex != null) {
						logger.debug(ex, () -> "Could not end the pending state of durable request " + id
								+ " whose request was not sent; it ends at its deadline");
					}
				});
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not end the pending state of durable request " + id);
		}
	}

	private static DurableRequest refused(String id, String message) {
		return refused(id, new RequestReplyException(message));
	}

	private static DurableRequest refused(String id, RequestReplyException failure) {
		return new DurableRequest(id, CompletableFuture.failedFuture(failure));
	}

}
