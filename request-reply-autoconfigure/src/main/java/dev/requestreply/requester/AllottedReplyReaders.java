package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.requestreply.RequestReplyException;
import dev.requestreply.security.AuthorizationMonitor;
import dev.requestreply.support.LoopThreads;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The reply consumers. With {@code request-reply.reply-partitions=auto}, two: one in the reply
 * group reads the partitions allotted to this instance, one without a group reads every other
 * partition on which a reply of this instance may still come. With {@code all}, only the one
 * without a group, which then reads every partition, those added while running included. Each
 * runs on a thread of its own.
 */
final class AllottedReplyReaders {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final boolean allotted;

	private volatile @Nullable ReplyPartitions partitions;

	private final ConsumerFactory<?, ByteBuffer> consumerFactory;

	private final String topic;

	private final Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher;

	private final ReplyPollFailures failures;

	private @Nullable DrainingReplyReader draining;

	private @Nullable OwnedReplyReader owned;

	private final LoopThreads threads;

	private @Nullable Thread drainingThread;

	private @Nullable Thread ownedThread;

	AllottedReplyReaders(ConsumerFactory<?, ByteBuffer> consumerFactory, String topic,
			Consumer<ConsumerRecord<?, ByteBuffer>> dispatcher, AuthorizationMonitor authorization, boolean allotted,
			LoopThreads threads) {
		this.threads = threads;
		this.allotted = allotted;
		this.consumerFactory = consumerFactory;
		this.topic = topic;
		this.dispatcher = dispatcher;
		this.failures = new ReplyPollFailures(topic, authorization);
	}

	/**
	 * Return the name of the reply group of a reply topic.
	 * @param topic the reply topic
	 * @return the group id
	 */
	static String groupId(String topic) {
		return topic + ".partitions";
	}

	/**
	 * Read every partition from the given positions, and join the reply group (when allotted);
	 * return once the positions are fixed, without waiting for an assignment.
	 * @param positions the end of each partition
	 * @param timeout how long to wait for the positions
	 */
	void start(List<TopicPartitionOffset> positions, Duration timeout) {
		this.partitions = new ReplyPartitions(positions.size());
		String clientId = "request-reply-" + this.topic;
		// A reply topic deleted while running is not brought back by our own consumers' metadata requests.
		Properties noTopicCreation = new Properties();
		noTopicCreation.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		this.draining = new DrainingReplyReader(
				this.consumerFactory.createConsumer(null, clientId, "-draining", noTopicCreation),
				this.topic, this.partitions, this.dispatcher, this.failures);
		Map<Integer, Long> offsets = new HashMap<>();
		positions.forEach((position) -> offsets.put(position.getPartition(), position.getOffset()));
		this.partitions.draining(offsets.keySet());
		this.drainingThread = start(this.draining, clientId + (this.allotted ? "-draining" : ""));
		try {
			this.draining.read(offsets).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			stop();
			throw new RequestReplyException("Cannot position the reply consumer on reply topic '" + this.topic + "'",
					ex);
		}
		if (!this.allotted) {
			return;
		}
		Properties group = new Properties();
		group.putAll(noTopicCreation);
		group.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
		group.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
		group.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
		group.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		// Subscribed, so its metadata requests would recreate a deleted reply topic, as the draining one's would.
		group.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		this.owned = new OwnedReplyReader(this.consumerFactory.createConsumer(groupId(this.topic), clientId, "-owned",
				group), this.topic, this.partitions, this.draining, this.dispatcher, this.failures);
		this.ownedThread = start(this.owned, clientId + "-owned");
	}

	private Thread start(Runnable reader, String name) {
		Thread thread = this.threads.newThread(name, reader);
		thread.start();
		return thread;
	}

	/**
	 * Return whether every reader runs.
	 * @return whether they run
	 */
	boolean isRunning() {
		return isAlive(this.drainingThread) && (!this.allotted || isAlive(this.ownedThread));
	}

	private static boolean isAlive(@Nullable Thread thread) {
		return thread != null && thread.isAlive();
	}

	/**
	 * Return the metrics of both readers' consumers, live.
	 * @return the metrics, empty before start
	 */
	Map<MetricName, ? extends Metric> metrics() {
		Map<MetricName, Metric> metrics = new HashMap<>();
		if (this.draining != null) {
			metrics.putAll(this.draining.metrics());
		}
		if (this.owned != null) {
			metrics.putAll(this.owned.metrics());
		}
		return metrics;
	}

	/**
	 * Return the partitions owned, read and shared.
	 * @return the partitions
	 */
	@Nullable ReplyPartitions partitions() {
		return this.partitions;
	}

	/**
	 * Leave the reply group, then stop reading.
	 */
	void stop() {
		if (this.owned != null) {
			this.owned.stop();
			join(this.ownedThread);
		}
		if (this.draining != null) {
			this.draining.stop();
			join(this.drainingThread);
		}
	}

	private static void join(@Nullable Thread thread) {
		if (thread == null) {
			return;
		}
		try {
			thread.join(STOP_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
