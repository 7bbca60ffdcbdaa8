package dev.requestreply.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.requestreply.handler.ReplyTopicPolicy;
import dev.requestreply.requester.KeyFormat;
import dev.requestreply.requester.ReplyPartitionMode;
import dev.requestreply.requester.ReplyTopicSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of request-reply. Kafka connection settings are Spring Boot's own
 * {@code spring.kafka.*}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("request-reply")
public class RequestReplyProperties {

	/**
	 * Whether request-reply is auto-configured.
	 */
	private boolean enabled = true;

	/**
	 * Shared reply topic named by this application's requests. Defaults to
	 * '${spring.application.name}-replies', or 'request-reply-replies' without an application name.
	 */
	private @Nullable String replyTopic;

	/**
	 * Timeout of requests that name none.
	 */
	private Duration defaultTimeout = Duration.ofSeconds(10);

	/**
	 * Number of pending requests past which new requests fail at once instead of growing memory.
	 */
	private int maxPending = 100_000;

	/**
	 * How long the id of a request that timed out or was cancelled is remembered, so that its reply
	 * is counted as late rather than as a duplicate (a reply whose id names another instance is
	 * counted as foreign whatever this window).
	 */
	private Duration lateReplyWindow = Duration.ofMinutes(1);

	/**
	 * Name of this instance, shown in logs and in the requestreply endpoint. Defaults to a random
	 * UUID per start. Instances sharing the reply topic tell their replies apart by the first half
	 * of the correlation id, drawn anew at each start, not by this name.
	 */
	private @Nullable String instanceId;

	/**
	 * Whether the reply topic is created on start-up when it does not exist.
	 */
	private boolean createReplyTopic = true;

	/**
	 * Number of partitions of a reply topic created on start-up. With reply-partitions "auto",
	 * more instances than partitions share partitions and read the others' replies.
	 */
	private int replyTopicPartitions = ReplyTopicSettings.DEFAULT_PARTITIONS;

	/**
	 * How the instances of this application read their shared reply topic: "auto" divides its
	 * partitions among them (a consumer group on the reply topic, used for assignment only), each
	 * reading its own and naming one of them in every request; "all" has every instance read every
	 * partition and skip the others' replies.
	 */
	private ReplyPartitionMode replyPartitions = ReplyPartitionMode.AUTO;

	/**
	 * Replication factor of a reply topic created on start-up; -1 for the broker's default.
	 */
	private short replyTopicReplicationFactor = -1;

	/**
	 * How long start-up may wait for the broker to create and describe the reply topic.
	 */
	private Duration startupTimeout = Duration.ofSeconds(30);

	/**
	 * How long shutdown waits for the replies of pending requests before failing them.
	 */
	private Duration drainTimeout = Duration.ZERO;

	/**
	 * Whether a request to a topic that no consumer or share group with a live member reads fails
	 * at once with NoResponderException instead of waiting for a responder until its timeout.
	 * Topics of this application's own handlers, and every topic while the group lookup fails or
	 * cannot see every group, are never refused.
	 */
	private boolean failFastWithoutResponders;

	/**
	 * How often the consumer groups are looked up when fail-fast-without-responders is on; a
	 * responder that starts is seen within about this long after its consumer was assigned.
	 */
	private Duration responderCheckInterval = Duration.ofSeconds(2);

	/**
	 * How long the reply consumer may go without an answer from the broker before new requests
	 * fail at once with ReplyPathDownException (and health is DOWN), until it reads again.
	 */
	private Duration replyPathTimeout = Duration.ofSeconds(5);

	/**
	 * Most elements of a streaming reply buffered for a subscriber that has not requested them,
	 * and most held out of order while an earlier one is missing; past either, the stream fails
	 * with StreamOverflowException and its request is cancelled (a cancel record tells the
	 * responder to stop).
	 */
	private int streamBuffer = 10_000;

	/**
	 * Additional Kafka producer properties of the producer that sends requests and replies,
	 * applied over 'spring.kafka.producer.*'.
	 */
	private final Map<String, String> producerProperties = new HashMap<>();

	/**
	 * Additional Kafka consumer properties of the reply consumer, applied over
	 * 'spring.kafka.consumer.*'.
	 */
	private final Map<String, String> replyConsumerProperties = new HashMap<>();

	/**
	 * How the keys of requests are written: 'json' as payloads (an Integer 1 is the text '1'),
	 * or 'kafka', Integer, Long and Short keys as Kafka's serializers write them, for
	 * @KafkaListener responders with such a key deserializer. Switching moves those keys to other
	 * partitions: requests of one key sent before and after may be handled out of order.
	 */
	private KeyFormat keyFormat = KeyFormat.JSON;

