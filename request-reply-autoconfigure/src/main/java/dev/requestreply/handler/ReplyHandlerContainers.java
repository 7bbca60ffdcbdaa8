package dev.requestreply.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.security.AuthorizationMonitor;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ConsumerPostProcessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.util.Assert;

/**
 * Starts and stops one listener container per {@link dev.requestreply.ReplyHandler @ReplyHandler}
 * method. Each container reads the handler's topics in its consumer group, acknowledges a request
 * once its reply was sent (out of order when replies are asynchronous) and commits asynchronously;
 * with {@link #setTransactions transactions}, it sends each reply and commits its request's offset
 * in one Kafka transaction instead.
 *
 * @since 0.1.0
 */
public class ReplyHandlerContainers implements SmartLifecycle {

	/**
	 * Lifecycle phase: started before, and stopped after, the {@code RequestReplyTemplate}, so that
	 * an application that answers its own requests can drain them on shutdown.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

	private static final LogAccessor logger = new LogAccessor(ReplyHandlerContainers.class);

	private final ReplyHandlerBeanPostProcessor discoverer;

	private final ConsumerFactory<byte[], byte[]> consumerFactory;

	private final KafkaTemplate<byte[], byte[]> replyTemplate;

	private final PayloadConverter converter;

	private final String defaultGroupId;

	private final int defaultConcurrency;

	private final Map<String, ReplyHandlerStats> stats = new LinkedHashMap<>();

	private final List<ConcurrentMessageListenerContainer<byte[], byte[]>> containers = new ArrayList<>();

	private final List<ReplyHandlerOutcomeListener> outcomeListeners = new CopyOnWriteArrayList<>();

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private ReplyHandlerPolicy policy = ReplyHandlerPolicy.DEFAULT;

	private List<ReplyHandlerContainerCustomizer> customizers = List.of();

	private CancelReader cancelReader;

	private ReplyHandlerIdempotency idempotency = ReplyHandlerIdempotency.DEFAULT;

	private HandlerTransactions transactions;

	private int maxInHand = HandlerBatchListener.MAX_IN_HAND;

	private boolean batchReplies = true;

	private volatile boolean running;

	/**
	 * Create a new instance.
	 * @param discoverer the post-processor that found the handler methods
	 * @param consumerFactory the factory of the handlers' consumers (byte array values)
	 * @param replyTemplate the template replies are sent with
	 * @param converter the payload converter
	 * @param defaultGroupId the consumer group of handlers that name none
	 * @param defaultConcurrency the concurrency of handlers that name none
	 */
	public ReplyHandlerContainers(ReplyHandlerBeanPostProcessor discoverer,
			ConsumerFactory<byte[], byte[]> consumerFactory, KafkaTemplate<byte[], byte[]> replyTemplate,
			PayloadConverter converter, String defaultGroupId, int defaultConcurrency) {
		Assert.hasText(defaultGroupId, "'defaultGroupId' must not be empty");
		this.discoverer = discoverer;
		this.consumerFactory = consumerFactory;
		this.replyTemplate = replyTemplate;
		this.converter = converter;
		this.defaultGroupId = defaultGroupId;
		this.defaultConcurrency = defaultConcurrency;
	}

	/**
	 * Set what handlers accept from requests. Default {@link ReplyHandlerPolicy#DEFAULT}.
	 * @param policy the policy
	 */
	public void setPolicy(ReplyHandlerPolicy policy) {
		Assert.notNull(policy, "'policy' must not be null");
		this.policy = policy;
	}

	/**
	 * Set how handlers remember their replies. Default {@link ReplyHandlerIdempotency#DEFAULT}.
	 * @param idempotency the idempotency settings
	 * @since 0.2.0
	 */
	public void setIdempotency(ReplyHandlerIdempotency idempotency) {
		Assert.notNull(idempotency, "'idempotency' must not be null");
		this.idempotency = idempotency;
	}

	/**
	 * Set the transactions the handlers reply in, or {@code null} (the default) to reply without
	 * transactions.
	 * @param transactions the transactions
	 * @since 0.2.0
	 */
	public void setTransactions(HandlerTransactions transactions) {
		this.transactions = transactions;
	}

