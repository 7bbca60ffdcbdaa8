package dev.requestreply;

import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.listener.adapter.RecordFilterStrategy;

/**
 * Discards the cancel records {@code RequestReplyTemplate} sends to a request topic when a
 * request's caller gives up, for a {@code @KafkaListener} that answers requests on that topic:
 * declare it as a bean and name it with {@code @KafkaListener(filter = "...")}. A
 * {@code @ReplyHandler} needs none; it acts on them.
 *
 * @since 0.2.0
 */
public class CancelRecordFilterStrategy implements RecordFilterStrategy<Object, Object> {

	/**
	 * Return whether the record is a cancel record, to be discarded.
	 * @param record the record
	 * @return {@code true} for a cancel record
	 */
	@Override
	public boolean filter(ConsumerRecord<Object, Object> record) {
		// Whatever name the correlation id has: the topic's responders may use one of their own.
		return record.headers().lastHeader(RequestReplyHeaders.CANCEL) != null;
	}

}
