package dev.requestreply.responder;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.InheritedOffsets;
import dev.requestreply.responder.core.StartedOffsets;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The offsets of one partition that a handler's consumer owns: which of the records it received
 * are unfinished (neither answered nor ended otherwise), and so where its group may commit: the
 * lowest unfinished offset, with the finished ones above it in the commit's metadata, and the
 * unfinished ones whose method has run for {@link #MARK_AFTER_NANOS a second} or more (started
 * marks: a request's start is on record within about a second, short requests add nothing).
 * Records that a previous owner's commit names as finished are recognised when they come again,
 * and so are those it names as started, when their method starts here: a second run. Holds the
 * offsets only, never the records. Public for the durable reply listener's consumer
 * ({@code dev.requestreply.durable}), which commits the same way.
 */
public final class PartitionLedger {

	/**
	 * How long a record's method runs before commits name it as started.
	 */
	static final long MARK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long[] NO_OFFSETS = {};

	private final TopicPartition partition;

	private final int maxMetadataChars;

	// Guarded by this.
	private final TreeSet<Long> unfinished = new TreeSet<>();

	// Guarded by this: the offset after the last record received, -1 before the first.
	private long end = -1;

	// Guarded by this: the previous owner's finished records.
	private final InheritedOffsets inherited;

	// Guarded by this: whether the last commit point left finished offsets out of its metadata.
	private boolean truncated;

	// Guarded by this: when the method of each unfinished record started (nanoTime), by offset.
	private final Map<Long, Long> started = new HashMap<>();

	// Guarded by this: the records the previous owner had started that have not run here yet.
	private final Set<Long> startedBefore = new HashSet<>();

	// How many records the previous owner named as started, and how many more it could not name.
	private final int inheritedStarted;

	private final long inheritedUnnamed;

	/**
	 * Create the ledger of a partition just assigned.
	 * @param partition the partition
	 * @param committed the group's committed offset and metadata, or {@code null}
	 * @param maxMetadataChars the longest commit metadata the broker takes; 0 for none (only the
	 * lowest unfinished offset is committed)
	 */
	public PartitionLedger(TopicPartition partition, @Nullable OffsetAndMetadata committed, int maxMetadataChars) {
		this.partition = partition;
		this.maxMetadataChars = maxMetadataChars;
		StartedOffsets marks = null;
		this.inherited = new InheritedOffsets((committed != null) ? committed.offset() : -1,
				(committed != null) ? committed.metadata() : null);
		if (committed != null) {
			marks = CommitMetadata.decodeStarted(committed.offset(), committed.metadata());
		}
		if (marks != null) {
			Arrays.stream(marks.offsets()).forEach(this.startedBefore::add);
		}
		this.inheritedStarted = this.startedBefore.size();
		this.inheritedUnnamed = (marks != null) ? marks.unnamed() : 0;
	}

	TopicPartition partition() {
		return this.partition;
	}

	/**
	 * Take a record in hand.
	 * @param offset its offset
	 * @return {@code false} when the previous owner had finished it: it is not in hand then
	 */
	public synchronized boolean receive(long offset) {
		this.end = Math.max(this.end, offset + 1);
		if (this.inherited.finished(offset)) {
			return false;
		}
		this.unfinished.add(offset);
		return true;
	}

	/**
	 * The method of a record in hand starts.
	 * @param offset its offset
	 * @return whether the previous owner had started it too (named in its commit): a second run
	 */
	boolean start(long offset) {
		return start(offset, System.nanoTime());
	}

	synchronized boolean start(long offset, long nowNanos) {
		if (this.unfinished.contains(offset)) {
			this.started.put(offset, nowNanos);
		}
		return !this.startedBefore.isEmpty() && this.startedBefore.remove(offset);
	}

	/**
	 * Return how many records the previous owner's commit named as started: they run again here.
	 */
	int inheritedStarted() {
		return this.inheritedStarted;
	}

	/**
	 * Return how many more the previous owner had started, counted but not named in its commit.
	 */
	long inheritedUnnamed() {
		return this.inheritedUnnamed;
	}

	/**
	 * A record in hand finished: it no longer holds the commit back.
	 * @param offset its offset
	 */
	public synchronized void finish(long offset) {
		this.unfinished.remove(offset);
		if (!this.started.isEmpty()) {
			this.started.remove(offset);
		}
	}

	/**
	 * A record finished in a transaction that did not commit: it is unfinished again.
	 * @param offset its offset
	 */
	public synchronized void unfinish(long offset) {
		if (offset < this.end) {
			this.unfinished.add(offset);
		}
	}

	/**
	 * Return where the group may commit now.
	 * @return the lowest unfinished offset (or the offset after the last record when none is)
	 * with the finished ones above it, or {@code null} before the first record
	 */
	public synchronized @Nullable OffsetAndMetadata commitPoint() {
		return commitPoint(System.nanoTime());
	}

	synchronized @Nullable OffsetAndMetadata commitPoint(long nowNanos) {
		if (this.end < 0) {
			return null;
		}
		if (this.unfinished.isEmpty() || this.maxMetadataChars == 0) {
			// Nothing above the offset, or finished offsets not carried at all (the setting's 0).
			this.truncated = false;
			return new OffsetAndMetadata(this.unfinished.isEmpty() ? this.end : this.unfinished.first());
		}
		CommitMetadata.Encoded metadata = CommitMetadata.encode(this.unfinished, this.end, startedMarks(nowNanos),
				this.maxMetadataChars);
		this.truncated = !metadata.complete();
		return new OffsetAndMetadata(this.unfinished.first(), metadata.text());
	}

	// The records whose method has run for MARK_AFTER_NANOS or more, ascending.
	private long[] startedMarks(long nowNanos) {
		if (this.started.isEmpty()) {
			return NO_OFFSETS;
		}
		return this.started.entrySet()
			.stream()
			.filter((entry) -> nowNanos - entry.getValue() >= MARK_AFTER_NANOS)
			.mapToLong(Map.Entry::getKey)
			.sorted()
			.toArray();
	}

	/**
	 * Return whether the last commit point could not name every finished offset: the partition
	 * should take no more records until it can.
	 */
	synchronized boolean truncated() {
		return this.truncated;
	}

	/**
	 * Return whether the commit point now would still leave finished offsets out of its metadata:
	 * records that finished since the last commit point (ended without a reply, which commits
	 * nothing by itself) may have shortened it.
	 */
	synchronized boolean stillTruncated() {
		if (this.truncated) {
			commitPoint();
		}
		return this.truncated;
	}

	/**
	 * Return the lowest unfinished offset, or the offset after the last record when none is.
	 * @return the offset, or -1 before the first record
	 */
	synchronized long lowestUnfinished() {
		return this.unfinished.isEmpty() ? this.end : this.unfinished.first();
	}

	public synchronized int unfinishedCount() {
		return this.unfinished.size();
	}

	/**
	 * Return the commit points of partitions that moved since their last commit.
	 * @param ledgers the ledgers by partition
	 * @param partitions the partitions to look at
	 * @param committed the last offsets committed by partition
	 * @return the offsets to commit, by partition; empty when none moved
	 */
	public static Map<TopicPartition, OffsetAndMetadata> due(Map<TopicPartition, PartitionLedger> ledgers,
			Collection<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (TopicPartition partition : partitions) {
			PartitionLedger ledger = ledgers.get(partition);
			OffsetAndMetadata point = (ledger != null) ? ledger.commitPoint() : null;
			if (point != null && !point.equals(committed.get(partition))) {
				offsets.put(partition, point);
			}
		}
		return offsets;
	}

}
