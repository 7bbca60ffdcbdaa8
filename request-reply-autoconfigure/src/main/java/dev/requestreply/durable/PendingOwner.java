package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntToLongFunction;

import dev.requestreply.DurableOutcome;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.responder.PartitionLedger;
import dev.requestreply.support.SupervisedLoop;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * The body of the pending reader, the one thread that knows the pending state of the durable
 * partitions this instance owns: for each partition the group assigns it, it restores the pending
 * partition of the same number to its end (the end read when the restore started, under
 * {@code read_committed}), then keeps tailing it; it hands a reply on only once the pending state
 * is known (a reply with an unknown id waits until the pending partition was read to its end as
 * it was when the reply came; still unknown, it is counted and skipped). A reply whose kind has no
 * listener in this instance waits, uncommitted, for an instance that has one.
 */
final class PendingOwner implements SupervisedLoop.Body {

	static final String THREAD_NAME = "request-reply-durable-pending";

	private static final Duration POLL = Duration.ofMillis(50);

	// Deadlines fired per partition and turn of the loop: a backlog ends in batches, not a storm.
	static final int DEADLINE_BATCH = 100;

	private static final LogAccessor logger = new LogAccessor(PendingOwner.class);

	private final Queue<OwnerEvent> inbox = new ConcurrentLinkedQueue<>();

	// The loop's thread only.
	private final Map<Integer, OwnedPartition> owned = new HashMap<>();

	private final ConsumerFactory<byte[], byte[]> consumerFactory;

	private final DurableSettings settings;

	private final DurableListeners listeners;

	private final OutcomeDelivery delivery;

	private final PayloadConverter converter;

	private final ResponderCancels cancels;

	private volatile IntToLongFunction replyReadTo = (partition) -> -1;

	private final DurableFigures figures;

	private volatile int restoring;

	private volatile int pendingCount;

	private final PendingTally tally = new PendingTally();

	private final PollWaker waker = new PollWaker();

	PendingOwner(ConsumerFactory<byte[], byte[]> consumerFactory, DurableSettings settings, DurableListeners listeners,
			OutcomeDelivery delivery, PayloadConverter converter, ResponderCancels cancels, DurableFigures figures) {
		this.figures = figures;
		this.cancels = cancels;
		this.consumerFactory = consumerFactory;
		this.settings = settings;
		this.listeners = listeners;
		this.delivery = delivery;
		this.converter = converter;
	}

	/**
	 * Set where the offset after the last reply read on each durable partition comes from.
	 * @param replyReadTo the offset of a partition, -1 when unknown
	 */
	void readRepliesFrom(IntToLongFunction replyReadTo) {
		this.replyReadTo = replyReadTo;
	}

	void post(OwnerEvent event) {
		this.inbox.add(event);
		this.waker.wake();
	}

	@Override
	public void run(SupervisedLoop loop) throws Exception {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		try (Consumer<byte[], byte[]> consumer = this.consumerFactory.createConsumer(null, THREAD_NAME, null,
				properties)) {
			// Started again after a failure: every owned partition restores anew.
			this.owned.values().forEach(OwnedPartition::restart);
			Set<TopicPartition> assigned = new HashSet<>();
			this.waker.attach(consumer);
			try {
				while (loop.isRunning()) {
					try {
						assigned = turn(consumer, assigned);
					}
					catch (WakeupException ex) {
						// Woken for an event posted: the next turn takes it.
					}
				}
			}
			finally {
				this.waker.attach(null);
			}
		}
	}

