package dev.requestreply.responder.core;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * The offsets of one partition owned: which records taken are unfinished, which of those have
 * run long (started marks), and so where the group may commit: the lowest unfinished offset, its
 * metadata ({@link CommitMetadata}) naming the finished offsets above it (as many runs as fit in
 * its limit) and the started ones. Records the previous owner's commit names as finished are
 * recognised when they come again, and those it names as started when their method starts here.
 */
final class CoreLedger {

	private static final long[] NONE = {};

	// The previous owner's finished records.
	private final InheritedOffsets inherited;

	// The records the previous owner had started that have not run here yet.
	private final Set<Long> startedBefore = new HashSet<>();

	private final TreeSet<Long> unfinished = new TreeSet<>();

	// The unfinished records whose method has run long.
	private final TreeSet<Long> runningLong = new TreeSet<>();

	// The offset after the last record taken, -1 before the first.
	private long end = -1;

	// The last commit asked for, or null when the next must be asked for whatever it is.
	ResponderAction.@Nullable Commit lastCommit;

	boolean paused;

	// Taken or finished a record (or its last commit failed) since its commit point was last asked.
	boolean moved = true;

	CoreLedger(long committed, @Nullable String metadata) {
		this.inherited = new InheritedOffsets(committed, metadata);
		StartedOffsets marks = CommitMetadata.decodeStarted(committed, metadata);
		if (marks != null) {
			Arrays.stream(marks.offsets()).forEach(this.startedBefore::add);
		}
	}

	/**
	 * Take a record: return {@code false} when the previous owner had finished it.
	 */
	boolean receive(long offset) {
		this.moved = true;
		this.end = Math.max(this.end, offset + 1);
		if (this.inherited.finished(offset)) {
			return false;
		}
		this.unfinished.add(offset);
		return true;
	}

	/**
	 * Take a record that is no request: finished at once.
	 */
	void pass(long offset) {
		this.moved = true;
		this.end = Math.max(this.end, offset + 1);
	}

	/**
	 * The method of a record in hand starts.
	 * @return whether the previous owner had started it too: a second run
	 */
	boolean start(long offset) {
		return !this.startedBefore.isEmpty() && this.startedBefore.remove(offset);
	}

	/**
	 * The method of a record in hand has run long: named as started while it is unfinished.
	 */
	void runningLong(long offset) {
		if (this.unfinished.contains(offset) && this.runningLong.add(offset)) {
			this.moved = true;
		}
	}

	void finish(long offset) {
		this.moved |= this.unfinished.remove(offset);
		this.runningLong.remove(offset);
	}

	/**
	 * Return where the group may commit now, or {@code null} before the first record.
	 * @param partition the partition
	 * @param maxChars the longest metadata the broker takes; 0 for none (only the offset)
	 * @param faults the defects to build in
	 */
	ResponderAction.@Nullable Commit commitPoint(Partition partition, int maxChars, Set<Fault> faults) {
		if (this.end < 0) {
			return null;
		}
		if (this.unfinished.isEmpty() || faults.contains(Fault.COMMIT_PAST_UNFINISHED)) {
			return new ResponderAction.Commit(partition, this.end, "", true);
		}
		if (maxChars == 0) {
			// Finished offsets not carried at all (the setting's 0).
			return new ResponderAction.Commit(partition, this.unfinished.first(), "", true);
		}
		long[] marks = this.runningLong.isEmpty() ? NONE : CommitMetadata.ascending(this.runningLong);
		boolean miscounted = faults.contains(Fault.METADATA_LIMIT_MISCOUNTED);
		CommitMetadata.Encoded metadata = CommitMetadata.encode(this.unfinished, this.end, marks,
				miscounted ? maxChars / 2 : maxChars);
		return new ResponderAction.Commit(partition, this.unfinished.first(), metadata.text(),
				metadata.complete() || miscounted);
	}

}