	/**
	 * Set how many requests one consumer of a handler may have in hand before its partitions are
	 * paused until half of them are done with. Default 1,000. Not used with transactions.
	 * @param maxInHand the limit, at least 1
	 * @since 0.2.0
	 */
	public void setMaxInHand(int maxInHand) {
		Assert.isTrue(maxInHand > 0, "'maxInHand' must be positive");
		this.maxInHand = maxInHand;
	}

	/**
	 * Return how many requests one consumer of a handler may have in hand before it pauses.
	 * @return the limit
	 * @since 0.2.0
	 */
	public int getMaxInHand() {
		return this.maxInHand;
	}

	/**
	 * Return whether a poll's single replies are sent together once it was handed out.
	 * @return whether replies are sent together
	 * @since 0.2.0
	 */
	public boolean isBatchReplies() {
		return this.batchReplies;
	}

	/**
	 * Set whether the single replies a consumer thread makes while it hands one poll to the
	 * handler are sent together once the poll was handed out. Default {@code true}.
	 * @param batchReplies whether to send a poll's replies together
	 * @since 0.2.0
	 */
	public void setBatchReplies(boolean batchReplies) {
		this.batchReplies = batchReplies;
	}

	/**
	 * Set the customizers applied to each handler's container before it starts.
	 * @param customizers the customizers, in order
	 * @since 0.2.0
	 */
	public void setContainerCustomizers(List<ReplyHandlerContainerCustomizer> customizers) {
		Assert.notNull(customizers, "'customizers' must not be null");
		this.customizers = List.copyOf(customizers);
	}

	/**
	 * Return a consumer post-processor that lets at most one asynchronous offset commit be in
	 * flight per handler consumer, and at most one start per interval; see the handlers' commit
	 * interval setting.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param interval the least time between two commits
	 * @return the post-processor, for the handlers' consumer factory
	 * @since 0.2.0
	 */
	public static <K, V> ConsumerPostProcessor<K, V> commitCoalescing(Duration interval) {
		Assert.notNull(interval, "'interval' must not be null");
		return (consumer) -> CommitCoalescingConsumer.wrap(consumer, interval);
	}

	/**
	 * Add a listener told of how each handled request ended, with the handler's duration.
	 * @param listener the listener
	 * @since 0.1.0
	 */
	public void addOutcomeListener(ReplyHandlerOutcomeListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.outcomeListeners.add(listener);
	}

	/**
	 * Set the registry of the containers' observations: when it is not the no-op registry, each
	 * request is observed (and traced, its trace context read from the record headers). Applies
	 * to containers started afterwards.
	 * @param observationRegistry the observation registry
	 * @since 0.1.0
	 */
	public synchronized void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Return the bean name (and listener id) of the container of a handler.
	 * @param endpoint the handler
	 * @return the container's name
	 * @since 0.1.0
	 */
	public static String containerName(ReplyHandlerEndpoint endpoint) {
		return "replyHandler-" + endpoint.id();
	}

	/**
	 * Return the handler methods these containers serve.
	 * @return the endpoints
	 * @since 0.1.0
	 */
	public List<ReplyHandlerEndpoint> getEndpoints() {
		return this.discoverer.getEndpoints();
	}

	/**
	 * Return the figures of each handler, by handler id ({@code beanName.methodName}).
	 * @return the figures of each handler
	 */
	public synchronized Map<String, ReplyHandlerStats> getStats() {
		return Map.copyOf(this.stats);
	}

