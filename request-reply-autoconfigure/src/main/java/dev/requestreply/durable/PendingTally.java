package dev.requestreply.durable;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pending durable requests of the partitions this instance owns, by kind, and when the oldest
 * of them was submitted: counted by the pending reader at most every {@link #EVERY_NANOS} (a
 * count reads every pending request), read by any thread.
 */
final class PendingTally {

	static final long EVERY_NANOS = 200_000_000L;

	private volatile Map<String, Integer> byKind = Map.of();

	private volatile long oldestSubmittedAt = -1;

	// The pending reader's thread only.
	private long countedAtNanos;

	private boolean counted;

	/**
	 * Count the pending requests (restored or being delivered) of the owned partitions, unless
	 * they were counted less than {@link #EVERY_NANOS} ago.
	 * @param partitions the owned partitions
	 * @param nowNanos the time, {@link System#nanoTime()}
	 */
	void count(Collection<OwnedPartition> partitions, long nowNanos) {
		if (this.counted && nowNanos - this.countedAtNanos < EVERY_NANOS) {
			return;
		}
		this.counted = true;
		this.countedAtNanos = nowNanos;
		Map<String, Integer> kinds = new TreeMap<>();
		long oldest = Long.MAX_VALUE;
		for (OwnedPartition partition : partitions) {
			for (PendingState state : partition.states.values()) {
				kinds.merge(state.kind(), 1, Integer::sum);
				oldest = Math.min(oldest, state.submittedAt());
			}
			for (PendingState state : partition.inFlight.values()) {
				kinds.merge(state.kind(), 1, Integer::sum);
				oldest = Math.min(oldest, state.submittedAt());
			}
		}
		this.byKind = Map.copyOf(kinds);
		this.oldestSubmittedAt = (oldest != Long.MAX_VALUE) ? oldest : -1;
	}

	/**
	 * Forget the counts: nothing is pending here (no partition owned, or stopped).
	 */
	void clear() {
		this.counted = false;
		this.byKind = Map.of();
		this.oldestSubmittedAt = -1;
	}

	/**
	 * Return the pending requests by kind.
	 * @return the counts, sorted by kind
	 */
	Map<String, Integer> byKind() {
		return new TreeMap<>(this.byKind);
	}

	/**
	 * Return when the oldest pending request was submitted.
	 * @return epoch milliseconds, or -1 when none is pending
	 */
	long oldestSubmittedAt() {
		return this.oldestSubmittedAt;
	}

}
