package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import org.springframework.core.log.LogAccessor;

/**
 * Reads the reply partitions the reply group allots to this instance. The group is used for
 * assignment only: nothing is ever committed. A partition assigned is positioned where the
 * draining reader left it, or at its end (no request of this instance named it yet), before
 * requests may name it; a partition revoked goes to the draining reader at this reader's position
 * while requests that named it are pending.
 */
final class OwnedReplyReader implements Runnable, ConsumerRebalanceListener {

	private static final LogAccessor logger = new LogAccessor(OwnedReplyReader.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

	private static final Duration HAND_OVER_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private static final long SHARED_WARNING_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final org.apache.kafka.clients.consumer.Consumer<?, ByteBuffer> consumer;

	private final String topic;

	private final int topicPartitions;

	private final ReplyPartitions partitions;

	private final DrainingReplyReader draining;

	private final Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher;

	private final ReplyPollFailures failures;

	private volatile boolean running = true;

	private long sharedSince;

	private boolean warnedShared;

	OwnedReplyReader(org.apache.kafka.clients.consumer.Consumer<?, ByteBuffer> consumer, String topic,
			int topicPartitions, ReplyPartitions partitions, DrainingReplyReader draining,
			Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher, ReplyPollFailures failures) {
		this.consumer = consumer;
		this.topic = topic;
		this.topicPartitions = topicPartitions;
		this.partitions = partitions;
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
			this.consumer.close(CLOSE_TIMEOUT);
		}
	}

	@Override
	public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
		List<Integer> positioned = new ArrayList<>();
		for (TopicPartition partition : assigned) {
			Long offset = this.partitions.takeFromDraining(partition.partition())
					? handOverPosition(partition.partition()) : null;
			try {
				if (offset != null) {
					this.consumer.seek(partition, offset);
				}
				else {
					this.consumer.seekToEnd(List.of(partition));
				}
				// Fixed before any request names the partition, so none of its replies comes before it.
				this.consumer.position(partition, HAND_OVER_TIMEOUT);
				positioned.add(partition.partition());
			}
			catch (RuntimeException ex) {
				// Read but never named: a partition without a position gets no requests' replies.
				logger.warn(ex, () -> "Could not position reply partition " + partition + "; not naming it");
			}
		}
		this.partitions.own(positioned);
		logger.debug(() -> "Reply partitions assigned " + assigned + "; owned now " + this.partitions.owned());
	}

	private Long handOverPosition(int partition) {
		try {
			return this.draining.handOver(partition).get(HAND_OVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			logger.warn(ex, () -> "Could not take over reply partition " + this.topic + "-" + partition
					+ " at the draining reader's position; reading it from its end");
			return null;
		}
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
		// Stopping: the template failed its pending requests already, nothing is left to drain.
		if (revoked.isEmpty() || !this.running) {
			return;
		}
		Map<Integer, Long> positions = new HashMap<>();
		List<Integer> numbers = new ArrayList<>();
		for (TopicPartition partition : revoked) {
			numbers.add(partition.partition());
			positions.put(partition.partition(), position(partition));
		}
		// Losing the last owned partition means reading all of them: their ends are taken before
		// requests stop naming a partition, so no reply to such a request lands before them.
		Map<Integer, Long> ends = numbers.containsAll(this.partitions.owned()) ? endOffsets() : Map.of();
		Set<Integer> added = this.partitions.disown(numbers, this.topicPartitions);
		if (added.isEmpty()) {
			return;
		}
		Map<Integer, Long> offsets = new HashMap<>();
		for (Integer partition : added) {
			Long offset = positions.get(partition);
			offsets.put(partition, (offset != null) ? offset : ends.get(partition));
		}
		this.draining.read(offsets);
		logger.debug(() -> "Reply partitions revoked " + revoked + "; draining " + added);
	}

	private Long position(TopicPartition partition) {
		try {
			return this.consumer.position(partition, Duration.ofSeconds(5));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private Map<Integer, Long> endOffsets() {
		List<TopicPartition> all = new ArrayList<>();
		for (int partition = 0; partition < this.topicPartitions; partition++) {
			all.add(new TopicPartition(this.topic, partition));
		}
		Map<Integer, Long> ends = new HashMap<>();
		try {
			this.consumer.endOffsets(all, Duration.ofSeconds(5))
				.forEach((partition, offset) -> ends.put(partition.partition(), offset));
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not read the end offsets of reply topic '" + this.topic + "'");
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
			logger.warn(() -> "Reply topic '" + this.topic + "' has " + this.topicPartitions
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
