package dev.requestreply.responder;

import java.util.Objects;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ShareConsumer;

/**
 * What one share consumer does between its polls, on its thread only: it acknowledges the requests
 * that ended and renews the locks of those still running as its handler's core decided
 * ({@link ShareEndings}; a renewal is asked of the core once half a lock ran out), then says when to
 * poll to bring the renewed records back (the share consumer wants every record of a poll
 * acknowledged before the next).
 */
final class ShareTurns {

	private final ShareHeld held;

	private final ShareAcks acks;

	private final ShareEndings ended;

	private final ShareCoreLink core;

	// The reader whose turns these are: a record held whose request another reader took is a copy.
	private final ShareAcknowledger reader;

	ShareTurns(ShareHeld held, ShareAcks acks, ShareEndings ended, ShareCoreLink core,
			ShareAcknowledger reader) {
		this.reader = reader;
		this.held = held;
		this.acks = acks;
		this.ended = ended;
		this.core = core;
	}

	/**
	 * Acknowledge what ended (or renew, as its core decided), waiting for the first at most the
	 * given time.
	 */
	void acknowledgeEnded(ShareConsumer<byte[], byte[]> consumer, long waitMillis) throws InterruptedException {
		for (ShareEndings.Ending end : this.ended.take(waitMillis)) {
			InHandRequest request = Objects.requireNonNull(end.request());
			ShareHeld.Entry entry = this.held.get(request.record);
			if (entry == null || entry.request != request) {
				// Acquired by an earlier consumer of this reader, which released it on closing.
				continue;
			}
			if (end.type() == AcknowledgeType.RENEW) {
				if (entry.pending) {
					// Its core's renewal: brought back by the next poll.
					this.acks.acknowledge(consumer, entry, AcknowledgeType.RENEW, System.nanoTime());
					entry.pending = false;
				}
			}
			else if (entry.pending) {
				this.acks.acknowledge(consumer, entry, end.type(), System.nanoTime());
				this.held.remove(entry);
			}
			else {
				entry.endedAs = end.type();
			}
		}
	}

	/**
	 * Ask its core to renew what is due while it holds records.
	 * @return whether to poll now, to bring renewed records back
	 */
	boolean renew(ShareConsumer<byte[], byte[]> consumer, long now, long lockNanos) {
		this.held.askRenewals(now, lockNanos, (entry) -> {
			if (entry.request.acknowledger == this.reader) {
				this.core.renewDue(entry.request);
			}
			else {
				// A copy (see ShareCopies), no delivery of its core's: renewed here.
				this.acks.acknowledge(consumer, entry, AcknowledgeType.RENEW, now);
				entry.pending = false;
			}
		});
		return this.held.renewed();
	}

	/**
	 * Return whether the records held wait for a poll to bring them back (none to wait for).
	 */
	boolean pollDue() {
		return this.held.renewed();
	}

	/**
	 * Tell its core that the broker took back records held (their lock ran out).
	 */
	void lost(InHandRequest request) {
		this.core.lockLost(request);
	}

}