	/**
	 * Settings of the requests to each topic, by topic name: 'correlation-id-header',
	 * 'reply-topic-header' and 'reply-partition-header', the header names its responders read
	 * when they are not Spring Kafka's (a @KafkaListener container factory's
	 * setCorrelationHeaderName, say). Replies are read under every correlation id name in use.
	 */
	private final Map<String, Topic> topics = new LinkedHashMap<>();

	private final Handler handler = new Handler();

	private final Endpoint endpoint = new Endpoint();

	private final Metrics metrics = new Metrics();

	private final Observation observation = new Observation();

	private final Durable durable = new Durable();

	/**
	 * Return {@code request-reply.enabled}.
	 * @return the value
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Set {@code request-reply.enabled}.
	 * @param enabled the value
	 */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Return {@code request-reply.reply-topic}.
	 * @return the reply topic
	 */
	public @Nullable String getReplyTopic() {
		return this.replyTopic;
	}

	/**
	 * Set {@code request-reply.reply-topic}.
	 * @param replyTopic the reply topic
	 */
	public void setReplyTopic(String replyTopic) {
		this.replyTopic = replyTopic;
	}

	/**
	 * Return {@code request-reply.default-timeout}.
	 * @return the default timeout
	 */
	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

	/**
	 * Set {@code request-reply.default-timeout}.
	 * @param defaultTimeout the default timeout
	 */
	public void setDefaultTimeout(Duration defaultTimeout) {
		this.defaultTimeout = defaultTimeout;
	}

	/**
	 * Return {@code request-reply.max-pending}.
	 * @return the max pending
	 */
	public int getMaxPending() {
		return this.maxPending;
	}

	/**
	 * Set {@code request-reply.max-pending}.
	 * @param maxPending the max pending
	 */
	public void setMaxPending(int maxPending) {
		this.maxPending = maxPending;
	}

	/**
	 * Return {@code request-reply.late-reply-window}.
	 * @return the late reply window
	 */
	public Duration getLateReplyWindow() {
		return this.lateReplyWindow;
	}

	/**
	 * Set {@code request-reply.late-reply-window}.
	 * @param lateReplyWindow the late reply window
	 */
	public void setLateReplyWindow(Duration lateReplyWindow) {
		this.lateReplyWindow = lateReplyWindow;
	}

	/**
	 * Return {@code request-reply.fail-fast-without-responders}.
	 * @return the value
	 */
	public boolean isFailFastWithoutResponders() {
		return this.failFastWithoutResponders;
	}

	/**
	 * Set {@code request-reply.fail-fast-without-responders}.
	 * @param failFastWithoutResponders the value
	 */
	public void setFailFastWithoutResponders(boolean failFastWithoutResponders) {
		this.failFastWithoutResponders = failFastWithoutResponders;
	}

	/**
	 * Return {@code request-reply.responder-check-interval}.
	 * @return the value
	 */
	public Duration getResponderCheckInterval() {
		return this.responderCheckInterval;
	}

	/**
	 * Set {@code request-reply.responder-check-interval}.
	 * @param responderCheckInterval the value
	 */
	public void setResponderCheckInterval(Duration responderCheckInterval) {
		this.responderCheckInterval = responderCheckInterval;
	}

	/**
	 * Return {@code request-reply.reply-path-timeout}.
	 * @return the value
	 */
	public Duration getReplyPathTimeout() {
		return this.replyPathTimeout;
	}

	/**
	 * Set {@code request-reply.reply-path-timeout}.
	 * @param replyPathTimeout the value
	 */
	public void setReplyPathTimeout(Duration replyPathTimeout) {
		this.replyPathTimeout = replyPathTimeout;
	}

	/**
	 * Return {@code request-reply.stream-buffer}.
	 * @return the value
	 */
	public int getStreamBuffer() {
		return this.streamBuffer;
	}

	/**
	 * Set {@code request-reply.stream-buffer}.
	 * @param streamBuffer the value
	 */
	public void setStreamBuffer(int streamBuffer) {
		this.streamBuffer = streamBuffer;
	}

	/**
	 * Return {@code request-reply.instance-id}.
	 * @return the instance id
	 */
	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	/**
	 * Set {@code request-reply.instance-id}.
	 * @param instanceId the instance id
	 */
	public void setInstanceId(String instanceId) {
		this.instanceId = instanceId;
	}

	/**
	 * Return {@code request-reply.create-reply-topic}.
	 * @return the value
	 */
	public boolean isCreateReplyTopic() {
		return this.createReplyTopic;
	}

	/**
	 * Set {@code request-reply.create-reply-topic}.
	 * @param createReplyTopic the value
	 */
	public void setCreateReplyTopic(boolean createReplyTopic) {
		this.createReplyTopic = createReplyTopic;
	}

	/**
	 * Return {@code request-reply.reply-topic-partitions}.
	 * @return the reply topic partitions
	 */
	public int getReplyTopicPartitions() {
		return this.replyTopicPartitions;
	}