	/**
	 * Return the handlers' listener containers.
	 * @return the containers
	 */
	public synchronized List<ConcurrentMessageListenerContainer<byte[], byte[]>> getContainers() {
		return List.copyOf(this.containers);
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		ReplyTopicPolicy replyTopicPolicy = new ReplyTopicPolicy(this.policy.allowedReplyTopics(),
				this.discoverer.getEndpoints().stream().flatMap((endpoint) -> endpoint.topics().stream()).toList());
		CancelReader cancels = new CancelReader(this.consumerFactory.getConfigurationProperties());
		for (ReplyHandlerEndpoint endpoint : this.discoverer.getEndpoints()) {
			ReplyHandlerStats handlerStats = this.stats.computeIfAbsent(endpoint.id(), (id) -> new ReplyHandlerStats());
			ContainerProperties properties = new ContainerProperties(endpoint.topics().toArray(String[]::new));
			String groupId = groupId(endpoint);
			properties.setGroupId(groupId);
			properties.setAckMode(AckMode.MANUAL);
			// Synchronous commits would wait for the broker's commit linger on every poll.
			properties.setSyncCommits(false);
			properties.setClientId("request-reply-handler-" + endpoint.id());
			boolean observed = !this.observationRegistry.isNoop();
			if (observed && this.transactions != null) {
				properties.setObservationEnabled(true);
				properties.setObservationRegistry(this.observationRegistry);
			}
			// The responder is the handler's own group: one application answering two topics of a
			// scatter-gather sends two distinct responders, not one name twice.
			ReplySender sender = new ReplySender(
					(this.transactions != null) ? this.transactions.getTemplate() : this.replyTemplate, groupId,
					handlerStats, endpoint.id(), this.idempotency.windowFor(endpoint));
			ReplyHandlerListener listener = new ReplyHandlerListener(endpoint, this.converter, sender,
					new HandlerFigures(endpoint, handlerStats, this.outcomeListeners), this.policy,
					new ReplyTopicGuard(endpoint.id(), replyTopicPolicy),
					(this.transactions != null) ? HandlerTransactions.MAX_WAIT : null);
			cancels.register(endpoint.topics(), listener.inFlight());
			// Each poll in one pass (each record observed by the listener itself, when observed),
			// unless each record is replied to in a transaction of its own.
			HandlerBatchListener batches = (this.transactions == null) ? new HandlerBatchListener(listener,
					this.maxInHand, this.batchReplies, this.observationRegistry, groupId) : null;
			if (batches != null) {
				properties.setMessageListener(batches);
			}
			else {
				// Records acknowledged out of order, committed in order.
				properties.setAsyncAcks(true);
				properties.setMessageListener(
						(this.transactions != null) ? HandlerTransactions.listener(listener) : listener);
			}
			ConcurrentMessageListenerContainer<byte[], byte[]> container = new ConcurrentMessageListenerContainer<>(
					this.consumerFactory, properties);
			if (batches != null) {
				batches.setContainer(container);
			}
			if (this.transactions != null) {
				this.transactions.configure(container, sender, this.policy);
			}
			container.setConcurrency((endpoint.concurrency() != null) ? endpoint.concurrency() : this.defaultConcurrency);
			container.setBeanName(containerName(endpoint));
			new AuthorizationMonitor("READ on topic(s) " + endpoint.topics() + " and READ on group '" + groupId + "'",
					() -> handlerStats.record(ReplyHandlerStats.Event.AUTHORIZATION_FAILED))
				.watch(container);
			for (ReplyHandlerContainerCustomizer customizer : this.customizers) {
				customizer.customize(container, endpoint);
			}
			container.start();
			this.containers.add(container);
			logger.info(() -> "@ReplyHandler " + endpoint.id() + " serving " + endpoint.topics() + " in group '"
					+ properties.getGroupId() + "'" + ((this.transactions != null) ? ", replying in transactions" : ""));
		}
		cancels.start();
		this.cancelReader = cancels;
		this.running = true;
	}

	/**
	 * Return the consumer group of a handler: the one it names, or else the default group
	 * followed by its topics, so that each handler rebalances on its own (a handler joining or
	 * leaving does not pause the others) while all instances of the application share it.
	 * @param endpoint the handler
	 * @return its consumer group id
	 */
	public String groupId(ReplyHandlerEndpoint endpoint) {
		return (endpoint.groupId() != null) ? endpoint.groupId()
				: this.defaultGroupId + "." + String.join(",", endpoint.topics());
	}

	@Override
	public synchronized void stop() {
		for (ConcurrentMessageListenerContainer<byte[], byte[]> container : this.containers) {
			container.stop();
		}
		this.containers.clear();
		if (this.cancelReader != null) {
			this.cancelReader.stop();
			this.cancelReader = null;
		}
		this.running = false;
	}

}
