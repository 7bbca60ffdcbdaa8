package dev.requestreply.responder;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * What one consumer of a handler holds: its requests in hand, its commits and the partitions it
 * paused ({@link PartitionPauses}, one reason each). With a handler's core (no transactions), the
 * core decides the commits and the metadata's pauses, carried out here ({@link CoreCommits});
 * else the ledger of each partition it owns decides them. Used on the consumer's thread but for
 * the in-hand count and the figures: it commits asynchronously (one commit in flight, at most one
 * per commit interval), every commit, pause and resume through its {@link ConsumerMailbox},
 * drained before and after each poll and inside the revoke callback, one call per piece of work.
 */
final class ConsumerLedgers {

	private static final LogAccessor logger = new LogAccessor(ConsumerLedgers.class);

	private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

	private final Consumer<?, ?> consumer;

	private final ResponderSettings settings;

	private final HandlerExecutor executor;

	private final boolean commits;

	private final ConsumerMailbox mailbox = new ConsumerMailbox();

	private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();

	private final AtomicInteger inHand = new AtomicInteger();

	// The consumer's thread only, but for the flags workers read to decide whether to wake it.
	private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();

	private final PartitionPauses pauses = new PartitionPauses();

	// The consumer's thread only: the partitions of its last poll that delivered records.
	private Collection<TopicPartition> fed = List.of();

	private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();

	// The commits its handler's core asks for, or null when its ledgers decide them.
	private final @Nullable CoreCommits coreCommits;

	// Taken on the consumer's thread (the consumer is not thread-safe), for transactional commits.
	private volatile @Nullable ConsumerGroupMetadata groupMetadata;

	private boolean committing;

	private long lastCommitNanos;

	// Its ledgers decide the commits.
	ConsumerLedgers(Consumer<?, ?> consumer, ResponderSettings settings, HandlerExecutor executor, boolean commits) {
		this(consumer, settings, executor, commits, null);
	}

	/**
	 * @param consumer the consumer
	 * @param settings the handlers' settings
	 * @param executor the handler's executor
	 * @param commits whether this consumer commits its offsets (else transactions do)
	 * @param coreCommits the commits its handler's core asks for, or {@code null} when its
	 * ledgers decide them
	 */
	ConsumerLedgers(Consumer<?, ?> consumer, ResponderSettings settings, HandlerExecutor executor, boolean commits,
			@Nullable CoreCommits coreCommits) {
		this.coreCommits = coreCommits;
		this.consumer = consumer;
		this.settings = settings;
		this.executor = executor;
		this.commits = commits;
		this.lastCommitNanos = System.nanoTime() - settings.commitInterval().toNanos();
	}

	/**
	 * Return the group metadata of the consumer's current generation, as of its last poll: a
	 * transaction that commits offsets with older metadata is refused (the partition moved).
	 */
	@Nullable ConsumerGroupMetadata groupMetadata() {
		return this.groupMetadata;
	}

	PartitionLedger ledger(TopicPartition partition) {
		return this.ledgers.computeIfAbsent(partition,
				(assigned) -> new PartitionLedger(assigned, null, this.settings.maxCommitMetadataChars()));
	}

	Map<TopicPartition, PartitionLedger> ledgers() {
		return this.ledgers;
	}

	// The partitions it owns (read on any thread).
	Set<TopicPartition> owned() {
		return this.owned;
	}

	void taken() {
		this.inHand.incrementAndGet();
	}

	/**
	 * A request of this consumer ended (on any thread).
	 * @return whether the consumer should be woken to resume its partitions
	 */
	boolean ended() {
		return this.inHand.decrementAndGet() == this.settings.maxInHand() / 2 && this.pauses.inHand();
	}

	int inHand() {
		return this.inHand.get();
	}

	PartitionPauses pauses() {
		return this.pauses;
	}

	@Nullable CoreCommits coreCommits() {
		return this.coreCommits;
	}

	// The lowest unfinished offset of each partition (with a core, as of its last commit point).
	Map<TopicPartition, Long> lowestUnfinished() {
		Map<TopicPartition, Long> lowest = new HashMap<>(
				(this.coreCommits != null) ? this.coreCommits.positions() : Map.of());
		this.ledgers.forEach((partition, ledger) -> lowest.put(partition, ledger.lowestUnfinished()));
		return lowest;
	}