	// One turn of the loop: returns the pending partitions assigned to the consumer now.
	private Set<TopicPartition> turn(Consumer<byte[], byte[]> consumer, Set<TopicPartition> assigned)
			throws InterruptedException {
		drainInbox();
		Set<TopicPartition> wanted = new HashSet<>();
		this.owned.values().forEach((partition) -> wanted.add(partition.pending));
		if (!wanted.equals(assigned)) {
			consumer.assign(wanted);
			assigned = wanted;
		}
		startRestores(consumer);
		// Before the poll: a restore's polls may take long, and the health shows it meanwhile.
		this.restoring = (int) this.owned.values().stream().filter((partition) -> !partition.restored).count();
		if (assigned.isEmpty()) {
			this.restoring = 0;
			this.pendingCount = 0;
			this.tally.clear();
			Thread.sleep(POLL.toMillis());
			return assigned;
		}
		for (ConsumerRecord<byte[], byte[]> record : this.waker.poll(consumer, POLL)) {
			OwnedPartition partition = this.owned.get(record.partition());
			if (partition != null) {
				partition.apply(record);
			}
		}
		int restoringNow = 0;
		int pending = 0;
		// A copy: firing deadlines reads the inbox, which may assign or revoke partitions.
		for (OwnedPartition partition : List.copyOf(this.owned.values())) {
			partition.position = consumer.position(partition.pending);
			if (!partition.restored && partition.position >= partition.restoreEnd) {
				restored(partition);
			}
			if (partition.restored) {
				handleReplies(consumer, partition);
				fireDeadlines(consumer, partition);
			}
			else {
				restoringNow++;
			}
			pending += partition.states.size() + partition.inFlight.size();
		}
		this.restoring = restoringNow;
		this.pendingCount = pending;
		this.tally.count(this.owned.values(), System.nanoTime());
		return assigned;
	}

	private void drainInbox() {
		OwnerEvent event;
		while ((event = this.inbox.poll()) != null) {
			if (event instanceof OwnerEvent.Assigned assigned) {
				assigned.ledgers()
					.forEach((partition, ledger) -> this.owned.put(partition,
							new OwnedPartition(new TopicPartition(this.settings.pendingTopic(), partition), ledger)));
			}
			else if (event instanceof OwnerEvent.Revoked revoked) {
				revoked.partitions().forEach(this.owned::remove);
			}
			else if (event instanceof OwnerEvent.Reply reply) {
				OwnedPartition partition = this.owned.get(reply.partition);
				if (partition != null) {
					partition.waiting.add(reply);
				}
			}
			else if (event instanceof OwnerEvent.Ended ended) {
				OwnedPartition partition = this.owned.get(ended.partition());
				if (partition != null) {
					partition.inFlight.remove(ended.id());
				}
			}
		}
	}

	private void startRestores(Consumer<byte[], byte[]> consumer) {
		List<OwnedPartition> starting = this.owned.values()
			.stream()
			.filter((partition) -> partition.restoreEnd < 0)
			.toList();
		if (starting.isEmpty()) {
			return;
		}
		List<TopicPartition> pending = starting.stream().map((partition) -> partition.pending).toList();
		consumer.seekToBeginning(pending);
		Map<TopicPartition, Long> ends = consumer.endOffsets(pending);
		for (OwnedPartition partition : starting) {
			partition.restoreStartedNanos = System.nanoTime();
			partition.restoreEnd = ends.getOrDefault(partition.pending, 0L);
		}
	}

	private void restored(OwnedPartition partition) {
		partition.restored = true;
		long millis = (System.nanoTime() - partition.restoreStartedNanos) / 1_000_000;
		this.figures.restored(millis);
		logger.info(() -> "Restored durable partition " + partition.pending.partition() + ": "
				+ partition.states.size() + " pending request(s) in " + millis + " ms");
	}

