package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.requestreply.responder.PartitionLedger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * What the pending reader knows of one durable partition this instance owns: the pending
 * requests restored and tailed from the pending topic, their deadlines, the replies waiting for
 * the restore or a catch-up, and the outcomes being delivered. The pending reader's thread only.
 */
final class OwnedPartition {

	private static final LogAccessor logger = new LogAccessor(OwnedPartition.class);

	final TopicPartition pending;

	// The reply consumer's ledger of this partition for this assignment.
	final PartitionLedger ledger;

	final Map<String, PendingState> states = new HashMap<>();

	// The requests whose outcome is being delivered, with their state until it ends.
	final Map<String, PendingState> inFlight = new HashMap<>();

	final Deque<OwnerEvent.Reply> waiting = new ArrayDeque<>();

	final Set<String> parked = new HashSet<>();

	// Per request, the listener calls begun for it (its delivery marker), by earlier owners too.
	private final Map<String, Integer> deliveries = new HashMap<>();

	boolean restored;

	long restoreEnd = -1;

	long restoreStartedNanos;

	long position;

	final DeadlineQueue deadlines = new DeadlineQueue();

	// The reply partition's end read once a deadline had passed, and when; -1 when not read.
	long replyEnd = -1;

	long replyEndAsOf;

	OwnedPartition(TopicPartition pending, PartitionLedger ledger) {
		this.pending = pending;
		this.ledger = ledger;
	}

	void restart() {
		this.states.clear();
		this.deadlines.clear();
		this.deliveries.clear();
		this.replyEnd = -1;
		this.restored = false;
		this.restoreEnd = -1;
	}

	void apply(ConsumerRecord<byte[], byte[]> record) {
		if (record.key() == null) {
			return;
		}
		String id = new String(record.key(), StandardCharsets.UTF_8);
		String delivered = DurableIds.ofDeliveryKey(id);
		if (delivered != null) {
			applyDeliveryMarker(delivered, record.value());
			return;
		}
		if (record.value() == null) {
			this.states.remove(id);
			return;
		}
		PendingState state = PendingState.fromJson(record.value());
		if (state == null) {
			logger.warn(() -> "Skipped an unreadable pending record of durable request " + id + " at offset "
					+ record.offset() + " of " + this.pending);
		}
		else if (!this.inFlight.containsKey(id)) {
			this.states.put(id, state.withTrace(record.headers()));
			this.deadlines.add(id, state.deadline());
		}
	}

	private void applyDeliveryMarker(String id, byte @Nullable [] value) {
		Integer calls = null;
		try {
			calls = (value != null) ? Integer.valueOf(new String(value, StandardCharsets.UTF_8)) : null;
		}
		catch (NumberFormatException ex) {
			// Unreadable: as if no call had begun.
		}
		if (calls != null) {
			this.deliveries.put(id, calls);
		}
		else {
			this.deliveries.remove(id);
		}
	}

	/**
	 * Return how many listener calls began for a request before, as its delivery marker says.
	 * @param id the request's id
	 * @return the count, 0 when none is known
	 */
	int earlierDeliveries(String id) {
		return this.deliveries.getOrDefault(id, 0);
	}

	void parked(String id, String kind) {
		if (this.parked.add(id)) {
			logger.warn(() -> "The outcome of durable request " + id + " waits: this instance has no "
					+ "@DurableReplyListener of kind '" + kind + "' (a rolling deploy?); an instance with one "
					+ "delivers it when it owns partition " + this.pending.partition());
		}
	}

}