	/**
	 * Set {@code request-reply.reply-topic-partitions}.
	 * @param replyTopicPartitions the reply topic partitions
	 */
	public void setReplyTopicPartitions(int replyTopicPartitions) {
		this.replyTopicPartitions = replyTopicPartitions;
	}

	/**
	 * Return {@code request-reply.reply-partitions}.
	 * @return how the instances read their reply topic
	 */
	public ReplyPartitionMode getReplyPartitions() {
		return this.replyPartitions;
	}

	public void setReplyPartitions(ReplyPartitionMode replyPartitions) {
		this.replyPartitions = replyPartitions;
	}

	/**
	 * Return {@code request-reply.reply-topic-replication-factor}.
	 * @return the reply topic replication factor
	 */
	public short getReplyTopicReplicationFactor() {
		return this.replyTopicReplicationFactor;
	}

	/**
	 * Set {@code request-reply.reply-topic-replication-factor}.
	 * @param replyTopicReplicationFactor the reply topic replication factor
	 */
	public void setReplyTopicReplicationFactor(short replyTopicReplicationFactor) {
		this.replyTopicReplicationFactor = replyTopicReplicationFactor;
	}

	/**
	 * Return {@code request-reply.startup-timeout}.
	 * @return the startup timeout
	 */
	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	/**
	 * Set {@code request-reply.startup-timeout}.
	 * @param startupTimeout the startup timeout
	 */
	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	/**
	 * Return {@code request-reply.drain-timeout}.
	 * @return the drain timeout
	 */
	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	/**
	 * Set {@code request-reply.drain-timeout}.
	 * @param drainTimeout the drain timeout
	 */
	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	/**
	 * Return {@code request-reply.producer-properties}.
	 * @return the producer properties
	 */
	public Map<String, String> getProducerProperties() {
		return this.producerProperties;
	}

	/**
	 * Return {@code request-reply.reply-consumer-properties}.
	 * @return the reply consumer properties
	 */
	public Map<String, String> getReplyConsumerProperties() {
		return this.replyConsumerProperties;
	}

	/**
	 * Return {@code request-reply.key-format}.
	 * @return the key format
	 */
	public KeyFormat getKeyFormat() {
		return this.keyFormat;
	}

	/**
	 * Set {@code request-reply.key-format}.
	 * @param keyFormat the key format
	 */
	public void setKeyFormat(KeyFormat keyFormat) {
		this.keyFormat = keyFormat;
	}

	/**
	 * Return {@code request-reply.topics}.
	 * @return the settings of each request topic
	 */
	public Map<String, Topic> getTopics() {
		return this.topics;
	}

	/**
	 * Return the {@code request-reply.handler.*} settings.
	 * @return the handler settings
	 */
	public Handler getHandler() {
		return this.handler;
	}

	/**
	 * Return the {@code request-reply.endpoint.*} settings.
	 * @return the endpoint settings
	 */
	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	/**
	 * Return the {@code request-reply.metrics.*} settings.
	 * @return the metrics settings
	 */
	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Return the {@code request-reply.observation.*} settings.
	 * @return the observation settings
	 */
	public Observation getObservation() {
		return this.observation;
	}

	/**
	 * Return the {@code request-reply.durable.*} settings.
	 * @return the settings of durable requests
	 */
	public Durable getDurable() {
		return this.durable;
	}

	/**
	 * Settings of the requests to one topic ({@code request-reply.topics.<topic>.*}).
	 */
	public static class Topic {

		/**
		 * Name of the correlation id header of requests to this topic and of their cancel
		 * records, as its responders read it (a @KafkaListener container factory's
		 * setCorrelationHeaderName); replies are read under every name in use. Spring Kafka's
		 * 'kafka_correlationId' when not set.
		 */
		private @Nullable String correlationIdHeader;

		/**
		 * Name of the reply topic header of requests to this topic, as its responders read it.
		 * Spring Kafka's 'kafka_replyTopic' when not set.
		 */
		private @Nullable String replyTopicHeader;

		/**
		 * Name of the reply partition header of requests to this topic, as its responders read
		 * it. Spring Kafka's 'kafka_replyPartition' when not set.
		 */
		private @Nullable String replyPartitionHeader;

		/**
		 * Return the correlation id header name.
		 * @return the name, or {@code null} for Spring Kafka's
		 */
		public @Nullable String getCorrelationIdHeader() {
			return this.correlationIdHeader;
		}

		/**
		 * Set the correlation id header name.
		 * @param correlationIdHeader the name
		 */
		public void setCorrelationIdHeader(@Nullable String correlationIdHeader) {
			this.correlationIdHeader = correlationIdHeader;
		}

		/**
		 * Return the reply topic header name.
		 * @return the name, or {@code null} for Spring Kafka's
		 */
		public @Nullable String getReplyTopicHeader() {
			return this.replyTopicHeader;
		}

