package dev.requestreply.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
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
	private String replyTopic;

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
	 * is counted as late rather than as another instance's.
	 */
	private Duration lateReplyWindow = Duration.ofMinutes(1);

	/**
	 * Id of this instance, sent with requests and echoed on replies so that instances sharing the
	 * reply topic skip each other's replies. Defaults to a random UUID per start.
	 */
	private String instanceId;

	/**
	 * Whether the reply topic is created on start-up when it does not exist.
	 */
	private boolean createReplyTopic = true;

	/**
	 * Number of partitions of a reply topic created on start-up.
	 */
	private int replyTopicPartitions = 1;

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
	 * Additional Kafka producer properties of the producer that sends requests and replies,
	 * applied over 'spring.kafka.producer.*'.
	 */
	private final Map<String, String> producerProperties = new HashMap<>();

	/**
	 * Additional Kafka consumer properties of the reply consumer, applied over
	 * 'spring.kafka.consumer.*'.
	 */
	private final Map<String, String> replyConsumerProperties = new HashMap<>();

	private final Handler handler = new Handler();

	private final Endpoint endpoint = new Endpoint();

	private final Metrics metrics = new Metrics();

	private final Observation observation = new Observation();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getReplyTopic() {
		return this.replyTopic;
	}

	public void setReplyTopic(String replyTopic) {
		this.replyTopic = replyTopic;
	}

	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

	public void setDefaultTimeout(Duration defaultTimeout) {
		this.defaultTimeout = defaultTimeout;
	}

	public int getMaxPending() {
		return this.maxPending;
	}

	public void setMaxPending(int maxPending) {
		this.maxPending = maxPending;
	}

	public Duration getLateReplyWindow() {
		return this.lateReplyWindow;
	}

	public void setLateReplyWindow(Duration lateReplyWindow) {
		this.lateReplyWindow = lateReplyWindow;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(String instanceId) {
		this.instanceId = instanceId;
	}

	public boolean isCreateReplyTopic() {
		return this.createReplyTopic;
	}

	public void setCreateReplyTopic(boolean createReplyTopic) {
		this.createReplyTopic = createReplyTopic;
	}

	public int getReplyTopicPartitions() {
		return this.replyTopicPartitions;
	}

	public void setReplyTopicPartitions(int replyTopicPartitions) {
		this.replyTopicPartitions = replyTopicPartitions;
	}

	public short getReplyTopicReplicationFactor() {
		return this.replyTopicReplicationFactor;
	}

	public void setReplyTopicReplicationFactor(short replyTopicReplicationFactor) {
		this.replyTopicReplicationFactor = replyTopicReplicationFactor;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public Map<String, String> getProducerProperties() {
		return this.producerProperties;
	}

	public Map<String, String> getReplyConsumerProperties() {
		return this.replyConsumerProperties;
	}

	public Handler getHandler() {
		return this.handler;
	}

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Observation getObservation() {
		return this.observation;
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
		private String groupId;

		/**
		 * Number of consumer threads of handlers that name none.
		 */
		private int concurrency = 1;

		/**
		 * Patterns ('*' wildcards) of the topics handlers may send replies to; a request naming
		 * another reply topic is refused and counted. Empty allows every topic: set it wherever
		 * untrusted producers can write to request topics.
		 */
		private List<String> allowedReplyTopics = new ArrayList<>();

		/**
		 * Least time between two offset commits of a handler's consumer. A request is committed
		 * only after its reply was sent; a crash re-delivers at most this much of answered
		 * requests (their second replies are counted as duplicates by the requester). Not used
		 * with transactions (spring.kafka.producer.transaction-id-prefix), where each request's
		 * offset is committed in the transaction of its reply.
		 */
		private Duration commitInterval = Duration.ofMillis(100);

		/**
		 * Largest request value handed to a handler; larger requests get an error reply.
		 */
		private DataSize maxRequestSize = DataSize.ofMegabytes(1);

		/**
		 * Additional Kafka consumer properties of the handlers' consumers, applied over
		 * 'spring.kafka.consumer.*'.
		 */
		private final Map<String, String> consumerProperties = new HashMap<>();

		private final Idempotency idempotency = new Idempotency();

		public Idempotency getIdempotency() {
			return this.idempotency;
		}

		public List<String> getAllowedReplyTopics() {
			return this.allowedReplyTopics;
		}

		public void setAllowedReplyTopics(List<String> allowedReplyTopics) {
			this.allowedReplyTopics = allowedReplyTopics;
		}

		public Duration getCommitInterval() {
			return this.commitInterval;
		}

		public void setCommitInterval(Duration commitInterval) {
			this.commitInterval = commitInterval;
		}

		public DataSize getMaxRequestSize() {
			return this.maxRequestSize;
		}

		public void setMaxRequestSize(DataSize maxRequestSize) {
			this.maxRequestSize = maxRequestSize;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getGroupId() {
			return this.groupId;
		}

		public void setGroupId(String groupId) {
			this.groupId = groupId;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

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
	 * Settings of the 'requestreply' actuator endpoint.
	 */
	public static class Endpoint {

		/**
		 * Maximum number of oldest pending requests the endpoint lists.
		 */
		private int maxOldest = 10;

		public int getMaxOldest() {
			return this.maxOldest;
		}

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

		public boolean isPercentileHistogram() {
			return this.percentileHistogram;
		}

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

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
