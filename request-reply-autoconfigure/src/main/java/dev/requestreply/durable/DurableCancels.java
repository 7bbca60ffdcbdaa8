package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.requestreply.RequestReplyException;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@code cancelDurable}: a cancel marker, sent as a request of the instance that cancels to the
 * durable reply partition of the request (header {@value #HEADER} naming its id), so that the
 * partition's owner decides it in partition order against the replies; the owner answers
 * {@code true} when the request was pending (its outcome is then {@code Cancelled} and its
 * responder is told) or {@code false}, over the canceller's reply topic.
 */
final class DurableCancels {

	/**
	 * The header of a cancel marker: the id of the durable request to cancel.
	 */
	static final String HEADER = "rr_durable_cancel";

	private static final int MAX_CORRELATION_ID_BYTES = 256;

	private static final LogAccessor logger = new LogAccessor(DurableCancels.class);

	private DurableCancels() {
	}

	static @Nullable String cancelledId(Headers headers) {
		Header header = headers.lastHeader(HEADER);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8)
				: null;
	}

	static boolean cancel(String id, String replyTopic, int partitions, Duration timeout,
			Function<ProducerRecord<?, ?>, CompletableFuture<Boolean>> requester) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(HEADER, id.getBytes(StandardCharsets.UTF_8));
		ProducerRecord<?, ?> marker = new ProducerRecord<>(replyTopic, DurableIds.partition(id, partitions), null,
				null, null, headers);
		try {
			// The request's own timeout ends it; the bound here only keeps a bug from hanging the caller.
			return Boolean.TRUE.equals(requester.apply(marker).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RequestReplyException("Interrupted while cancelling durable request " + id, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new RequestReplyException("Could not cancel durable request " + id
					+ ": no instance of the application decided within " + timeout, cause);
		}
	}

	static void answer(KafkaTemplate<byte[], byte[]> kafkaTemplate, ConsumerRecord<byte[], byte[]> marker,
			boolean cancelled) {
		try {
			RequestHeaders address = WireFormat.standard().readRequest(marker.headers(), MAX_CORRELATION_ID_BYTES);
			ProducerRecord<byte[], byte[]> answer = new ProducerRecord<>(address.replyTopic(),
					address.replyPartition(), null, null, Boolean.toString(cancelled).getBytes(StandardCharsets.UTF_8),
					WireFormat.standard().replyHeaders(address, null, null, null, null));
			kafkaTemplate.send(answer).whenComplete((sent, ex) -> {
				if (ex != null) {
					logger.debug(ex, () -> "Could not answer a cancel of a durable request");
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not answer a cancel of a durable request at offset " + marker.offset());
		}
	}

}