		/**
		 * Set the reply topic header name.
		 * @param replyTopicHeader the name
		 */
		public void setReplyTopicHeader(@Nullable String replyTopicHeader) {
			this.replyTopicHeader = replyTopicHeader;
		}

		/**
		 * Return the reply partition header name.
		 * @return the name, or {@code null} for Spring Kafka's
		 */
		public @Nullable String getReplyPartitionHeader() {
			return this.replyPartitionHeader;
		}

		/**
		 * Set the reply partition header name.
		 * @param replyPartitionHeader the name
		 */
		public void setReplyPartitionHeader(@Nullable String replyPartitionHeader) {
			this.replyPartitionHeader = replyPartitionHeader;
		}

	}

	/**
	 * Settings of {@code @ReplyHandler} methods.
	 */
	public static class Handler {

		/**
		 * Whether @ReplyHandler methods are discovered and served.
		 */
		private boolean enabled = true;

		/**
		 * Base of the consumer groups of handlers that name none: each such handler reads in the
		 * group '<group-id>.<its topics>', so that handlers rebalance independently. Defaults to
		 * 'spring.application.name', or 'request-reply-handlers' without an application name. Also
		 * the responder name of their replies (rr_responder).
		 */
		private @Nullable String groupId;

		/**
		 * Number of consumer threads of handlers that name none.
		 */
		private int concurrency = 1;

		/**
		 * Patterns ('*' wildcards) of the topics handlers may send replies to; a request naming
		 * another reply topic is skipped without a reply and counted as refused. Setting it
		 * replaces the defaults (list them again to keep them); '*' allows every topic. This
		 * application's own reply topic is always allowed; Kafka's internal topics ('__*') and
		 * the topics its handlers serve never are.
		 */
		private List<String> allowedReplyTopics = new ArrayList<>(ReplyTopicPolicy.DEFAULT_PATTERNS);

		/**
		 * Least time between two offset commits of a handler's consumer. Each partition commits
		 * its lowest unfinished offset, with the finished requests above it in the commit's
		 * metadata; a crash re-delivers at most this much of answered requests (their second
		 * replies are counted as duplicates by the requester). With transactions
		 * (spring.kafka.producer.transaction-id-prefix), each reply's transaction commits its
		 * partition's offset instead.
		 */
		private Duration commitInterval = Duration.ofMillis(100);

		/**
		 * Requests one consumer of a handler may have in hand (taken from Kafka, not yet ended:
		 * waiting for their turn or a thread, running, or awaiting their reply) before its
		 * partitions are paused until half of them ended. Bounds what slow asynchronous handlers
		 * and long streams hold, while the consumer keeps polling.
		 */
		private int maxInHand = 1000;

		/**
		 * Most calls of one @ReplyHandler method at once in this instance, across its consumers
		 * (@ReplyHandler(maxConcurrency) overrides it). Calls run on a pool of this many threads
		 * per handler, or on virtual threads with 'spring.threads.virtual.enabled' on Java 21+;
		 * past the limit, requests wait for a thread and the partitions feeding them pause. A call
		 * counts until its reply is made: a suspended coroutine or a returned future that has not
		 * completed counts as a running call.
		 */
		private int maxConcurrency = 64;

		/**
		 * Longest time a request without an rr_deadline header (a ReplyingKafkaTemplate caller,
		 * say) is in hand before it is ended with an error reply of code DEADLINE_EXCEEDED, its
		 * context cancelled and its thread interrupted (@ReplyHandler(maxHandlingTime) overrides
		 * it). A request with a deadline ends at its deadline.
		 */
		private Duration maxHandlingTime = Duration.ofMinutes(5);

		/**
		 * How long the requests in hand may still finish when the application stops: the
		 * handlers take no new ones meanwhile, commit those that finished, and leave the rest to
		 * the next owner of their partitions.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		/**
		 * How long the running requests of a partition revoked from a handler's consumer (a
		 * rebalance: an instance joins or leaves) may still finish, be answered and committed
		 * before they end as cancelled, without a reply, for the partition's next owner. The
		 * consumer polls none of its partitions meanwhile. Must be below the consumer's
		 * max.poll.interval.ms and the handler container's shutdown timeout (10 s by default).
		 */
		private Duration revokeGrace = Duration.ofSeconds(5);

		/**
		 * Static membership for the handlers' consumers in a consumer group: this instance's
		 * group.instance.id (each handler adds its id, each consumer its number). Unique per
		 * instance and stable across its restarts (a pod's name in a StatefulSet, say). A restart
		 * within the session timeout then moves no partition; but the handlers' 6 s session must
		 * be raised to outlast a restart (session.timeout.ms in
		 * request-reply.handler.consumer-properties), which slows the hand-over of a crashed
		 * instance's partitions as much, and a static member does not leave its group when it
		 * stops: its partitions wait for the session to expire. Unset (the default): no static
		 * membership, whatever spring.kafka.consumer says.
		 */
		private @Nullable String groupInstanceId;

