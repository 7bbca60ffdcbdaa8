package dev.requestreply.responder.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * The offsets of one partition owned: which records taken are unfinished, and so where the group
 * may commit (the lowest unfinished offset, the finished ones above it named in the metadata, as
 * many as fit). Records the previous owner's commit names as finished are recognised when they
 * come again.
 */
final class CoreLedger {

	private final Set<Long> inherited;

	private final TreeSet<Long> unfinished = new TreeSet<>();

	// The offset after the last record taken, -1 before the first.
	private long end = -1;

	// The last commit asked for, or null when the next must be asked for whatever it is.
	ResponderAction.@Nullable Commit lastCommit;

	boolean paused;

	// Taken or finished a record (or its last commit failed) since its commit point was last asked.
	boolean moved = true;

	CoreLedger(Set<Long> inherited) {
		this.inherited = inherited;
	}

	/**
	 * Take a record: return {@code false} when the previous owner had finished it.
	 */
	boolean receive(long offset) {
		this.moved = true;
		this.end = Math.max(this.end, offset + 1);
		if (this.inherited.contains(offset)) {
			return false;
		}
		this.unfinished.add(offset);
		return true;
	}

	void finish(long offset) {
		this.moved |= this.unfinished.remove(offset);
	}

	/**
	 * Return where the group may commit now, or {@code null} before the first record.
	 * @param partition the partition
	 * @param maxNamed how many finished offsets the metadata can name
	 * @param pastUnfinished the {@link Fault#COMMIT_PAST_UNFINISHED} defect
	 */
	ResponderAction.@Nullable Commit commitPoint(Partition partition, int maxNamed, boolean pastUnfinished) {
		if (this.end < 0) {
			return null;
		}
		if (this.unfinished.isEmpty() || pastUnfinished) {
			return new ResponderAction.Commit(partition, this.end, List.of(), true);
		}
		long position = this.unfinished.first();
		List<Long> finished = new ArrayList<>();
		long previous = position;
		for (long next : this.unfinished.tailSet(position, false)) {
			if (!name(previous + 1, next, finished, maxNamed)) {
				return new ResponderAction.Commit(partition, position, List.copyOf(finished), false);
			}
			previous = next;
		}
		if (!name(previous + 1, this.end, finished, maxNamed)) {
			return new ResponderAction.Commit(partition, position, List.copyOf(finished), false);
		}
		return new ResponderAction.Commit(partition, position, List.copyOf(finished), true);
	}

	// Add the finished offsets from (inclusive) to (exclusive): false when they do not all fit.
	private static boolean name(long from, long to, List<Long> finished, int maxNamed) {
		for (long offset = from; offset < to; offset++) {
			if (finished.size() == maxNamed) {
				return false;
			}
			finished.add(offset);
		}
		return true;
	}

}
