package dev.requestreply.responder;

import java.time.Duration;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;

import org.springframework.core.log.LogAccessor;

/**
 * The acknowledgements one share consumer made and has not sent yet. The share client sends them
 * with its next poll; while the consumer still holds records of its last poll (and so does not
 * poll), they are sent on their own ({@code commitAsync}) once the oldest waited a linger, so
 * that a request's acknowledgement never waits long for a slower request of the same poll. Each
 * sending is a request to the broker and a write of the share group's state: those of a poll whose
 * requests end close together go in one, most often with the next poll. Used on the consumer's
 * thread only.
 */
final class ShareAcks {

	private static final LogAccessor logger = new LogAccessor(ShareAcks.class);

	private final long lingerNanos;

	private boolean unsent;

	// When the oldest unsent acknowledgement was made (nanoTime), if any.
	private long unsentSince;

	/**
	 * @param linger how long an acknowledgement waits for others to go with it
	 */
	ShareAcks(Duration linger) {
		this.lingerNanos = linger.toNanos();
	}

	/**
	 * Acknowledge a record held, unless its acquisition was lost.
	 * @param consumer the consumer that acquired it
	 * @param entry the record held
	 * @param type how
	 * @param now the time (nanoTime)
	 */
	void acknowledge(ShareConsumer<byte[], byte[]> consumer, ShareHeld.Entry entry, AcknowledgeType type,
			long now) {
		try {
			consumer.acknowledge(entry.record, type);
			made(now);
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
	 * @param now the time (nanoTime)
	 */
	void accept(ShareConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record, long now) {
		consumer.acknowledge(record, AcknowledgeType.ACCEPT);
		made(now);
	}

	private void made(long now) {
		if (!this.unsent) {
			this.unsent = true;
			this.unsentSince = now;
		}
	}

	/**
	 * A poll returned: it carried what was unsent.
	 */
	void polled() {
		this.unsent = false;
	}

	/**
	 * Send what is unsent once the oldest waited the linger, unless the consumer is about to poll
	 * (the poll carries it).
	 * @param consumer the consumer
	 * @param polling whether it polls next
	 * @param now the time (nanoTime)
	 */
	void send(ShareConsumer<byte[], byte[]> consumer, boolean polling, long now) {
		if (!this.unsent || polling) {
			return;
		}
		if (now - this.unsentSince >= this.lingerNanos) {
			consumer.commitAsync();
			this.unsent = false;
		}
	}

	/**
	 * Return when what is unsent is to be sent on its own (nanoTime), or {@link Long#MAX_VALUE}.
	 */
	long dueNanos() {
		return this.unsent ? this.unsentSince + this.lingerNanos : Long.MAX_VALUE;
	}

}
