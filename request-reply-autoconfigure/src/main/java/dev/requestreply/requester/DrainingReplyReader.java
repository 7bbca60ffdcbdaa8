package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import org.springframework.core.log.LogAccessor;

/**
 * Reads, without a consumer group, the reply partitions this instance does not own but on which
 * replies of its own may still come (see {@link ReplyPartitions}): every partition from start-up
 * until the reply group's first assignment (for good with {@link ReplyPartitionMode#ALL}), and a
 * partition taken from it until no request that named it is pending. Partitions come and go by
 * commands run on its own thread, so that its consumer is only touched there. Partitions added to
 * the topic while it runs are seen within the consumer's metadata refresh
 * ({@code metadata.max.age.ms}) and, when replies of this instance's may come there, read from
 * their first offset.
 */
final class DrainingReplyReader implements Runnable {

	private static final LogAccessor logger = new LogAccessor(DrainingReplyReader.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

	private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(5);

	private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	// The consumer's metadata answers from its cache: looking costs nothing between refreshes.
	private static final long GROWTH_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final org.apache.kafka.clients.consumer.Consumer<?, ByteBuffer> consumer;

	private final String topic;

	private final ReplyPartitions partitions;

	private final Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher;

	private final ReplyPollFailures failures;

	private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	private final Set<TopicPartition> assignment = new HashSet<>();

	private volatile boolean running = true;

	private long lastCheck = System.nanoTime();

	private long lastGrowthCheck = System.nanoTime();

	DrainingReplyReader(org.apache.kafka.clients.consumer.Consumer<?, ByteBuffer> consumer, String topic,
			ReplyPartitions partitions, Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher, ReplyPollFailures failures) {
		this.consumer = consumer;
		this.topic = topic;
		this.partitions = partitions;
		this.dispatcher = dispatcher;
		this.failures = failures;
	}

	/**
	 * Start reading partitions at the given offsets (the first offset when an offset is
	 * {@code null}: nothing of this instance's is skipped). Reading starts before any record is
	 * fetched: a caller that waits for the returned future knows the positions are fixed.
	 * @param offsets the offsets by partition
	 * @return completes once the partitions are positioned
	 */
	CompletableFuture<Void> read(Map<Integer, Long> offsets) {
		CompletableFuture<Void> positioned = new CompletableFuture<>();
		submit(() -> {
			List<TopicPartition> added = new ArrayList<>();
			offsets.keySet().forEach((partition) -> added.add(new TopicPartition(this.topic, partition)));
			this.assignment.addAll(added);
			this.consumer.assign(this.assignment);
			List<TopicPartition> fromStart = new ArrayList<>();
			for (TopicPartition partition : added) {
				Long offset = offsets.get(partition.partition());
				if (offset != null) {
					this.consumer.seek(partition, offset);
				}
				else {
					fromStart.add(partition);
				}
			}
			if (!fromStart.isEmpty()) {
				this.consumer.seekToBeginning(fromStart);
			}
			positioned.complete(null);
		}, positioned);
		return positioned;
	}

	/**
	 * Stop reading a partition and tell the offset of the next record it would have read. If the
	 * position cannot be had, it goes on reading the partition and the future fails: the caller
	 * asks again later, never reads the partition from elsewhere meanwhile.
	 * @param partition the partition
	 * @return the position, or {@code null} if it did not read the partition
	 */
	CompletableFuture<Long> handOver(int partition) {
		CompletableFuture<Long> position = new CompletableFuture<>();
		submit(() -> {
			TopicPartition topicPartition = new TopicPartition(this.topic, partition);
			Long offset = this.assignment.contains(topicPartition)
					? this.consumer.position(topicPartition, POSITION_TIMEOUT) : null;
			unassign(topicPartition);
			position.complete(offset);
		}, position);
		return position;
	}

	private void submit(Runnable command, CompletableFuture<?> result) {
		this.commands.add(() -> {
			try {
				command.run();
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		this.consumer.wakeup();
	}

	@Override
	public void run() {
		try {
			while (this.running) {
				runCommands();
				dropDrained();
				readNewPartitions();
				if (this.assignment.isEmpty()) {
					Runnable command = this.commands.poll(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
					if (command != null) {
						command.run();
					}
					continue;
				}
				try {
					this.consumer.poll(POLL_TIMEOUT).forEach(this.dispatcher);
					this.failures.succeeded();
				}
				catch (WakeupException ex) {
					// A command is waiting.
				}
				catch (RuntimeException ex) {
					this.failures.failed(ex);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.commands.forEach(Runnable::run);
			this.consumer.close(CloseOptions.timeout(Duration.ZERO));
		}
	}

	private void runCommands() {
		Runnable command;
		while ((command = this.commands.poll()) != null) {
			command.run();
		}
	}

	private void dropDrained() {
		long now = System.nanoTime();
		if (now - this.lastCheck < CHECK_INTERVAL_NANOS) {
			return;
		}
		this.lastCheck = now;
		for (TopicPartition partition : List.copyOf(this.assignment)) {
			if (this.partitions.drained(partition.partition())) {
				logger.debug(() -> "Stopped reading drained reply partition " + partition);
				unassign(partition);
			}
		}
	}

	// Partitions added to the topic: from their first offset, if replies of this instance's may
	// come there; the reply group's reader gets the others assigned.
	private void readNewPartitions() {
		long now = System.nanoTime();
		if (now - this.lastGrowthCheck < GROWTH_CHECK_NANOS) {
			return;
		}
		this.lastGrowthCheck = now;
		List<PartitionInfo> infos;
		try {
			infos = this.consumer.partitionsFor(this.topic, POSITION_TIMEOUT);
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not read the partitions of reply topic '" + this.topic + "'");
			return;
		}
		int count = (infos != null) ? infos.size() : 0;
		if (count <= this.partitions.topicPartitions()) {
			return;
		}
		Set<Integer> added = this.partitions.grow(count);
		logger.info(() -> "Reply topic '" + this.topic + "' has " + count + " partitions now; reading " + added
				+ " from their first offset");
		if (!added.isEmpty()) {
			Map<Integer, Long> fromStart = new HashMap<>();
			added.forEach((partition) -> fromStart.put(partition, null));
			read(fromStart);
		}
	}

	private void unassign(TopicPartition partition) {
		if (this.assignment.remove(partition)) {
			this.consumer.assign(this.assignment);
		}
	}

	/**
	 * Stop at the next poll; the thread closes the consumer.
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