		/**
		 * Longest metadata a handler's offset commit carries (the finished requests above the
		 * committed offset); keep it at or below the broker's 'offset.metadata.max.bytes'. A
		 * partition whose finished requests would not fit takes no more requests until they do.
		 * 0 commits the lowest unfinished offset only: after a crash or a rebalance, every request
		 * from it on is handled again.
		 */
		private int offsetMetadataMaxBytes = 4096;

		/**
		 * Transaction timeout of the producers handlers reply with when replies are sent in
		 * transactions (spring.kafka.producer.transaction-id-prefix). A transaction stays open
		 * while a stream of replies is sent; a responder that dies with one open holds back, until
		 * this timeout aborts it, every read_committed reader of the reply partitions it wrote to.
		 * Longer streams are aborted by the broker.
		 */
		private Duration transactionTimeout = Duration.ofSeconds(10);

		/**
		 * No effect since 0.3: handlers run on handler threads, and the producer batches the
		 * replies they send at once.
		 */
		private boolean batchReplies = true;

		/**
		 * Largest request value handed to a handler; larger requests get an error reply.
		 */
		private DataSize maxRequestSize = DataSize.ofMegabytes(1);

		/**
		 * Whether the replies of handlers carry the library's own 'rr_responder' header, which
		 * names the responder in a scatter-gather (@ReplyHandler(responderHeaders) overrides it).
		 * Without it a reply carries exactly the correlation id and the headers its handler
		 * added (and the error headers on an error reply), as a ReplyingKafkaTemplate caller that
		 * checks every reply header expects.
		 */
		private boolean responderHeaders = true;

		/**
		 * Name of the correlation id header handlers read on requests and cancel records and
		 * write on replies (@ReplyHandler(correlationIdHeader) overrides it); Spring Kafka's by
		 * default.
		 */
		private String correlationIdHeader = "kafka_correlationId";

		/**
		 * Name of the reply topic header handlers read on requests
		 * (@ReplyHandler(replyTopicHeader) overrides it); Spring Kafka's by default.
		 */
		private String replyTopicHeader = "kafka_replyTopic";

		/**
		 * Name of the reply partition header handlers read on requests
		 * (@ReplyHandler(replyPartitionHeader) overrides it); Spring Kafka's by default.
		 */
		private String replyPartitionHeader = "kafka_replyPartition";

		/**
		 * Longest correlation id handlers echo; a request with a longer one is skipped without a
		 * reply (counted as rejected).
		 */
		private DataSize maxCorrelationIdSize = DataSize.ofBytes(256);

		/**
		 * Additional Kafka consumer properties of the handlers' consumers, applied over
		 * 'spring.kafka.consumer.*'.
		 */
		private final Map<String, String> consumerProperties = new HashMap<>();

		/**
		 * Whether every @ReplyHandler reads its topics in a Kafka share group (queue mode, brokers
		 * 4.2+, Spring Boot 4.1+) rather than a consumer group, as with @ReplyHandler(queue = true):
		 * any number of instances share each partition, each request is acknowledged on its own,
		 * and a responder that dies has its requests delivered to the others as soon as its
		 * connection drops. The share group is '<consumer group id>.share'. Fails start-up with
		 * transactions, and for a handler naming ordering KEY or PARTITION.
		 */
		private boolean queue;

		/**
		 * Share consumers of a handler in queue mode that names no concurrency. Each takes at
		 * most max-concurrency / queue-consumers requests at once and takes more once they all
		 * ended, so that a slow request holds back one consumer only. Fewer consumers take bigger
		 * batches (each is a share fetch and a write of the group's state): faster for short
		 * requests; more let fewer requests wait behind a slow one and share a burst better.
		 */
		private int queueConsumers = 4;

		/**
		 * How far back in its topics a handler's share group starts when it is created (its
		 * share.auto.offset.reset, set to by_duration before its first member joins): requests
		 * sent up to this long before the first responder started are answered, older records
		 * are not delivered. Keep it at least the longest request timeout. Later changes apply
		 * to new share groups only.
		 */
		private Duration queueHistory = Duration.ofMinutes(5);

		private final Idempotency idempotency = new Idempotency();

		public boolean isQueue() {
			return this.queue;
		}

		public void setQueue(boolean queue) {
			this.queue = queue;
		}

		public int getQueueConsumers() {
			return this.queueConsumers;
		}

		public void setQueueConsumers(int queueConsumers) {
			this.queueConsumers = queueConsumers;
		}

		public Duration getQueueHistory() {
			return this.queueHistory;
		}

		public void setQueueHistory(Duration queueHistory) {
			this.queueHistory = queueHistory;
		}

