package dev.requestreply.responder;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;

import org.springframework.core.log.LogAccessor;

/**
 * The acknowledgements one share consumer made and has not sent yet. The share client sends them
 * with its next poll; while the consumer still holds records of its last poll (and so does not
 * poll), they are sent on their own ({@code commitAsync}), so that a request's acknowledgement
 * never waits for a slower request of the same poll. Used on the consumer's thread only.
 */
final class ShareAcks {

	private static final LogAccessor logger = new LogAccessor(ShareAcks.class);

	private boolean unsent;

	/**
	 * Acknowledge a record held, unless its acquisition was lost.
	 * @param consumer the consumer that acquired it
	 * @param entry the record held
	 * @param type how
	 */
	void acknowledge(ShareConsumer<byte[], byte[]> consumer, ShareHeld.Entry entry, AcknowledgeType type) {
		try {
			consumer.acknowledge(entry.record, type);
			this.unsent = true;
		}
		catch (IllegalStateException ex) {
			// No longer acquired by this consumer (its lock ran out): the broker delivers it again.
			logger.debug(ex, () -> "Could not acknowledge " + entry.request.position() + " as " + type);
		}
	}

	/**
	 * Accept a record the last poll returned that runs no request.
	 * @param consumer the consumer that acquired it
	 * @param record the record
	 */
	void accept(ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record) {
		consumer.acknowledge(record, AcknowledgeType.ACCEPT);
		this.unsent = true;
	}

	/**
	 * A poll returned: it carried what was unsent.
	 */
	void polled() {
		this.unsent = false;
	}

	/**
	 * Send what is unsent unless the consumer is about to poll (which carries it).
	 * @param consumer the consumer
	 * @param polling whether it polls next
	 */
	void send(ShareConsumer<byte[], byte[]> consumer, boolean polling) {
		if (this.unsent && !polling) {
			consumer.commitAsync();
		}
		this.unsent = false;
	}

}
