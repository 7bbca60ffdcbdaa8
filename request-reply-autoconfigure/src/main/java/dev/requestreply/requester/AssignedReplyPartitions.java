package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;

/**
 * The reply partitions assigned to the {@link OwnedReplyReader}, paused until positioned: where
 * the draining reader left one (handed over with its exact position; while the draining reader
 * cannot tell it, it keeps reading the partition and the hand-over is asked again), else at its
 * end (no request of this instance named it yet), or, for a partition added to the topic after
 * start, at its first offset; a position that cannot be had is tried again every second, with one
 * WARN. Once positioned, a partition is resumed and owned, so requests name it. Touched on the
 * reader's thread only.
 */
final class AssignedReplyPartitions {

	// The reader's logger: its WARNs keep the category users know.
	private static final LogAccessor logger = new LogAccessor(OwnedReplyReader.class);

	private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(2);

	private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Consumer<?, ByteBuffer> consumer;

	private final ReplyPartitions partitions;

	private final DrainingReplyReader draining;

	// Partitions from this number on were added after start: read from their first offset.
	private final int startPartitions;

	private final Map<TopicPartition, CompletableFuture<Long>> handOvers = new HashMap<>();

	private final Set<TopicPartition> unpositioned = new HashSet<>();

	private final Set<TopicPartition> warned = new HashSet<>();

	private long retryAt;

	AssignedReplyPartitions(Consumer<?, ByteBuffer> consumer, ReplyPartitions partitions,
			DrainingReplyReader draining) {
		this.consumer = consumer;
		this.partitions = partitions;
		this.draining = draining;
		this.startPartitions = partitions.topicPartitions();
	}

	/**
	 * Partitions assigned (and paused): position them, at once where possible.
	 */
	void add(Collection<TopicPartition> assigned) {
		for (TopicPartition partition : assigned) {
			if (this.partitions.takeFromDraining(partition.partition())) {
				this.handOvers.put(partition, this.draining.handOver(partition.partition()));
			}
			else {
				this.unpositioned.add(partition);
			}
		}
		position(true);
	}

	/**
	 * Partitions revoked or lost: forget them.
	 * @return the hand-overs from the draining reader still under way, by partition
	 */
	Map<Integer, CompletableFuture<Long>> remove(Collection<TopicPartition> revoked) {
		Map<Integer, CompletableFuture<Long>> handingOver = new HashMap<>();
		for (TopicPartition partition : revoked) {
			this.unpositioned.remove(partition);
			this.warned.remove(partition);
			CompletableFuture<Long> handOver = this.handOvers.remove(partition);
			if (handOver != null) {
				handingOver.put(partition.partition(), handOver);
			}
		}
		return handingOver;
	}

	// Position what was assigned, own it, and let it be read; what cannot be yet is tried again.
	void position(boolean now) {
		if (this.handOvers.isEmpty() && this.unpositioned.isEmpty()) {
			return;
		}
		List<TopicPartition> positioned = new ArrayList<>();
		if (now && !this.handOvers.isEmpty()) {
			// The draining reader answers at its next poll: wait for it a little, not for long.
			CompletableFuture.allOf(this.handOvers.values()
				.stream()
				.map((handOver) -> handOver.handle((offset, ex) -> null))
				.toArray(CompletableFuture[]::new))
				.completeOnTimeout(null, POSITION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.join();
		}
		for (Map.Entry<TopicPartition, CompletableFuture<Long>> entry : List.copyOf(this.handOvers.entrySet())) {
			TopicPartition partition = entry.getKey();
			CompletableFuture<Long> handOver = entry.getValue();
			if (!handOver.isDone()) {
				continue;
			}
			this.handOvers.remove(partition);
			try {
				Long offset = handOver.join();
				if (offset != null) {
					this.consumer.seek(partition, offset);
					positioned.add(partition);
				}
				else {
					this.unpositioned.add(partition);
				}
			}
			catch (RuntimeException ex) {
				// It still reads the partition: nothing is lost, ask again.
				warnOnce(partition, ex, "Could not take over reply partition " + partition
						+ " at the draining reader's position; trying again");
				this.handOvers.put(partition, this.draining.handOver(partition.partition()));
			}
		}
		long time = System.nanoTime();
		if (!this.unpositioned.isEmpty() && (now || time - this.retryAt >= 0)) {
			for (TopicPartition partition : List.copyOf(this.unpositioned)) {
				try {
					if (partition.partition() >= this.startPartitions) {
						this.consumer.seekToBeginning(List.of(partition));
					}
					else {
						this.consumer.seekToEnd(List.of(partition));
					}
					// Fixed before any request names the partition, so none of its replies comes before it.
					this.consumer.position(partition, POSITION_TIMEOUT);
					this.unpositioned.remove(partition);
					positioned.add(partition);
				}
				catch (RuntimeException ex) {
					warnOnce(partition, ex, "Could not position reply partition " + partition
							+ "; not naming it until it is, trying again every second");
					this.retryAt = time + RETRY_NANOS;
				}
			}
		}
		if (!positioned.isEmpty()) {
			this.consumer.resume(positioned);
			this.warned.removeAll(positioned);
			this.partitions.own(positioned.stream().map(TopicPartition::partition).toList());
		}
	}

	private void warnOnce(TopicPartition partition, RuntimeException ex, String message) {
		if (this.warned.add(partition)) {
			logger.warn(ex, () -> message);
		}
		else {
			logger.debug(ex, () -> message);
		}
	}

}