	/**
	 * Partitions were assigned: read where the group had committed each, and what had finished
	 * above it (the ledgers' start, or the core's).
	 * @return the committed offsets by partition (those without any left out)
	 */
	Map<TopicPartition, OffsetAndMetadata> assigned(Collection<TopicPartition> partitions) {
		this.groupMetadata = this.consumer.groupMetadata();
		Map<TopicPartition, OffsetAndMetadata> offsets = AssignedOffsets.read(this.consumer, partitions, SYNC_TIMEOUT);
		this.owned.addAll(partitions);
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = offsets.get(partition);
			if (this.coreCommits == null) {
				this.ledgers.put(partition, new PartitionLedger(partition, offset, this.settings.maxCommitMetadataChars()));
			}
			if (offset != null) {
				this.committed.put(partition, offset);
			}
		}
		return offsets;
	}

	/**
	 * Partitions are being taken away (in the rebalance callback): take the group metadata of the
	 * generation that ends, for the transactions that still commit before the callback returns.
	 * @return the ledgers of those this consumer still holds
	 */
	Set<PartitionLedger> leaving(Collection<TopicPartition> partitions) {
		this.groupMetadata = this.consumer.groupMetadata();
		Set<PartitionLedger> leaving = new HashSet<>();
		for (TopicPartition partition : partitions) {
			PartitionLedger ledger = this.ledgers.get(partition);
			if (ledger != null) {
				leaving.add(ledger);
			}
		}
		return leaving;
	}

	/**
	 * Partitions were taken away: commit what finished on them (unless lost), then forget them.
	 */
	void revoked(Collection<TopicPartition> partitions, boolean commit) {
		if (this.coreCommits != null) {
			this.coreCommits.leaving(partitions, commit, this.mailbox);
		}
		else if (commit && this.commits) {
			Map<TopicPartition, OffsetAndMetadata> offsets = due(partitions);
			if (!offsets.isEmpty()) {
				this.mailbox.post(new ConsumerMailbox.Commit(offsets, (asked, ex) -> {
					if (ex != null) {
						logger.warn(ex, () -> "Could not commit " + asked + " on revocation; finished requests after "
								+ "the last commit are handled again by the partitions' new owners");
					}
				}));
			}
		}
		this.mailbox.drainSync(this.consumer, SYNC_TIMEOUT);
		for (TopicPartition partition : partitions) {
			this.ledgers.remove(partition);
			this.committed.remove(partition);
		}
		this.pauses.forget(partitions);
		this.owned.removeAll(partitions);
	}

	/**
	 * Before each poll: commit if due, and resume the partitions whose reason to pause is gone
	 * (unless the container is paused as a whole: stopping, its partitions take nothing new).
	 */
	void beforePoll(boolean containerPaused) {
		if (this.commits) {
			commitIfDue();
		}
		else {
			this.groupMetadata = this.consumer.groupMetadata();
		}
		if (this.pauses.inHand() && this.inHand.get() <= this.settings.maxInHand() / 2) {
			this.pauses.inHand(false);
		}
		if (this.pauses.anyCapacity() && this.executor.queued() <= this.executor.maxConcurrency() / 2) {
			this.pauses.capacityOver();
		}
		else if (!this.pauses.anyCapacity() && !this.fed.isEmpty() && this.executor.saturated()) {
			// Saturated by what the last polls delivered once the loop queued it.
			this.pauses.capacity(this.fed);
		}
		if (this.coreCommits == null) {
			// Rechecked here: with transactions, a commit point is otherwise taken only when a reply commits.
			this.pauses.metadata().removeIf((partition) -> {
				PartitionLedger ledger = this.ledgers.get(partition);
				return ledger == null || !ledger.stillTruncated();
			});
		}
		if (!containerPaused) {
			applyPauses();
		}
		this.mailbox.drain(this.consumer);
	}

	/**
	 * After a poll's records were taken in hand: pause what must take no more (nothing to do while
	 * the container is paused as a whole).
	 */
	void afterPoll(Collection<TopicPartition> delivered, boolean containerPaused) {
		if (this.inHand.get() > this.settings.maxInHand()) {
			this.pauses.inHand(true);
		}
		if (!delivered.isEmpty()) {
			this.fed = delivered;
		}
		if (this.executor.saturated()) {
			this.pauses.capacity(delivered);
		}
		for (TopicPartition partition : delivered) {
			PartitionLedger ledger = this.ledgers.get(partition);
			if (ledger != null && ledger.truncated()) {
				this.pauses.metadata(partition, true);
			}
		}
		if (!containerPaused) {
			applyPauses();
		}
		this.mailbox.drain(this.consumer);
	}

	private void applyPauses() {
		if (!this.pauses.holdsNothing()) {
			this.pauses.apply(this.consumer.assignment(), this.mailbox);
		}
	}

	private void commitIfDue() {
		long now = System.nanoTime();
		if (this.committing || now - this.lastCommitNanos < this.settings.commitInterval().toNanos()) {
			return;
		}
		if (this.coreCommits != null) {
			if (this.coreCommits.commit(this.mailbox)) {
				this.lastCommitNanos = now;
			}
			return;
		}
		Map<TopicPartition, OffsetAndMetadata> offsets = due(this.ledgers.keySet());
		if (offsets.isEmpty()) {
			return;
		}
		this.committing = true;
		this.lastCommitNanos = now;
		this.mailbox.post(new ConsumerMailbox.Commit(offsets, (done, ex) -> {
			this.committing = false;
			if (ex == null) {
				offsets.forEach((partition, offset) -> {
					if (this.ledgers.containsKey(partition)) {
						this.committed.put(partition, offset);
					}
				});
			}
			else {
				logger.debug(ex, () -> "Commit of " + offsets + " failed; it is tried again");
			}
		}));
	}

	private Map<TopicPartition, OffsetAndMetadata> due(Collection<TopicPartition> partitions) {
		return PartitionLedger.due(this.ledgers, partitions, this.committed);
	}

}
