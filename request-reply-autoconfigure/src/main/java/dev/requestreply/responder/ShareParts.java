package dev.requestreply.responder;

import java.time.Duration;

import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * The pieces of a queue handler's engine that its share consumers hand requests to.
 *
 * @param executor runs its requests
 * @param requests its requests in hand
 * @param lanes starts them (queue mode orders nothing)
 * @param figures counts them
 * @param maxHandlingTime the longest a request without deadline is in hand
 * @param reading how it reads requests and cancel records
 * @param deliveryLimit the most deliveries the share group allows a record (the last one is
 * answered {@code ABORTED}), or 0 if unknown
 */
record ShareParts(HandlerExecutor executor, RequestsInHand requests, RequestLanes lanes, HandlerFigures figures,
		Duration maxHandlingTime, RequestReading reading, int deliveryLimit) {

	/**
	 * Return the request a record carries, or {@code null} for a cancel record (it ends the request
	 * it names at once).
	 */
	@Nullable InHandRequest request(ConsumerRecord<byte[], byte[]> record, ShareAcknowledger acknowledger) {
		byte[] cancelled = this.reading.cancelledRequest(record.headers());
		if (cancelled != null) {
			this.requests.cancel(cancelled);
			return null;
		}
		ReadHeaders read = ReadHeaders.of(record, this.reading);
		int deliveryCount = record.deliveryCount().map(Short::intValue).orElse(1);
		if (deliveryCount > 1) {
			this.figures.skipped(ReplyHandlerStats.Event.REDELIVERED);
		}
		int limit = this.deliveryLimit;
		return new InHandRequest(record, acknowledger, deliveryCount, limit > 1 && deliveryCount >= limit,
				read.headers(), read.unreadable(), this.maxHandlingTime.toNanos());
	}

}