		public Idempotency getIdempotency() {
			return this.idempotency;
		}

		/**
		 * Return {@code request-reply.handler.allowed-reply-topics}.
		 * @return the allowed reply topics
		 */
		public List<String> getAllowedReplyTopics() {
			return this.allowedReplyTopics;
		}

		/**
		 * Set {@code request-reply.handler.allowed-reply-topics}.
		 * @param allowedReplyTopics the allowed reply topics
		 */
		public void setAllowedReplyTopics(List<String> allowedReplyTopics) {
			this.allowedReplyTopics = allowedReplyTopics;
		}

		/**
		 * Return {@code request-reply.handler.commit-interval}.
		 * @return the commit interval
		 */
		public Duration getCommitInterval() {
			return this.commitInterval;
		}

		/**
		 * Set {@code request-reply.handler.commit-interval}.
		 * @param commitInterval the commit interval
		 */
		public void setCommitInterval(Duration commitInterval) {
			this.commitInterval = commitInterval;
		}

		/**
		 * Return {@code request-reply.handler.max-in-hand}.
		 * @return the requests one consumer may have in hand
		 */
		public int getMaxInHand() {
			return this.maxInHand;
		}

		/**
		 * Set {@code request-reply.handler.max-in-hand}.
		 * @param maxInHand the requests one consumer may have in hand
		 */
		public void setMaxInHand(int maxInHand) {
			this.maxInHand = maxInHand;
		}

		/**
		 * Return {@code request-reply.handler.batch-replies}.
		 * @return whether a poll's single replies are sent together
		 * @deprecated since 0.3.0, without effect: replies are sent from handler threads
		 */
		@Deprecated(since = "0.3.0")
		@DeprecatedConfigurationProperty(since = "0.3.0",
				reason = "Handlers run on handler threads; the producer batches the replies they send at once")
		public boolean isBatchReplies() {
			return this.batchReplies;
		}

		/**
		 * Set {@code request-reply.handler.batch-replies}.
		 * @param batchReplies whether a poll's single replies are sent together
		 * @deprecated since 0.3.0, without effect
		 */
		@Deprecated(since = "0.3.0")
		public void setBatchReplies(boolean batchReplies) {
			this.batchReplies = batchReplies;
		}

		/**
		 * Return {@code request-reply.handler.max-concurrency}.
		 * @return the most calls of one handler at once
		 */
		public int getMaxConcurrency() {
			return this.maxConcurrency;
		}

		/**
		 * Set {@code request-reply.handler.max-concurrency}.
		 * @param maxConcurrency the most calls of one handler at once
		 */
		public void setMaxConcurrency(int maxConcurrency) {
			this.maxConcurrency = maxConcurrency;
		}

		/**
		 * Return {@code request-reply.handler.max-handling-time}.
		 * @return the longest a request without deadline is in hand
		 */
		public Duration getMaxHandlingTime() {
			return this.maxHandlingTime;
		}

		/**
		 * Set {@code request-reply.handler.max-handling-time}.
		 * @param maxHandlingTime the longest a request without deadline is in hand
		 */
		public void setMaxHandlingTime(Duration maxHandlingTime) {
			this.maxHandlingTime = maxHandlingTime;
		}

		/**
		 * Return {@code request-reply.handler.shutdown-timeout}.
		 * @return how long requests in hand may finish at shutdown
		 */
		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		/**
		 * Set {@code request-reply.handler.shutdown-timeout}.
		 * @param shutdownTimeout how long requests in hand may finish at shutdown
		 */
		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		/**
		 * Return {@code request-reply.handler.revoke-grace}.
		 * @return how long running requests of a revoked partition may still finish
		 * @since 0.4.0
		 */
		public Duration getRevokeGrace() {
			return this.revokeGrace;
		}

		/**
		 * Set {@code request-reply.handler.revoke-grace}.
		 * @param revokeGrace how long running requests of a revoked partition may still finish
		 * @since 0.4.0
		 */
		public void setRevokeGrace(Duration revokeGrace) {
			this.revokeGrace = revokeGrace;
		}

		/**
		 * Return {@code request-reply.handler.group-instance-id}.
		 * @return this instance's static member id for the handlers' consumers, or {@code null}
		 * @since 0.4.0
		 */
		public @Nullable String getGroupInstanceId() {
			return this.groupInstanceId;
		}

		/**
		 * Set {@code request-reply.handler.group-instance-id}.
		 * @param groupInstanceId this instance's static member id, or {@code null} for none
		 * @since 0.4.0
		 */
		public void setGroupInstanceId(@Nullable String groupInstanceId) {
			this.groupInstanceId = groupInstanceId;
		}

		/**
		 * Return {@code request-reply.handler.transaction-timeout}.
		 * @return the transaction timeout of the reply producers
		 */
		public Duration getTransactionTimeout() {
			return this.transactionTimeout;
		}

