package dev.requestreply.responder;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;

/**
 * The commits a handler's core asks of one consumer, for the partitions it owns: the core decides
 * each (offset and metadata) on its loop; the consumer carries them out on its thread, at most
 * one asynchronous commit in flight and one started per commit interval, so a commit asked while
 * another waits replaces it (the later point is the one to commit). Inside the revoke callback,
 * the core's last commit of the partitions going is carried out synchronously; of partitions
 * lost, nothing is.
 */
final class CoreCommits {

	private static final LogAccessor logger = new LogAccessor(CoreCommits.class);

	// Written by the core's loop, taken by the consumer's thread.
	private final Map<TopicPartition, OffsetAndMetadata> asked = new ConcurrentHashMap<>();

	// The offsets last asked for, by partition (the lowest unfinished ones).
	private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();

	// Told how each commit carried out ended (partition, whether the broker took it).
	private final BiConsumer<Map<TopicPartition, OffsetAndMetadata>, Boolean> done;

	// The consumer's thread only.
	private boolean committing;

	/**
	 * @param done told how each commit ended, on the consumer's thread
	 */
	CoreCommits(BiConsumer<Map<TopicPartition, OffsetAndMetadata>, Boolean> done) {
		this.done = done;
	}

	/**
	 * The core asks for a commit, on its loop.
	 */
	void ask(TopicPartition partition, OffsetAndMetadata offset) {
		this.asked.put(partition, offset);
		this.positions.put(partition, offset.offset());
	}

	Map<TopicPartition, Long> positions() {
		return this.positions;
	}

	/**
	 * Commit what was asked if no commit is in flight, on the consumer's thread (at a poll, when
	 * the commit interval allows).
	 * @return whether a commit was posted
	 */
	boolean commit(ConsumerMailbox mailbox) {
		if (this.committing || this.asked.isEmpty()) {
			return false;
		}
		Map<TopicPartition, OffsetAndMetadata> offsets = take(this.asked.keySet());
		if (offsets.isEmpty()) {
			return false;
		}
		this.committing = true;
		mailbox.post(new ConsumerMailbox.Commit(offsets, (committed, ex) -> {
			this.committing = false;
			if (ex != null) {
				logger.debug(ex, () -> "Commit of " + committed + " failed; it is asked again");
			}
			this.done.accept(committed, ex == null);
		}));
		return true;
	}

	/**
	 * Partitions go, on the consumer's thread in the revoke callback: the last commit asked for
	 * each is posted (carried out by the synchronous drain that follows), unless they were lost.
	 */
	void leaving(Collection<TopicPartition> partitions, boolean commit, ConsumerMailbox mailbox) {
		Map<TopicPartition, OffsetAndMetadata> offsets = take(partitions);
		partitions.forEach(this.positions::remove);
		if (commit && !offsets.isEmpty()) {
			mailbox.post(new ConsumerMailbox.Commit(offsets, (asked, ex) -> {
				if (ex != null) {
					logger.warn(ex, () -> "Could not commit " + asked + " on revocation; finished requests after "
							+ "the last commit are handled again by the partitions' new owners");
				}
			}));
		}
	}

	private Map<TopicPartition, OffsetAndMetadata> take(Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = this.asked.remove(partition);
			if (offset != null) {
				offsets.put(partition, offset);
			}
		}
		return offsets;
	}

}
