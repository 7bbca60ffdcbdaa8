package dev.requestreply.responder.core;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import dev.requestreply.ReplyHandler;
import org.jspecify.annotations.Nullable;

/**
 * The lanes of a handler's requests: one per key of a partition ({@code KEY}, keyless requests
 * in none), one per partition ({@code PARTITION}), none ({@code NONE}). A lane's turn passes on
 * only when the request that has it is released (ended, and its worker done); a request that
 * ends while it waits only leaves. Turns outlive a partition's revocation, so that a request
 * delivered again after the partition comes back still waits for a method that still runs.
 */
final class CoreLanes {

	private final ReplyHandler.Ordering ordering;

	private final Map<Lane, Turn> busy = new HashMap<>();

	CoreLanes(ReplyHandler.Ordering ordering) {
		this.ordering = ordering;
	}

	/**
	 * A request arrived: return whether it has its lane's turn (else it waits).
	 */
	boolean enter(CoreRequest request) {
		Lane lane = laneOf(request);
		if (lane == null) {
			return true;
		}
		Turn turn = this.busy.get(lane);
		if (turn == null) {
			this.busy.put(lane, new Turn(request));
			return true;
		}
		turn.waiting.add(request);
		return false;
	}

	/**
	 * A waiting request ended: it leaves its lane.
	 */
	void leave(CoreRequest request) {
		Lane lane = laneOf(request);
		Turn turn = (lane != null) ? this.busy.get(lane) : null;
		if (turn != null) {
			turn.waiting.remove(request);
		}
	}

	/**
	 * A waiting request ended: it leaves its lane (an abandoned one already left with its
	 * partition).
	 * @return the request to start: none but with the {@link Fault#EARLY_END_PASSES_TURN} defect
	 */
	@Nullable CoreRequest waitingEnded(CoreRequest request, boolean abandoned, Set<Fault> faults) {
		if (abandoned && faults.contains(Fault.START_AFTER_REVOKE)) {
			return null;
		}
		Lane lane = laneOf(request);
		Turn turn = (lane != null) ? this.busy.get(lane) : null;
		if (turn == null || !turn.waiting.remove(request) || abandoned
				|| !faults.contains(Fault.EARLY_END_PASSES_TURN)) {
			return null;
		}
		CoreRequest next = turn.waiting.poll();
		if (next != null) {
			turn.current = next;
		}
		return next;
	}

	/**
	 * The request with its lane's turn was released: return the next to start, if any.
	 */
	@Nullable CoreRequest release(CoreRequest request) {
		Lane lane = laneOf(request);
		Turn turn = (lane != null) ? this.busy.get(lane) : null;
		if (turn == null || turn.current != request) {
			return null;
		}
		CoreRequest next = turn.waiting.poll();
		if (next == null) {
			this.busy.remove(lane);
			return null;
		}
		turn.current = next;
		return next;
	}

	/**
	 * A partition was taken away: its waiting requests leave their lanes.
	 */
	void dropWaiting(Partition partition) {
		for (Turn turn : this.busy.values()) {
			for (Iterator<CoreRequest> iterator = turn.waiting.iterator(); iterator.hasNext();) {
				if (iterator.next().ref.partition().equals(partition)) {
					iterator.remove();
				}
			}
		}
	}

	private @Nullable Lane laneOf(CoreRequest request) {
		return switch (this.ordering) {
			case NONE -> null;
			case PARTITION -> new Lane(request.ref.partition(), null);
			case KEY -> (request.laneKey != null) ? new Lane(request.ref.partition(), request.laneKey) : null;
		};
	}

	private record Lane(Partition partition, @Nullable Object key) {

	}

	private static final class Turn {

		CoreRequest current;

		final ArrayDeque<CoreRequest> waiting = new ArrayDeque<>(2);

		Turn(CoreRequest current) {
			this.current = current;
		}

	}

}