		/**
		 * Set {@code request-reply.handler.transaction-timeout}.
		 * @param transactionTimeout the transaction timeout of the reply producers
		 */
		public void setTransactionTimeout(Duration transactionTimeout) {
			this.transactionTimeout = transactionTimeout;
		}

		/**
		 * Return {@code request-reply.handler.offset-metadata-max-bytes}.
		 * @return the longest commit metadata
		 */
		public int getOffsetMetadataMaxBytes() {
			return this.offsetMetadataMaxBytes;
		}

		/**
		 * Set {@code request-reply.handler.offset-metadata-max-bytes}.
		 * @param offsetMetadataMaxBytes the longest commit metadata
		 */
		public void setOffsetMetadataMaxBytes(int offsetMetadataMaxBytes) {
			this.offsetMetadataMaxBytes = offsetMetadataMaxBytes;
		}

		/**
		 * Return {@code request-reply.handler.max-request-size}.
		 * @return the max request size
		 */
		public DataSize getMaxRequestSize() {
			return this.maxRequestSize;
		}

		/**
		 * Set {@code request-reply.handler.max-request-size}.
		 * @param maxRequestSize the max request size
		 */
		public void setMaxRequestSize(DataSize maxRequestSize) {
			this.maxRequestSize = maxRequestSize;
		}

		/**
		 * Return {@code request-reply.handler.responder-headers}.
		 * @return whether replies carry {@code rr_responder}
		 */
		public boolean isResponderHeaders() {
			return this.responderHeaders;
		}

		/**
		 * Set {@code request-reply.handler.responder-headers}.
		 * @param responderHeaders whether replies carry {@code rr_responder}
		 */
		public void setResponderHeaders(boolean responderHeaders) {
			this.responderHeaders = responderHeaders;
		}

		/**
		 * Return {@code request-reply.handler.correlation-id-header}.
		 * @return the correlation id header name
		 */
		public String getCorrelationIdHeader() {
			return this.correlationIdHeader;
		}

		/**
		 * Set {@code request-reply.handler.correlation-id-header}.
		 * @param correlationIdHeader the correlation id header name
		 */
		public void setCorrelationIdHeader(String correlationIdHeader) {
			this.correlationIdHeader = correlationIdHeader;
		}

		/**
		 * Return {@code request-reply.handler.reply-topic-header}.
		 * @return the reply topic header name
		 */
		public String getReplyTopicHeader() {
			return this.replyTopicHeader;
		}

		/**
		 * Set {@code request-reply.handler.reply-topic-header}.
		 * @param replyTopicHeader the reply topic header name
		 */
		public void setReplyTopicHeader(String replyTopicHeader) {
			this.replyTopicHeader = replyTopicHeader;
		}

		/**
		 * Return {@code request-reply.handler.reply-partition-header}.
		 * @return the reply partition header name
		 */
		public String getReplyPartitionHeader() {
			return this.replyPartitionHeader;
		}

		/**
		 * Set {@code request-reply.handler.reply-partition-header}.
		 * @param replyPartitionHeader the reply partition header name
		 */
		public void setReplyPartitionHeader(String replyPartitionHeader) {
			this.replyPartitionHeader = replyPartitionHeader;
		}

		/**
		 * Return {@code request-reply.handler.max-correlation-id-size}.
		 * @return the longest correlation id
		 */
		public DataSize getMaxCorrelationIdSize() {
			return this.maxCorrelationIdSize;
		}

		/**
		 * Set {@code request-reply.handler.max-correlation-id-size}.
		 * @param maxCorrelationIdSize the longest correlation id
		 */
		public void setMaxCorrelationIdSize(DataSize maxCorrelationIdSize) {
			this.maxCorrelationIdSize = maxCorrelationIdSize;
		}

		/**
		 * Return {@code request-reply.handler.enabled}.
		 * @return the value
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Set {@code request-reply.handler.enabled}.
		 * @param enabled the value
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * Return {@code request-reply.handler.group-id}.
		 * @return the group id
		 */
		public @Nullable String getGroupId() {
			return this.groupId;
		}

		/**
		 * Set {@code request-reply.handler.group-id}.
		 * @param groupId the group id
		 */
		public void setGroupId(String groupId) {
			this.groupId = groupId;
		}

		/**
		 * Return {@code request-reply.handler.concurrency}.
		 * @return the concurrency
		 */
		public int getConcurrency() {
			return this.concurrency;
		}

		/**
		 * Set {@code request-reply.handler.concurrency}.
		 * @param concurrency the concurrency
		 */
		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		/**
		 * Return {@code request-reply.handler.consumer-properties}.
		 * @return the consumer properties
		 */
		public Map<String, String> getConsumerProperties() {
			return this.consumerProperties;
		}

	}

