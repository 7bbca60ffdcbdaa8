package dev.requestreply.responder;

import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormatException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * The request-reply headers of a record taken in hand, or why they could not be read.
 *
 * @param headers the headers, or {@code null} when unreadable
 * @param unreadable why they could not be read, or {@code null}
 */
record ReadHeaders(@Nullable RequestHeaders headers, @Nullable WireFormatException unreadable) {

	static ReadHeaders of(ConsumerRecord<byte[], byte[]> record, RequestReading reading) {
		try {
			return new ReadHeaders(reading.wire()
				.readRequest(record.headers(), reading.maxCorrelationIdBytes(), reading.fixedReplyTopic()), null);
		}
		catch (WireFormatException ex) {
			return new ReadHeaders(null, ex);
		}
	}

}
