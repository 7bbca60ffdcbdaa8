package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Reads the reply partitions the reply group allots to this instance. The group is used for
 * assignment only: nothing is ever committed. A partition assigned stays paused until it is
 * positioned (see {@link AssignedReplyPartitions}), and is named by requests only after. A
 * partition revoked goes to the draining reader at this reader's position while requests that
 * named it are pending.
 */
final class OwnedReplyReader implements Runnable, ConsumerRebalanceListener {

	private static final LogAccessor logger = new LogAccessor(OwnedReplyReader.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private static final long SHARED_WARNING_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final org.apache.kafka.clients.consumer.Consumer<?, ByteBuffer> consumer;

	private final String topic;

	private final ReplyPartitions partitions;

	private final DrainingReplyReader draining;

	private final Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher;

	private final ReplyPollFailures failures;

	// Assigned, paused, not yet positioned: touched on this reader's thread only.
	private final AssignedReplyPartitions assigned;

	private volatile boolean running = true;

	private long sharedSince;

	private boolean warnedShared;

	OwnedReplyReader(org.apache.kafka.clients.consumer.Consumer<?, ByteBuffer> consumer, String topic,
			ReplyPartitions partitions, DrainingReplyReader draining, Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher,
			ReplyPollFailures failures) {
		this.consumer = consumer;
		this.topic = topic;
		this.partitions = partitions;
		this.assigned = new AssignedReplyPartitions(consumer, partitions, draining);
		this.draining = draining;
		this.dispatcher = dispatcher;
		this.failures = failures;
	}

	@Override
	public void run() {
		try {
			this.consumer.subscribe(List.of(this.topic), this);
			while (this.running) {
				try {
					this.consumer.poll(POLL_TIMEOUT).forEach(this.dispatcher);
					this.failures.succeeded();
					this.assigned.position(false);
				}
				catch (WakeupException ex) {
					// Stopping.
				}
				catch (RuntimeException ex) {
					this.failures.failed(ex);
				}
				warnIfShared();
			}
		}
		finally {
			// Not zero: the consumer leaves the group, so its partitions move on at once.
			this.consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
		}
	}

	@Override
	public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
		// Counts as assigned even with nothing to own (more instances than partitions).
		this.partitions.own(List.of());
		this.consumer.pause(assigned);
		this.assigned.add(assigned);
		logger.debug(() -> "Reply partitions assigned " + assigned + "; owned now " + this.partitions.owned());
	}

	@Override
	public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
		handBack(revoked);
	}

	@Override
	public void onPartitionsLost(Collection<TopicPartition> lost) {
		handBack(lost);
	}

	private void handBack(Collection<TopicPartition> revoked) {
		Map<Integer, CompletableFuture<Long>> handingOver = this.assigned.remove(revoked);
		// Stopping: the template failed its pending requests already, nothing is left to drain.
		if (revoked.isEmpty() || !this.running) {
			return;
		}
		Map<Integer, Long> positions = new HashMap<>();
		List<Integer> numbers = new ArrayList<>();
		for (TopicPartition partition : revoked) {
			numbers.add(partition.partition());
			if (!handingOver.containsKey(partition.partition())) {
				positions.put(partition.partition(), position(partition));
			}
		}
		// Losing the last owned partition means reading all of them: their ends are taken before
		// requests stop naming a partition, so no reply to such a request lands before them.
		Map<Integer, Long> ends = numbers.containsAll(this.partitions.owned()) ? endOffsets() : Map.of();
		Set<Integer> added = this.partitions.disown(numbers);
		handingOver.forEach((partition, handOver) -> handOver.whenComplete((offset, ex) -> {
			if (ex != null) {
				// The draining reader kept reading it: let it stop once drained, as any other.
				this.partitions.draining(Set.of(partition));
			}
			else if (added.contains(partition)) {
				// Taken back before it was handed over: the draining reader reads on from where it was.
				Map<Integer, Long> at = new HashMap<>();
				at.put(partition, offset);
				this.draining.read(at);
			}
		}));
		Map<Integer, Long> offsets = new HashMap<>();
		for (Integer partition : added) {
			if (handingOver.containsKey(partition)) {
				continue;
			}
			Long offset = positions.get(partition);
			// Neither known (the broker did not answer): its first offset, skipping nothing.
			offsets.put(partition, (offset != null) ? offset : ends.get(partition));
		}
		this.draining.read(offsets);
		logger.debug(() -> "Reply partitions revoked " + revoked + "; draining " + added);
	}

	private @Nullable Long position(TopicPartition partition) {
		try {
			return this.consumer.position(partition, Duration.ofSeconds(5));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private Map<Integer, Long> endOffsets() {
		List<TopicPartition> all = new ArrayList<>();
		for (int partition = 0; partition < this.partitions.topicPartitions(); partition++) {
			all.add(new TopicPartition(this.topic, partition));
		}
		Map<Integer, Long> ends = new HashMap<>();
		try {
			this.consumer.endOffsets(all, Duration.ofSeconds(5))
				.forEach((partition, offset) -> ends.put(partition.partition(), offset));
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not read the end offsets of reply topic '" + this.topic
					+ "'; reading the partitions it needs from their first offset");
		}
		return ends;
	}

	private void warnIfShared() {
		if (!this.partitions.isShared()) {
			this.sharedSince = 0;
			this.warnedShared = false;
			return;
		}
		long now = System.nanoTime();
		if (this.sharedSince == 0) {
			this.sharedSince = now;
		}
		else if (!this.warnedShared && now - this.sharedSince > SHARED_WARNING_NANOS) {
			this.warnedShared = true;
			logger.warn(() -> "Reply topic '" + this.topic + "' has " + this.partitions.topicPartitions()
					+ " partition(s), fewer than the instances reading it: this instance owns none, so it reads all"
					+ " of them and skips the others' replies; add partitions to the reply topic to scale out");
		}
	}

	/**
	 * Stop at the next poll; the thread closes the consumer, leaving the group.
	 */
	void stop() {
		this.running = false;
		this.consumer.wakeup();
	}

	/**
	 * Return the consumer's metrics, live (safe from any thread).
	 */
	Map<MetricName, ? extends Metric> metrics() {
		return this.consumer.metrics();
	}

}
