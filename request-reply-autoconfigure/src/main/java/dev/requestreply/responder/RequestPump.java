package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.BatchAcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * What a handler's consumer threads do, and all they do: take each poll's records in hand (a
 * cancel record ends the request it names at once; a record the previous owner finished is
 * skipped and counted; every other one goes to its lane), commit what finished before each poll,
 * pause and resume partitions, and follow rebalances. It never runs user code and never waits for
 * a handler, so a consumer keeps polling, and its group membership, however long handlers take.
 * The listener, the batch interceptor (whose {@code setupThreadState} runs before every poll) and
 * the rebalance listener of the handler's container.
 */
final class RequestPump implements BatchAcknowledgingConsumerAwareMessageListener<byte[], byte[]>,
		BatchInterceptor<byte[], byte[]>, ConsumerAwareRebalanceListener {

	private final ConcurrentMessageListenerContainer<byte[], byte[]> container;

	private final ResponderSettings settings;

	private final RequestReading reading;

	private final long maxHandlingNanos;

	private final HandlerExecutor executor;

	private final RequestsInHand requests;

	private final Revocations revocations;

	private final boolean commits;

	// The owner of the requests' state (a pump serves a consumer-group handler, which has one).
	private final HandlerCore core;

	private final Map<Consumer<?, ?>, ConsumerLedgers> consumers = new ConcurrentHashMap<>();

	// Whether the handler's event loop is stuck: every consumer's partitions pause for it.
	private volatile boolean loopStalled;

	RequestPump(ConcurrentMessageListenerContainer<byte[], byte[]> container, ResponderSettings settings,
			HandlerParts parts, Revocations revocations, boolean commits, RequestReading reading) {
		this.container = container;
		this.reading = reading;
		this.settings = settings;
		this.maxHandlingNanos = parts.maxHandlingTime().toNanos();
		this.executor = parts.executor();
		this.requests = parts.requests();
		this.revocations = revocations;
		this.commits = commits;
		this.core = Objects.requireNonNull(parts.core(), "A handler in a consumer group has a core");
	}

	@Override
	public void onMessage(List<ConsumerRecord<byte[], byte[]>> records, @Nullable Acknowledgment acknowledgment,
			@Nullable Consumer<?, ?> consumer) {
		// A consumer-aware listener is always given its consumer.
		ConsumerLedgers owner = ledgers(Objects.requireNonNull(consumer));
		Set<TopicPartition> delivered = new HashSet<>();
		// The poll's requests go to its core's loop in one post.
		List<InHandRequest> arrived = new ArrayList<>(records.size());
		try {
			this.executor.handOut(() -> {
				for (ConsumerRecord<byte[], byte[]> record : records) {
					TopicPartition partition = new TopicPartition(record.topic(), record.partition());
					delivered.add(partition);
					// Its core's ledger decides: none here but the one transactions commit from.
					take(owner, this.commits ? null : owner.ledger(partition), record, arrived);
				}
			});
		}
		finally {
			this.core.arrived(arrived);
		}
		owner.afterPoll(delivered, this.container.isPauseRequested());
	}

	private void take(ConsumerLedgers owner, @Nullable PartitionLedger ledger, ConsumerRecord<byte[], byte[]> record,
			List<InHandRequest> arrived) {
		if (ledger != null) {
			// Noted by the ledger transactions commit from; whether it finished already is its core's to decide.
			ledger.receive(record.offset());
		}
		byte[] cancelled = this.reading.cancelledRequest(record.headers());
		if (cancelled != null) {
			// Never behind the request it cancels: that one ends now, wherever it waits.
			if (ledger != null) {
				ledger.finish(record.offset());
			}
			this.core.passed(new TopicPartition(record.topic(), record.partition()), record.offset());
			this.requests.cancel(cancelled);
			return;
		}
		ReadHeaders read = ReadHeaders.of(record, this.reading);
		InHandRequest request = new InHandRequest(record, owner, ledger, read.headers(), read.unreadable(),
				this.maxHandlingNanos);
		owner.taken();
		// Known to its core before any other thread can find it.
		this.core.taken(request);
		arrived.add(request);
		this.requests.add(request);
	}

	@Override
	public ConsumerRecords<byte[], byte[]> intercept(ConsumerRecords<byte[], byte[]> records,
			Consumer<byte[], byte[]> consumer) {
		return records;
	}

	@Override
	public void setupThreadState(Consumer<?, ?> consumer) {
		// Before every poll, on the consumer's thread; a consumer started while the loop was stuck
		// pauses for it too.
		ConsumerLedgers owner = ledgers(consumer);
		owner.pauses().loopStalled(this.loopStalled);
		owner.beforePoll(this.container.isPauseRequested());
	}

	/**
	 * The handler's event loop is stuck (or caught up again), on the watchdog's thread: every
	 * partition pauses for that reason alone, and resumes when no other holds it.
	 */
	void loopStalled(boolean stalled) {
		this.loopStalled = stalled;
		for (ConsumerLedgers owner : this.consumers.values()) {
			owner.pauses().loopStalled(stalled);
			wake(owner);
		}
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		ConsumerLedgers owner = ledgers(consumer);
		Map<TopicPartition, OffsetAndMetadata> committed = owner.assigned(partitions);
		this.core.assigned(owner, partitions, committed);
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.revocations.revoked(ledgers(consumer), partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		// spring-kafka then passes the same partitions to onPartitionsRevokedBeforeCommit, by then
		// forgotten: nothing waits for them there.
		this.revocations.lost(ledgers(consumer), partitions);
	}

	private ConsumerLedgers ledgers(Consumer<?, ?> consumer) {
		// With transactions, they commit: from the ledgers of its consumers, not its core's commits.
		return this.consumers.computeIfAbsent(consumer, (created) -> new ConsumerLedgers(created, this.settings,
				this.executor, this.commits, this.commits ? new CoreCommits(this.core::commitDone) : null));
	}

	Collection<ConsumerLedgers> consumers() {
		return this.consumers.values();
	}

	/**
	 * A consumer of the container stopped for good (after the revocation of its partitions):
	 * forget what it held.
	 */
	void stopped(Consumer<?, ?> consumer) {
		this.consumers.remove(consumer);
	}

	/**
	 * Wake a consumer whose partitions may resume (on any thread): it then resumes them before
	 * its next poll rather than after its poll timeout.
	 */
	void wake(ConsumerLedgers owner) {
		for (TopicPartition partition : owner.owned()) {
			for (KafkaMessageListenerContainer<byte[], byte[]> child : this.container.getContainers()) {
				Collection<TopicPartition> assigned = child.getAssignedPartitions();
				if (assigned != null && assigned.contains(partition)) {
					// The consumer's own container: resuming a partition that it did not pause itself
					// only wakes the consumer up (the parent container would skip it).
					child.resumePartition(partition);
					return;
				}
			}
		}
	}

	/**
	 * The handler's executor has room again, or just reached its limit: wake the consumers that
	 * paused for it, or that fed it and are to pause before their next poll.
	 */
	void capacity() {
		boolean saturated = this.executor.saturated();
		for (ConsumerLedgers owner : this.consumers.values()) {
			if (owner.pauses().anyCapacity() != saturated) {
				wake(owner);
			}
		}
	}

}
