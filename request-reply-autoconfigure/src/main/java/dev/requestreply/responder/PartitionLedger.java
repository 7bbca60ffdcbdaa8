package dev.requestreply.responder;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The offsets of one partition that a handler's consumer owns: which of the records it received
 * are unfinished (neither answered nor ended otherwise), and so where its group may commit: the
 * lowest unfinished offset, with the finished ones above it in the commit's metadata. Records
 * that a previous owner's commit names as finished are recognised when they come again. Holds the
 * offsets only, never the records. Public for the durable reply listener's consumer
 * ({@code dev.requestreply.durable}), which commits the same way.
 */
public final class PartitionLedger {

	private final TopicPartition partition;

	private final int maxMetadataChars;

	// Guarded by this.
	private final TreeSet<Long> unfinished = new TreeSet<>();

	// Guarded by this: the offset after the last record received, -1 before the first.
	private long end = -1;

	// Guarded by this: the previous owner's finished records not passed yet, or null.
	private CommitMetadata.@Nullable Finished inherited;

	// Guarded by this: whether the last commit point left finished offsets out of its metadata.
	private boolean truncated;

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
		if (committed != null) {
			this.inherited = CommitMetadata.decode(committed.offset(), committed.metadata());
		}
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
		CommitMetadata.Finished previous = this.inherited;
		if (previous != null) {
			if (offset >= previous.end()) {
				this.inherited = null;
			}
			else if (previous.contains(offset)) {
				return false;
			}
		}
		this.unfinished.add(offset);
		return true;
	}

	/**
	 * A record in hand finished: it no longer holds the commit back.
	 * @param offset its offset
	 */
	public synchronized void finish(long offset) {
		this.unfinished.remove(offset);
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
		if (this.end < 0) {
			return null;
		}
		if (this.unfinished.isEmpty() || this.maxMetadataChars == 0) {
			// Nothing above the offset, or finished offsets not carried at all (the setting's 0).
			this.truncated = false;
			return new OffsetAndMetadata(this.unfinished.isEmpty() ? this.end : this.unfinished.first());
		}
		long[] offsets = new long[this.unfinished.size()];
		int count = 0;
		for (Iterator<Long> iterator = this.unfinished.iterator(); iterator.hasNext();) {
			offsets[count++] = iterator.next();
		}
		CommitMetadata.Encoded metadata = CommitMetadata.encode(offsets[0], offsets, count, this.end,
				this.maxMetadataChars);
		this.truncated = !metadata.complete();
		return new OffsetAndMetadata(offsets[0], metadata.text());
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
