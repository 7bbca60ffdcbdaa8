package dev.requestreply.requester;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import dev.requestreply.RequestReplyException;
import dev.requestreply.observation.DefaultRequestReplyObservationConvention;
import dev.requestreply.observation.RequestReplyObservation;
import dev.requestreply.observation.RequestReplyObservationContext;
import dev.requestreply.observation.RequestReplyObservationConvention;
import dev.requestreply.wire.RequestHeaders;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.util.Assert;

/**
 * Sends a registered request to each of its topics with one correlation id; a failed send fails
 * the request at once. A request its caller gave up on (cancelled, timed out), and a
 * scatter-gather however it ended (its policy may be satisfied before every responder answered),
 * is followed by a cancel record, on the partition the request was written to, so that its
 * responders stop. With an observation registry, each record sent is
 * observed ({@link RequestReplyObservation#REQUEST}) from the send to the request's end.
 */
final class RequestSender {

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final PendingRequests registry;

	private final String replyTopic;

	private final ObservationRegistry observationRegistry;

	private final @Nullable RequestReplyObservationConvention observationConvention;

	private final ReplyListener replyListener;

	private final CancelRecords cancels;

	private final TopicWires wires;

	/**
	 * Create a sender.
	 * @param kafkaTemplate the template records are sent with
	 * @param registry the pending requests
	 * @param replyTopic the reply topic requests name
	 * @param observationRegistry the observation registry (the no-op one for none)
	 * @param observationConvention a custom convention, or {@code null} for the default
	 * @param replyListener the reply consumers, which tell the reply partition a request names
	 * @param cancels the sender of cancel records
	 * @param wires the header names of each topic
	 */
	RequestSender(KafkaTemplate<byte[], byte[]> kafkaTemplate, PendingRequests registry, String replyTopic,
			ObservationRegistry observationRegistry, @Nullable RequestReplyObservationConvention observationConvention,
			ReplyListener replyListener, CancelRecords cancels, TopicWires wires) {
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.wires = wires;
		this.kafkaTemplate = kafkaTemplate;
		this.registry = registry;
		this.replyTopic = replyTopic;
		this.observationRegistry = observationRegistry;
		this.observationConvention = observationConvention;
		this.replyListener = replyListener;
		this.cancels = cancels;
	}

	/**
	 * Send a registered request to each topic.
	 * @param <F> the type of the request's future
	 * @param topics the topics to send it to
	 * @param record the caller's record: partition, timestamp and headers
	 * @param key the record's key, converted
	 * @param value the record's value, converted
	 * @param register registers the request, told what the engine knows of it
	 * @param deadlineMillis its deadline on the wire
	 * @param stream whether a stream of replies is wanted
	 * @return the pending request
	 */
	<F> PendingRequest<F> send(List<String> topics, ProducerRecord<?, ?> record, byte @Nullable [] key,
			byte @Nullable [] value, Function<Registration, PendingRequest<F>> register, long deadlineMillis,
			boolean stream) {
		ReplyPartitions partitions = this.replyListener.replyPartitions();
		Integer replyPartition = (partitions != null) ? partitions.acquire() : null;
		PendingRequest<F> pending;
		try {
			pending = register.apply(new Registration(this.cancels.sendsTo(topics), replyPartition != null));
		}
		catch (RuntimeException ex) {
			if (partitions != null) {
				partitions.release(replyPartition);
			}
			throw ex;
		}
		RequestHeaders address = new RequestHeaders(pending.id().toBytes(), this.replyTopic, replyPartition,
				deadlineMillis, null, stream);
		List<CompletableFuture<SendResult<byte[], byte[]>>> sends = new ArrayList<>(topics.size());
		for (String topic : topics) {
			// Headers of their own per record, under the topic's names: the producer makes them
			// read-only, a tracer adds to them.
			ProducerRecord<byte[], byte[]> request = new ProducerRecord<>(topic, record.partition(),
					record.timestamp(), key, value, this.wires.of(topic).requestHeaders(record.headers(), address));
			sends.add(this.observationRegistry.isNoop() ? send(request, pending) : sendObserved(request, pending));
		}
		// The core decides: the partition it named is released at its end, a cancel goes out when the
		// caller gave up or a gather ended before every responder answered.
		this.registry.ends().whenEnded(pending, (outcome, release, sendCancel) -> {
			if (release && partitions != null) {
				partitions.release(replyPartition);
			}
			if (sendCancel) {
				sends.forEach((sent) -> sent.thenAccept((result) -> this.cancels.send(result, key, pending.id())));
			}
		});
		return pending;
	}

	private CompletableFuture<SendResult<byte[], byte[]>> sendObserved(ProducerRecord<byte[], byte[]> request,
			PendingRequest<?> pending) {
		RequestReplyObservationContext context = new RequestReplyObservationContext(request.headers(),
				request.topic(), pending.id());
		Observation observation = RequestReplyObservation.REQUEST.observation(this.observationConvention,
				DefaultRequestReplyObservationConvention.INSTANCE, () -> context, this.observationRegistry);
		// Started before the send, so a tracer writes its context into the request's headers.
		observation.start();
		CompletableFuture<SendResult<byte[], byte[]>> sent;
		try (Observation.Scope scope = observation.openScope()) {
			sent = send(request, pending);
		}
		pending.whenComplete((reply, ex) -> {
			RequestOutcome outcome = pending.outcome();
			if (outcome == null) {
				outcome = (ex == null) ? RequestOutcome.SUCCESS
						: (ex instanceof CancellationException) ? RequestOutcome.CANCELLED : RequestOutcome.ERROR;
			}
			context.setOutcome(outcome);
			if (ex != null) {
				observation.error(ex);
			}
			observation.stop();
		});
		return sent;
	}

	private CompletableFuture<SendResult<byte[], byte[]>> send(ProducerRecord<byte[], byte[]> request,
			PendingRequest<?> pending) {
		try {
			CompletableFuture<SendResult<byte[], byte[]>> sent = this.kafkaTemplate.send(request);
			// Called back on the producer's sender thread: the registry completes the future elsewhere.
			sent.whenComplete((result, ex) -> {
				if (ex != null) {
					sendFailed(request, pending, ex, false);
				}
			});
			return sent;
		}
		catch (RuntimeException ex) {
			sendFailed(request, pending, ex, true);
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void sendFailed(ProducerRecord<byte[], byte[]> request, PendingRequest<?> pending, Throwable ex,
			boolean onCallersThread) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		this.registry.ends().sendFailed(pending, new RequestReplyException(
				"Failed to send request " + pending.id() + " to topic '" + request.topic() + "'", cause),
				onCallersThread);
	}

}
