package dev.requestreply.responder;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The records one share consumer acquired and has not acknowledged for good, each with the
 * request it carries, when it was last acquired or renewed, and whether the last poll returned
 * it (then it must be acknowledged before the next poll). Used on the consumer's thread only.
 */
final class ShareHeld {

	private static final LogAccessor logger = new LogAccessor(ShareHeld.class);

	private final Map<Position, Entry> entries = new LinkedHashMap<>();

	boolean isEmpty() {
		return this.entries.isEmpty();
	}

	int size() {
		return this.entries.size();
	}

	Collection<Entry> all() {
		return this.entries.values();
	}

	@Nullable Entry get(ConsumerRecord<?, ?> record) {
		return this.entries.get(Position.of(record));
	}

	/**
	 * A poll brought back a record held (renewed): it is pending again, as of that poll.
	 * @return its entry, or {@code null} if not held
	 */
	@Nullable Entry returned(ConsumerRecord<byte[], byte[]> record, long polledNanos) {
		Entry entry = this.entries.get(Position.of(record));
		if (entry != null) {
			entry.pending = true;
			entry.acquiredNanos = polledNanos;
			entry.record = record;
		}
		return entry;
	}

	void add(InHandRequest request, ConsumerRecord<byte[], byte[]> record, long acquiredNanos) {
		this.entries.put(Position.of(record), new Entry(request, record, acquiredNanos));
	}

	void remove(Entry entry) {
		this.entries.remove(Position.of(entry.record));
	}

	void clear() {
		this.entries.clear();
	}

	/**
	 * A poll returned: until told otherwise, nothing held was returned by it.
	 */
	void polled() {
		for (Entry entry : this.entries.values()) {
			entry.pending = false;
		}
	}

	/**
	 * Return when the first record held is due for renewal (nanoTime), or {@link Long#MAX_VALUE}.
	 */
	long nextRenewalNanos(long lockNanos) {
		long due = Long.MAX_VALUE;
		for (Entry entry : this.entries.values()) {
			due = Math.min(due, entry.acquiredNanos + lockNanos / 2);
		}
		return due;
	}

	/**
	 * Return whether a record the last poll returned is past half its lock.
	 */
	boolean renewDue(long now, long lockNanos) {
		for (Entry entry : this.entries.values()) {
			if (entry.pending && now - entry.acquiredNanos > lockNanos / 2) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether a renewed record was not brought back by the last poll yet.
	 */
	boolean awaitingReturn() {
		for (Entry entry : this.entries.values()) {
			if (!entry.pending) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Forget the renewed records not brought back for a whole lock: the broker took them back
	 * (and delivers them again).
	 */
	void forgetLost(long now, long lockNanos) {
		Iterator<Entry> held = this.entries.values().iterator();
		while (held.hasNext()) {
			Entry entry = held.next();
			if (!entry.pending && now - entry.acquiredNanos > lockNanos) {
				logger.debug(() -> "Lost the acquisition of " + entry.request.position() + "; it is delivered again");
				held.remove();
			}
		}
	}

	private record Position(String topic, int partition, long offset) {

		static Position of(ConsumerRecord<?, ?> record) {
			return new Position(record.topic(), record.partition(), record.offset());
		}

	}

	/**
	 * One record held.
	 */
	static final class Entry {

		final InHandRequest request;

		// As the last poll that returned it gave it: the one to acknowledge.
		ConsumerRecord<byte[], byte[]> record;

		// When the last poll that acquired (or renewed) it returned.
		long acquiredNanos;

		// Returned by the last poll: to be acknowledged before the next.
		boolean pending = true;

		// Ended while not returned by the last poll: acknowledged once it comes back.
		@Nullable AcknowledgeType endedAs;

		Entry(InHandRequest request, ConsumerRecord<byte[], byte[]> record, long acquiredNanos) {
			this.request = request;
			this.record = record;
			this.acquiredNanos = acquiredNanos;
		}

	}

}