	// Replies and cancel markers, in partition order.
	private void handleReplies(Consumer<byte[], byte[]> consumer, OwnedPartition partition) {
		long end = -1;
		for (Iterator<OwnerEvent.Reply> iterator = partition.waiting.iterator(); iterator.hasNext();) {
			OwnerEvent.Reply reply = iterator.next();
			String id = reply.id;
			PendingState state = (id != null) ? partition.states.get(id) : null;
			if (id != null && state != null) {
				DurableListenerMethod listener = this.listeners.listener(state.kind());
				if (listener == null) {
					// A rolling deploy: an instance with this kind's listener takes it over.
					partition.parked(id, state.kind());
					continue;
				}
				iterator.remove();
				partition.states.remove(id);
				partition.inFlight.put(id, state);
				if (reply.cancel) {
					this.cancels.send(id, state);
					this.cancels.answer(reply.record, true);
					this.delivery.deliver(id, reply.partition, partition.earlierDeliveries(id), reply.ledger,
							reply.record.offset(), listener, state.trace(),
							(attempt) -> new DurableOutcome.Cancelled<>(id, state.kind(), state.context(), attempt),
							() -> ended(reply, id));
				}
				else {
					this.delivery.deliver(id, reply.partition, partition.earlierDeliveries(id), reply.ledger,
							reply.record.offset(), listener, state.trace(),
							(attempt) -> OutcomeDelivery.fromReply(id, state, attempt, reply.record,
									listener.replyType(), this.converter),
							() -> ended(reply, id));
				}
				continue;
			}
			if (id != null && !partition.inFlight.containsKey(id) && reply.catchUpEnd < 0) {
				if (end < 0) {
					end = consumer.endOffsets(List.of(partition.pending)).getOrDefault(partition.pending, 0L);
				}
				reply.catchUpEnd = end;
			}
			if (id == null || partition.inFlight.containsKey(id) || partition.position >= reply.catchUpEnd) {
				iterator.remove();
				reply.ledger.finish(reply.record.offset());
				if (reply.cancel) {
					// Ended already, or never known here.
					this.cancels.answer(reply.record, false);
					continue;
				}
				this.figures.unknownReply();
				logger.debug(() -> "Skipped a reply on durable partition " + reply.partition + " at offset "
						+ reply.record.offset() + ": no pending durable request " + ((id != null) ? id : "(no id)"));
			}
		}
	}

	// A deadline fires once the reply partition was read to its end as it was after the deadline,
	// so that a reply written before its deadline wins.
	private void fireDeadlines(Consumer<byte[], byte[]> consumer, OwnedPartition partition) {
		long now = System.currentTimeMillis();
		if (partition.deadlines.dueBy(now) == null) {
			return;
		}
		int number = partition.pending.partition();
		// Read before the replies posted so far are handled: none read before it is left behind.
		long readTo = this.replyReadTo.applyAsLong(number);
		if (partition.replyEnd < 0) {
			TopicPartition replies = new TopicPartition(this.settings.replyTopic(), number);
			partition.replyEndAsOf = now;
			partition.replyEnd = consumer.endOffsets(List.of(replies)).getOrDefault(replies, 0L);
		}
		if (readTo < partition.replyEnd) {
			return;
		}
		drainInbox();
		if (this.owned.get(number) != partition) {
			return;
		}
		handleReplies(consumer, partition);
		int fired = 0;
		DeadlineQueue.Entry entry;
		while (fired < DEADLINE_BATCH && (entry = partition.deadlines.dueBy(partition.replyEndAsOf)) != null) {
			partition.deadlines.remove();
			String id = entry.id();
			PendingState state = partition.states.get(id);
			if (state == null || state.deadline() != entry.deadline()) {
				continue;
			}
			DurableListenerMethod listener = this.listeners.listener(state.kind());
			if (listener == null) {
				// Left pending for an instance with this kind's listener.
				partition.parked(id, state.kind());
				continue;
			}
			fired++;
			partition.states.remove(id);
			partition.inFlight.put(id, state);
			this.cancels.send(id, state);
			Instant deadline = Instant.ofEpochMilli(state.deadline());
			this.delivery.deliver(id, number, partition.earlierDeliveries(id), partition.ledger, -1, listener,
					state.trace(),
					(attempt) -> new DurableOutcome.TimedOut<>(id, state.kind(), state.context(), attempt, deadline),
					() -> post(new OwnerEvent.Ended(number, id)));
		}
		if (partition.deadlines.dueBy(partition.replyEndAsOf) == null) {
			partition.replyEnd = -1;
		}
	}

	private void ended(OwnerEvent.Reply reply, String id) {
		reply.ledger.finish(reply.record.offset());
		post(new OwnerEvent.Ended(reply.partition, id));
	}

	int restoring() {
		return this.restoring;
	}

	int pendingCount() {
		return this.pendingCount;
	}

	PendingTally tally() {
		return this.tally;
	}

}
