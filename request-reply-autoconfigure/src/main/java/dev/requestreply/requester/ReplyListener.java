package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.requestreply.RequestReplyException;
import dev.requestreply.security.AuthorizationMonitor;
import dev.requestreply.support.LoopThreads;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.Assert;

/**
 * The reply consumers: prepares the reply topic, then reads it from its end, handing each reply to
 * a {@link ReplyDispatcher}: every partition, without a consumer group (so it never commits
 * offsets), with {@link ReplyPartitionMode#ALL}; with {@link ReplyPartitionMode#AUTO}, every
 * partition until the reply group allots some to this instance, then those and the ones its
 * pending requests still wait on. Partitions added to the reply topic while running are read too,
 * within the reply consumers' metadata refresh. Once {@link #start()} returned, a reply to a
 * request sent afterwards is never missed.
 *
 * @since 0.2.0
 */
final class ReplyListener {

	private static final LogAccessor logger = new LogAccessor(ReplyListener.class);

	private final ConsumerFactory<?, ByteBuffer> consumerFactory;

	private final ReplyTopicProvisioner provisioner;

	private final ReplyDispatcher dispatcher;

	private final String topic;

	private final ReplyPartitionMode mode;

	private final Duration startupTimeout;

	private final AuthorizationMonitor authorization;

	private final LoopThreads threads;

	private volatile @Nullable AllottedReplyReaders allotted;

	/**
	 * Create a reply listener.
	 * @param consumerFactory the factory of the reply consumer; it must have no {@code group.id}
	 * and deliver values as {@link ByteBuffer}
	 * @param adminConfig the Kafka admin client configuration, to create and describe the reply
	 * topic
	 * @param settings how to prepare the reply topic
	 * @param dispatcher where replies go
	 * @param mode how the instances of the application share the reply topic's partitions
	 * @param threads the kind of thread the reply consumers run on
	 * @param onDenied called each time the broker refuses the reply consumer (it retries
	 * meanwhile), to fail what cannot get a reply
	 */
	ReplyListener(ConsumerFactory<?, ByteBuffer> consumerFactory, Map<String, Object> adminConfig,
			ReplyTopicSettings settings, ReplyDispatcher dispatcher, ReplyPartitionMode mode, LoopThreads threads, Runnable onDenied) {
		Assert.notNull(mode, "'mode' must not be null");
		this.consumerFactory = consumerFactory;
		this.provisioner = new ReplyTopicProvisioner(adminConfig, settings);
		this.dispatcher = dispatcher;
		this.topic = settings.topic();
		this.mode = mode;
		this.threads = threads;
		this.startupTimeout = settings.startupTimeout();
		this.authorization = new AuthorizationMonitor("READ and DESCRIBE on reply topic '" + this.topic + "'",
				onDenied);
	}

	/**
	 * Prepare the reply topic and start reading it from its end.
	 * @return the number of partitions read
	 * @throws dev.requestreply.RequestReplyException if the topic cannot be prepared in time
	 */
	public int start() {
		List<TopicPartitionOffset> positions = this.provisioner.positionsAtEnd();
		AllottedReplyReaders readers = new AllottedReplyReaders(this.consumerFactory, this.topic, this::dispatch,
				this.authorization, this.mode == ReplyPartitionMode.AUTO, this.threads);
		readers.start(positions, this.startupTimeout);
		this.allotted = readers;
		return positions.size();
	}

	private void dispatch(ConsumerRecord<?, ByteBuffer> record) {
		try {
			this.dispatcher.dispatch(record);
		}
		catch (RuntimeException ex) {
			logger.error(ex, () -> "Failed to dispatch reply at " + record.topic() + "-" + record.partition() + "@"
					+ record.offset());
		}
	}

	/**
	 * Return whether the reply consumer runs.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		AllottedReplyReaders readers = this.allotted;
		return readers != null && readers.isRunning();
	}

	/**
	 * Return whether the reply consumer runs and the broker lets it read the reply topic.
	 * @return whether replies are read
	 */
	public boolean isReading() {
		return isRunning() && !this.authorization.isDenied();
	}

	/**
	 * Return whether the broker refuses the reply consumer (it retries meanwhile).
	 * @return whether it is refused
	 */
	boolean isDenied() {
		return this.authorization.isDenied();
	}

	/**
	 * Return why the broker refuses the reply consumer, and what its principal needs.
	 * @return the reason
	 */
	@Nullable String denial() {
		Throwable cause = this.authorization.failure("Reading").getCause();
		return (cause != null) ? cause.getMessage() : null;
	}

	/**
	 * Return the reply consumer's own metrics, live.
	 * @return the metrics, empty when it does not run
	 * @since 0.2.0
	 */
	public Map<MetricName, ? extends Metric> consumerMetrics() {
		AllottedReplyReaders readers = this.allotted;
		return (readers != null) ? readers.metrics() : Map.of();
	}

	/**
	 * Return the reply partitions requests name (none with {@link ReplyPartitionMode#ALL}) and
	 * count themselves pending on.
	 * @return the partitions, or {@code null} while stopped
	 */
	@Nullable ReplyPartitions replyPartitions() {
		AllottedReplyReaders readers = this.allotted;
		return (readers != null) ? readers.partitions() : null;
	}

	/**
	 * Describe the partitions this instance reads and owns.
	 * @return the partitions
	 */
	public ReplyPartitionsView partitions() {
		AllottedReplyReaders readers = this.allotted;
		if (readers == null) {
			return new ReplyPartitionsView(this.mode, List.of(), List.of(), false);
		}
		ReplyPartitions partitions = readers.partitions();
		if (partitions == null) {
			return new ReplyPartitionsView(this.mode, List.of(), List.of(), false);
		}
		return new ReplyPartitionsView(this.mode, partitions.owned(), partitions.read(), partitions.isShared());
	}

	/**
	 * Stop reading replies.
	 */
	public void stop() {
		AllottedReplyReaders readers = this.allotted;
		if (readers != null) {
			readers.stop();
		}
		this.allotted = null;
	}

}