	/**
	 * Settings of the replies handlers remember, to answer a request delivered again without
	 * calling the handler.
	 */
	public static class Idempotency {

		/**
		 * Whether every @ReplyHandler remembers its recent replies on this instance, not only
		 * those marked 'idempotent = true'.
		 */
		private boolean enabled;

		/**
		 * Most replies remembered per handler; the oldest are forgotten first.
		 */
		private int maxEntries = 10_000;

		/**
		 * How long a reply is remembered.
		 */
		private Duration window = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

	/**
	 * Settings of durable requests ({@code request-reply.durable.*}): requests whose outcome
	 * goes to a {@code @DurableReplyListener} of the application rather than to a future.
	 */
	public static class Durable {

		/**
		 * Topic the replies of this application's durable requests go to, read by a consumer
		 * group of the application. Defaults to '<spring.application.name>-durable-replies'.
		 */
		private @Nullable String replyTopic;

		/**
		 * Compacted topic holding the pending state of this application's durable requests
		 * (kind, deadline, context), keyed by request id, with as many partitions as the reply
		 * topic. Defaults to '<spring.application.name>-durable-pending'.
		 */
		private @Nullable String pendingTopic;

		/**
		 * Timeout of a durable request that names none.
		 */
		private Duration defaultTimeout = Duration.ofHours(1);

		/**
		 * Whether the durable reply and pending topics are created at start-up when missing.
		 */
		private boolean createTopics = true;

		/**
		 * Partitions of the durable reply and pending topics when the library creates them; both
		 * must have the same count.
		 */
		private int topicPartitions = 6;

		/**
		 * Replication factor of the durable topics when the library creates them; -1 for the
		 * broker's default.
		 */
		private short topicReplicationFactor = -1;

		public @Nullable String getReplyTopic() {
			return this.replyTopic;
		}

		public void setReplyTopic(@Nullable String replyTopic) {
			this.replyTopic = replyTopic;
		}

		public @Nullable String getPendingTopic() {
			return this.pendingTopic;
		}

		public void setPendingTopic(@Nullable String pendingTopic) {
			this.pendingTopic = pendingTopic;
		}

		public Duration getDefaultTimeout() {
			return this.defaultTimeout;
		}

		public void setDefaultTimeout(Duration defaultTimeout) {
			this.defaultTimeout = defaultTimeout;
		}

		public boolean isCreateTopics() {
			return this.createTopics;
		}

		public void setCreateTopics(boolean createTopics) {
			this.createTopics = createTopics;
		}

		public int getTopicPartitions() {
			return this.topicPartitions;
		}

		public void setTopicPartitions(int topicPartitions) {
			this.topicPartitions = topicPartitions;
		}

		public short getTopicReplicationFactor() {
			return this.topicReplicationFactor;
		}

		public void setTopicReplicationFactor(short topicReplicationFactor) {
			this.topicReplicationFactor = topicReplicationFactor;
		}

	}

	/**
	 * Settings of the 'requestreply' actuator endpoint.
	 */
	public static class Endpoint {

		/**
		 * Maximum number of oldest pending requests the endpoint lists.
		 */
		private int maxOldest = 10;

		/**
		 * Return {@code request-reply.endpoint.max-oldest}.
		 * @return the max oldest
		 */
		public int getMaxOldest() {
			return this.maxOldest;
		}

		/**
		 * Set {@code request-reply.endpoint.max-oldest}.
		 * @param maxOldest the max oldest
		 */
		public void setMaxOldest(int maxOldest) {
			this.maxOldest = maxOldest;
		}

	}

	/**
	 * Settings of request-reply's Micrometer meters.
	 */
	public static class Metrics {

		/**
		 * Whether the 'requestreply.requests' and 'requestreply.handler' timers publish a
		 * percentile histogram (for server-side percentiles, e.g. Prometheus
		 * histogram_quantile).
		 */
		private boolean percentileHistogram;

		/**
		 * Return {@code request-reply.metrics.percentile-histogram}.
		 * @return the value
		 */
		public boolean isPercentileHistogram() {
			return this.percentileHistogram;
		}

		/**
		 * Set {@code request-reply.metrics.percentile-histogram}.
		 * @param percentileHistogram the value
		 */
		public void setPercentileHistogram(boolean percentileHistogram) {
			this.percentileHistogram = percentileHistogram;
		}

	}

	/**
	 * Settings of request-reply's Micrometer observations (tracing).
	 */
	public static class Observation {

		/**
		 * Whether requests, the records sent and the requests handled by @ReplyHandler methods
		 * are observed (and traced, with the trace context in the record headers). Takes effect
		 * when there is an ObservationRegistry bean.
		 */
		private boolean enabled = true;

		/**
		 * Return {@code request-reply.observation.enabled}.
		 * @return the value
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Set {@code request-reply.observation.enabled}.
		 * @param enabled the value
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
