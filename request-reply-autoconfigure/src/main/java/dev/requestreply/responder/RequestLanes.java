package dev.requestreply.responder;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.requestreply.ReplyHandler;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Orders the requests of a handler as its {@link ReplyHandler.Ordering} says: each goes through
 * a lane (one per key of a partition for {@code KEY}, one per partition for {@code PARTITION}),
 * and starts once the request whose turn it was in its lane has ended and its method returned;
 * keyless requests with {@code KEY} start at once, but for a request delivered twice (the same
 * correlation id: a publish retried), whose second delivery waits for the first (so that an
 * idempotent handler answers it from memory); with {@code NONE}, every request starts at once.
 * A request that ends while it waits (cancelled, expired) only leaves its lane: the lane's turn
 * stays with the request that has it, so requests of one lane never run at once and start in
 * offset order.
 */
final class RequestLanes {

	private final ReplyHandler.Ordering ordering;

	private final Consumer<InHandRequest> start;

	// Guarded by itself: the turn of each busy lane (a lane is busy while present).
	private final Map<Lane, Turns> busy = new HashMap<>();

	/**
	 * @param ordering the handler's ordering
	 * @param start starts a request whose turn came (hands it to the executor)
	 */
	RequestLanes(ReplyHandler.Ordering ordering, Consumer<InHandRequest> start) {
		this.ordering = ordering;
		this.start = start;
	}

	/**
	 * A request arrived, in offset order within its partition.
	 */
	void submit(InHandRequest request) {
		Lane lane = laneOf(request);
		if (lane != null) {
			synchronized (this.busy) {
				Turns turns = this.busy.get(lane);
				if (turns != null) {
					turns.waiting.add(request);
					return;
				}
				this.busy.put(lane, new Turns(lane, request));
			}
		}
		this.start.accept(request);
	}

	/**
	 * A request ended and its method returned (or never ran): if it had its lane's turn, the next
	 * in its lane may start; if it was still waiting, it only leaves the lane.
	 */
	void done(InHandRequest request) {
		Lane lane = laneOf(request);
		if (lane == null) {
			return;
		}
		InHandRequest next;
		synchronized (this.busy) {
			Turns turns = this.busy.get(lane);
			if (turns == null) {
				return;
			}
			if (turns.current != request) {
				turns.waiting.remove(request);
				return;
			}
			next = turns.waiting.poll();
			if (next == null) {
				this.busy.remove(lane);
				return;
			}
			turns.current = next;
		}
		this.start.accept(next);
	}

	/**
	 * Partitions were taken away: none of their requests waiting for a turn starts any more (the
	 * partitions' next owners handle them). A request that has a turn keeps it until it is done,
	 * so that a request of its lane delivered again, should the partition come back, still
	 * waits for it.
	 */
	void revoked(Collection<TopicPartition> partitions) {
		synchronized (this.busy) {
			for (Turns turns : this.busy.values()) {
				if (partitions.contains(turns.lane.partition())) {
					turns.waiting.clear();
				}
			}
		}
	}

	/**
	 * Return how many requests wait for an earlier one of their lane.
	 */
	int waiting() {
		synchronized (this.busy) {
			int count = 0;
			for (Turns turns : this.busy.values()) {
				count += turns.waiting.size();
			}
			return count;
		}
	}

	private @Nullable Lane laneOf(InHandRequest request) {
		return switch (this.ordering) {
			case NONE -> null;
			case PARTITION -> new Lane(request.ledger().partition(), null);
			case KEY -> (request.record.key() != null)
					? new Lane(request.ledger().partition(), ByteBuffer.wrap(request.record.key()))
					: (request.headers != null) ? new Lane(request.ledger().partition(),
							ByteBuffer.wrap(request.headers.correlationId()), true) : null;
		};
	}

	/**
	 * The turn of a busy lane: the request that has it (queued for a thread, running or replying)
	 * and those waiting for it, in offset order.
	 */
	private static final class Turns {

		final Lane lane;

		InHandRequest current;

		final ArrayDeque<InHandRequest> waiting = new ArrayDeque<>(2);

		Turns(Lane lane, InHandRequest current) {
			this.lane = lane;
			this.current = current;
		}

	}

	/**
	 * @param partition the partition
	 * @param key the key, or the correlation id of a keyless request
	 * @param byCorrelationId whether {@code key} is a correlation id
	 */
	private record Lane(TopicPartition partition, @Nullable ByteBuffer key, boolean byCorrelationId) {

		Lane(TopicPartition partition, @Nullable ByteBuffer key) {
			this(partition, key, false);
		}

	}

}
