package dev.requestreply.responder;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.requestreply.ReplyHandler;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Orders the requests of a handler as its {@link ReplyHandler.Ordering} says: each goes through
 * a lane (one per key of a partition for {@code KEY}, one per partition for {@code PARTITION}),
 * and starts once the request before it in its lane has ended and its method returned; keyless
 * requests with {@code KEY} start at once, but for a request delivered twice (the same
 * correlation id: a publish retried), whose second delivery waits for the first (so that an
 * idempotent handler answers it from memory); with {@code NONE}, every request starts at once.
 */
final class RequestLanes {

	private final ReplyHandler.Ordering ordering;

	private final Consumer<InHandRequest> start;

	// Guarded by itself: the requests waiting in each busy lane (a lane is busy while present).
	private final Map<Lane, ArrayDeque<InHandRequest>> busy = new HashMap<>();

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
				ArrayDeque<InHandRequest> waiting = this.busy.get(lane);
				if (waiting != null) {
					waiting.add(request);
					return;
				}
				this.busy.put(lane, new ArrayDeque<>(2));
			}
		}
		this.start.accept(request);
	}

	/**
	 * A request ended and its method returned (or never ran): the next in its lane may start.
	 */
	void done(InHandRequest request) {
		Lane lane = laneOf(request);
		if (lane == null) {
			return;
		}
		InHandRequest next;
		synchronized (this.busy) {
			ArrayDeque<InHandRequest> waiting = this.busy.get(lane);
			next = (waiting != null) ? waiting.poll() : null;
			if (next == null) {
				this.busy.remove(lane);
				return;
			}
		}
		this.start.accept(next);
	}

	/**
	 * Return how many requests wait for an earlier one of their lane.
	 */
	int waiting() {
		synchronized (this.busy) {
			int count = 0;
			for (ArrayDeque<InHandRequest> waiting : this.busy.values()) {
				count += waiting.size();
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
