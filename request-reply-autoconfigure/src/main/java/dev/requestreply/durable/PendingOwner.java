package dev.requestreply.durable;

import java.time.Duration;
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
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.responder.PartitionLedger;
import dev.requestreply.support.SupervisedLoop;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
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

	private static final LogAccessor logger = new LogAccessor(PendingOwner.class);

	private final Queue<Event> inbox = new ConcurrentLinkedQueue<>();

	// The loop's thread only.
	private final Map<Integer, OwnedPartition> owned = new HashMap<>();

	private final ConsumerFactory<byte[], byte[]> consumerFactory;

	private final DurableSettings settings;

	private final DurableListeners listeners;

	private final OutcomeDelivery delivery;

	private final PayloadConverter converter;

	private final LongAdder unknownReplies = new LongAdder();

	private volatile int restoring;

	private volatile long lastRestoreMillis = -1;

	private volatile int pendingCount;

	PendingOwner(ConsumerFactory<byte[], byte[]> consumerFactory, DurableSettings settings, DurableListeners listeners,
			OutcomeDelivery delivery, PayloadConverter converter) {
		this.consumerFactory = consumerFactory;
		this.settings = settings;
		this.listeners = listeners;
		this.delivery = delivery;
		this.converter = converter;
	}

	sealed interface Event {

	}

	record Assigned(Collection<Integer> partitions) implements Event {

	}

	record Revoked(Collection<Integer> partitions) implements Event {

	}

	record Ended(int partition, String id) implements Event {

	}

	static final class Reply implements Event {

		final int partition;

		final ConsumerRecord<byte[], byte[]> record;

		final PartitionLedger ledger;

		final @Nullable String id;

		// The pending partition's end when this reply's id was first found unknown; -1 before.
		long catchUpEnd = -1;

		Reply(ConsumerRecord<byte[], byte[]> record, PartitionLedger ledger, @Nullable String id) {
			this.partition = record.partition();
			this.record = record;
			this.ledger = ledger;
			this.id = id;
		}

	}

	void post(Event event) {
		this.inbox.add(event);
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
			while (loop.isRunning()) {
				drainInbox();
				Set<TopicPartition> wanted = new HashSet<>();
				this.owned.values().forEach((partition) -> wanted.add(partition.pending));
				if (!wanted.equals(assigned)) {
					consumer.assign(wanted);
					assigned = wanted;
				}
				startRestores(consumer);
				if (assigned.isEmpty()) {
					this.restoring = 0;
					this.pendingCount = 0;
					Thread.sleep(POLL.toMillis());
					continue;
				}
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
					OwnedPartition partition = this.owned.get(record.partition());
					if (partition != null) {
						partition.apply(record);
					}
				}
				int restoringNow = 0;
				int pending = 0;
				for (OwnedPartition partition : this.owned.values()) {
					partition.position = consumer.position(partition.pending);
					if (!partition.restored && partition.position >= partition.restoreEnd) {
						restored(partition);
					}
					if (partition.restored) {
						handleReplies(consumer, partition);
					}
					else {
						restoringNow++;
					}
					pending += partition.states.size() + partition.inFlight.size();
				}
				this.restoring = restoringNow;
				this.pendingCount = pending;
			}
		}
	}

	private void drainInbox() {
		Event event;
		while ((event = this.inbox.poll()) != null) {
			if (event instanceof Assigned assigned) {
				assigned.partitions()
					.forEach((partition) -> this.owned.put(partition,
							new OwnedPartition(new TopicPartition(this.settings.pendingTopic(), partition))));
			}
			else if (event instanceof Revoked revoked) {
				revoked.partitions().forEach(this.owned::remove);
			}
			else if (event instanceof Reply reply) {
				OwnedPartition partition = this.owned.get(reply.partition);
				if (partition != null) {
					partition.waiting.add(reply);
				}
			}
			else if (event instanceof Ended ended) {
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
		this.lastRestoreMillis = millis;
		logger.info(() -> "Restored durable partition " + partition.pending.partition() + ": "
				+ partition.states.size() + " pending request(s) in " + millis + " ms");
	}

	private void handleReplies(Consumer<byte[], byte[]> consumer, OwnedPartition partition) {
		long end = -1;
		for (Iterator<Reply> iterator = partition.waiting.iterator(); iterator.hasNext();) {
			Reply reply = iterator.next();
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
				partition.inFlight.add(id);
				this.delivery.deliver(id, reply.partition, listener,
						(attempt) -> OutcomeDelivery.fromReply(id, state, attempt, reply.record, listener.replyType(),
								this.converter),
						() -> ended(reply, id));
				continue;
			}
			if (id != null && !partition.inFlight.contains(id) && reply.catchUpEnd < 0) {
				if (end < 0) {
					end = consumer.endOffsets(List.of(partition.pending)).getOrDefault(partition.pending, 0L);
				}
				reply.catchUpEnd = end;
			}
			if (id == null || partition.inFlight.contains(id) || partition.position >= reply.catchUpEnd) {
				iterator.remove();
				this.unknownReplies.increment();
				logger.debug(() -> "Skipped a reply on durable partition " + reply.partition + " at offset "
						+ reply.record.offset() + ": no pending durable request " + ((id != null) ? id : "(no id)"));
				reply.ledger.finish(reply.record.offset());
			}
		}
	}

	private void ended(Reply reply, String id) {
		reply.ledger.finish(reply.record.offset());
		post(new Ended(reply.partition, id));
	}

	int restoring() {
		return this.restoring;
	}

	long lastRestoreMillis() {
		return this.lastRestoreMillis;
	}

	int pendingCount() {
		return this.pendingCount;
	}

	long unknownReplies() {
		return this.unknownReplies.sum();
	}

	/**
	 * What the loop knows of one owned partition.
	 */
	private final class OwnedPartition {

		final TopicPartition pending;

		final Map<String, PendingState> states = new HashMap<>();

		final Set<String> inFlight = new HashSet<>();

		final Deque<Reply> waiting = new ArrayDeque<>();

		final Set<String> parked = new HashSet<>();

		boolean restored;

		long restoreEnd = -1;

		long restoreStartedNanos;

		long position;

		OwnedPartition(TopicPartition pending) {
			this.pending = pending;
		}

		void restart() {
			this.states.clear();
			this.restored = false;
			this.restoreEnd = -1;
		}

		void apply(ConsumerRecord<byte[], byte[]> record) {
			if (record.key() == null) {
				return;
			}
			String id = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
			if (record.value() == null) {
				this.states.remove(id);
				return;
			}
			PendingState state = PendingState.fromJson(record.value());
			if (state == null) {
				logger.warn(() -> "Skipped an unreadable pending record of durable request " + id + " at offset "
						+ record.offset() + " of " + this.pending);
			}
			else if (!this.inFlight.contains(id)) {
				this.states.put(id, state);
			}
		}

		void parked(String id, String kind) {
			if (this.parked.add(id)) {
				logger.warn(() -> "The outcome of durable request " + id + " waits: this instance has no "
						+ "@DurableReplyListener of kind '" + kind + "' (a rolling deploy?); an instance with one "
						+ "delivers it when it owns partition " + this.pending.partition());
			}
		}

	}

}
