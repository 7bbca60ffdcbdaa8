package dev.requestreply;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.correlation.PendingRequest;
import dev.requestreply.correlation.PendingRequests;
import dev.requestreply.correlation.ReplyDispatcher;
import dev.requestreply.correlation.ReplyPublisher;
import dev.requestreply.observation.RequestReplyObservation;
import dev.requestreply.observation.RequestReplyObservationConvention;
import dev.requestreply.requester.ReplyListener;
import dev.requestreply.requester.ReplyPathMonitor;
import dev.requestreply.requester.ReplyPartitionMode;
import dev.requestreply.requester.ReplyPartitionsView;
import dev.requestreply.requester.ReplyTopicSettings;
import dev.requestreply.requester.RequestGate;
import dev.requestreply.requester.RequestSender;
import dev.requestreply.requester.ResponderDirectory;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.Assert;

/**
 * Sends requests over Kafka and completes their futures with the replies that come back over one
 * shared reply topic, matched by correlation id.
 * <p>
 * On start it creates the reply topic if missing and positions a reply consumer at the end of
 * every partition of it; only then does it accept requests, so the first reply after start-up is
 * never missed. By default ({@link ReplyPartitionMode#AUTO}) the instances of an application then
 * divide the reply topic's partitions among themselves, and each request names one of its
 * instance's own. Replies carry the requesting instance's id, so an instance skips the others'
 * replies by a header alone.
 * <p>
 * On stop it refuses new requests, optionally waits for pending ones (see
 * {@link #setDrainTimeout(Duration)}), then fails the rest with a {@link RequestReplyException}:
 * no future is left hanging.
 *
 * @since 0.1.0
 */
public class RequestReplyTemplate implements RequestReplyOperations, SmartLifecycle {

	/**
	 * Lifecycle phase: started before, and stopped after, web servers and Spring Kafka's listener
	 * containers, so that requests in flight during a graceful shutdown still get their replies.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/**
	 * Default timeout of requests that name none.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Default of how long the reply consumer may go without an answer from the broker before
	 * requests are refused.
	 * @since 0.2.0
	 */
	public static final Duration DEFAULT_REPLY_PATH_TIMEOUT = Duration.ofSeconds(5);

	private static final LogAccessor logger = new LogAccessor(RequestReplyTemplate.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final ConsumerFactory<?, ByteBuffer> replyConsumerFactory;

	private final Map<String, Object> adminConfig;

	private final PendingRequests registry;

	private final PayloadConverter converter;

	private final ReplyTopicSettings replyTopic;

	private Duration defaultTimeout = DEFAULT_TIMEOUT;

	private String instanceId = UUID.randomUUID().toString();

	private Duration drainTimeout = Duration.ZERO;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private RequestReplyObservationConvention observationConvention;

	private boolean autoStartup = true;

	private Duration replyPathTimeout = DEFAULT_REPLY_PATH_TIMEOUT;

	private Duration responderCheckInterval;

	private Supplier<Set<String>> localResponderTopics = Set::of;

	private int streamBuffer = ReplyPublisher.DEFAULT_BUFFER;

	private volatile RequestGate gate;
	private ReplyPartitionMode replyPartitions = ReplyPartitionMode.AUTO;

	private volatile RequestSender sender;

	private volatile ReplyListener replyListener;

	private volatile boolean accepting;

	private volatile boolean running;

	/**
	 * Create a template.
	 * @param kafkaTemplate the template requests are sent with
	 * @param replyConsumerFactory the factory of the reply consumer; it must have no
	 * {@code group.id} and deliver values as {@link ByteBuffer}
	 * @param adminConfig the Kafka admin client configuration, to create and describe the reply
	 * topic
	 * @param registry the registry of pending requests
	 * @param converter the payload converter
	 * @param replyTopic the shared reply topic, and how to prepare it on start
	 */
	public RequestReplyTemplate(KafkaTemplate<byte[], byte[]> kafkaTemplate,
			ConsumerFactory<?, ByteBuffer> replyConsumerFactory, Map<String, Object> adminConfig,
			PendingRequests registry, PayloadConverter converter, ReplyTopicSettings replyTopic) {
		Assert.notNull(kafkaTemplate, "'kafkaTemplate' must not be null");
		Assert.notNull(replyConsumerFactory, "'replyConsumerFactory' must not be null");
		Assert.notNull(adminConfig, "'adminConfig' must not be null");
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(converter, "'converter' must not be null");
		Assert.notNull(replyTopic, "'replyTopic' must not be null");
		this.kafkaTemplate = kafkaTemplate;
		this.replyConsumerFactory = replyConsumerFactory;
		this.adminConfig = adminConfig;
		this.registry = registry;
		this.converter = converter;
		this.replyTopic = replyTopic;
	}

	/**
	 * Set the timeout of requests that name none. Default {@link #DEFAULT_TIMEOUT}.
	 * @param defaultTimeout the default timeout
	 */
	public void setDefaultTimeout(Duration defaultTimeout) {
		Assert.isTrue(defaultTimeout != null && defaultTimeout.toNanos() > 0, "'defaultTimeout' must be positive");
		this.defaultTimeout = defaultTimeout;
	}

	/**
	 * Set the name of this instance, shown in logs and in the endpoint. Default a random UUID, so
	 * that each instance of an application has its own. (Replies are told apart by the first half
	 * of their correlation ids, which the registry draws anew at each start.)
	 * @param instanceId the instance id
	 */
	public void setInstanceId(String instanceId) {
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		this.instanceId = instanceId;
	}

	/**
	 * Set how long stop waits for pending requests to get their replies before failing them.
	 * Default zero: they fail at once.
	 * @param drainTimeout the drain timeout
	 */
	public void setDrainTimeout(Duration drainTimeout) {
		Assert.notNull(drainTimeout, "'drainTimeout' must not be null");
		this.drainTimeout = drainTimeout;
	}

	/**
	 * Set the registry of the {@link RequestReplyObservation#REQUEST} observation of each
	 * request's round trip. Default the no-op registry: requests are not observed. Applies from
	 * the next start.
	 * @param observationRegistry the observation registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set a convention for the round trip observations, replacing the default one.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(RequestReplyObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Set how the instances of this application share the partitions of their reply topic.
	 * Default {@link ReplyPartitionMode#AUTO}: each reads only the partitions allotted to it.
	 * Applies from the next start.
	 * @param replyPartitions the mode
	 * @since 0.2.0
	 */
	public void setReplyPartitions(ReplyPartitionMode replyPartitions) {
		Assert.notNull(replyPartitions, "'replyPartitions' must not be null");
		this.replyPartitions = replyPartitions;
	}

	/**
	 * Describe the reply partitions this instance reads and owns.
	 * @return the partitions; none while stopped
	 * @since 0.2.0
	 */
	public ReplyPartitionsView getReplyPartitions() {
		ReplyListener listener = this.replyListener;
		return (listener != null) ? listener.partitions()
				: new ReplyPartitionsView(this.replyPartitions, List.of(), List.of(), false);
	}

	/**
	 * Set whether the template starts with the application context. Default true.
	 * @param autoStartup whether to start automatically
	 * @since 0.2.0
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	/**
	 * Set how long the reply consumer may go without an answer from the broker before new
	 * requests fail at once with a {@link ReplyPathDownException}. Default
	 * {@link #DEFAULT_REPLY_PATH_TIMEOUT}. Applies from the next start.
	 * @param replyPathTimeout the timeout
	 * @since 0.2.0
	 */
	public void setReplyPathTimeout(Duration replyPathTimeout) {
		assertPositive(replyPathTimeout, "replyPathTimeout");
		this.replyPathTimeout = replyPathTimeout;
	}

	/**
	 * Set how often the consumer groups are looked up to fail requests to topics nobody reads
	 * with a {@link NoResponderException}; {@code null} (the default) to let such requests wait
	 * for a responder until their timeout. Applies from the next start.
	 * @param responderCheckInterval the interval, or {@code null}
	 * @since 0.2.0
	 */
	public void setResponderCheckInterval(Duration responderCheckInterval) {
		Assert.isTrue(responderCheckInterval == null || responderCheckInterval.toMillis() > 0,
				"'responderCheckInterval' must be positive");
		this.responderCheckInterval = responderCheckInterval;
	}

	/**
	 * Set where the topics this application's own {@code @ReplyHandler} methods read come from:
	 * with {@link #setResponderCheckInterval(Duration) fail-fast}, a request to one of them is
	 * never refused for lack of a responder, even before their consumers were assigned. Default
	 * none; the auto-configuration gives the handlers it found. Applies from the next start.
	 * @param localResponderTopics the topics, read at start and at each lookup of the groups
	 * @since 0.3.0
	 */
	public void setLocalResponderTopics(Supplier<Set<String>> localResponderTopics) {
		Assert.notNull(localResponderTopics, "'localResponderTopics' must not be null");
		this.localResponderTopics = localResponderTopics;
	}

	/**
	 * Set the most elements of a streaming reply buffered for a subscriber that has not requested
	 * them; past it the stream fails with a {@link StreamOverflowException} and its request ends.
	 * Default {@link ReplyPublisher#DEFAULT_BUFFER}.
	 * @param streamBuffer the buffer size
	 * @since 0.2.0
	 */
	public void setStreamBuffer(int streamBuffer) {
		Assert.isTrue(streamBuffer > 0, "'streamBuffer' must be positive");
		this.streamBuffer = streamBuffer;
	}

	/**
	 * Return the shared reply topic of this application's requests.
	 * @return the reply topic
	 */
	public String getReplyTopic() {
		return this.replyTopic.topic();
	}

	/**
	 * Return the id of this instance.
	 * @return the instance id
	 */
	public String getInstanceId() {
		return this.instanceId;
	}

	/**
	 * Return the timeout of requests that name none.
	 * @return the default timeout
	 */
	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

	/**
	 * Return the registry of this template's pending requests, read-only.
	 * @return the registry
	 */
	public CorrelationRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * Return whether the reply consumer is positioned, reads and is authorized to read the reply
	 * topic, so that requests are accepted.
	 * @return whether requests are accepted
	 */
	public boolean isAccepting() {
		return getRefusalReason() == null;
	}

	/**
	 * Return why new requests are refused right now: the template does not run, or its reply
	 * consumer cannot read.
	 * @return the reason, or {@code null} when requests are accepted
	 * @since 0.2.0
	 */
	public String getRefusalReason() {
		RequestGate current = this.gate;
		ReplyListener listener = this.replyListener;
		if (!this.accepting || current == null || listener == null) {
			return "reply consumer of '" + getReplyTopic() + "' is not running";
		}
		String problem = current.replyPathProblem();
		if (problem == null && !listener.isReading()) {
			problem = "reply consumer of '" + getReplyTopic() + "' is not authorized to read it";
		}
		return problem;
	}

	/**
	 * Return the number of cancel records sent: one for each request its caller gave up on
	 * (cancelled or timed out), so that its responder stops.
	 * @return the count
	 * @since 0.2.0
	 */
	public long getCancelsSent() {
		RequestSender current = this.sender;
		return (current != null) ? current.cancelsSent() : 0;
	}

	/**
	 * Cancel a pending request by its correlation id: its future fails with a
	 * {@link RequestReplyException} saying so, a reply arriving later counts as late, and a
	 * cancel record tells its responder to stop.
	 * @param correlationId the correlation id
	 * @return whether a pending request with that id was cancelled
	 * @since 0.2.0
	 */
	public boolean cancel(CorrelationId correlationId) {
		Assert.notNull(correlationId, "'correlationId' must not be null");
		return this.registry.cancel(correlationId);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType) {
		return request(topic, payload, replyType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		return request(new ProducerRecord<>(topic, payload), replyType, timeout);
	}

	@Override
	public <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType) {
		return request(record, replyType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType, Duration timeout) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return request(record, (Type) replyType, timeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType) {
		return request(topic, payload, replyType, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType,
			Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(replyType, "'replyType' must not be null");
		return request(new ProducerRecord<>(topic, payload), replyType.getType(), timeout);
	}

	private <T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Type replyType, Duration timeout) {
		Assert.notNull(record, "'record' must not be null");
		assertPositive(timeout, "timeout");
		Duration inherited = RequestSender.inheritTimeout(timeout);
		return sendForFuture(List.of(record.topic()), record, inherited,
				() -> this.registry.<T>register(record.topic(), replyType, inherited));
	}

	@Override
	public <T> CompletableFuture<Reply<T>> exchange(ProducerRecord<?, ?> record,
			ParameterizedTypeReference<T> replyType, Duration timeout) {
		Assert.notNull(record, "'record' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		assertPositive(timeout, "timeout");
		Duration inherited = RequestSender.inheritTimeout(timeout);
		return sendForFuture(List.of(record.topic()), record, inherited, () -> this.registry
			.<T>registerExchange(record.topic(), replyType.getType(), inherited, this.converter));
	}

	@Override
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, Class<T> elementType,
			Duration idleTimeout, Duration timeout) {
		Assert.notNull(elementType, "'elementType' must not be null");
		return requestStream(topic, payload, (Type) elementType, idleTimeout, timeout);
	}

	@Override
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, ParameterizedTypeReference<T> elementType,
			Duration idleTimeout, Duration timeout) {
		Assert.notNull(elementType, "'elementType' must not be null");
		return requestStream(topic, payload, elementType.getType(), idleTimeout, timeout);
	}

	private <T> Flow.Publisher<T> requestStream(String topic, Object payload, Type elementType, Duration idleTimeout,
			Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		assertPositive(idleTimeout, "idleTimeout");
		assertPositive(timeout, "timeout");
		Duration inherited = RequestSender.inheritTimeout(timeout);
		Duration idle = (idleTimeout.compareTo(inherited) > 0) ? inherited : idleTimeout;
		ReplyPublisher<T> publisher = new ReplyPublisher<>(this.streamBuffer);
		try {
			send(List.of(topic), new ProducerRecord<>(topic, payload), inherited, true, () -> this.registry
				.registerStream(topic, elementType, idle, inherited, this.converter, publisher));
		}
		catch (RequestReplyException ex) {
			publisher.fail(ex);
		}
		return publisher;
	}

	@Override
	public <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			Class<T> replyType, GatherPolicy<T> policy) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return scatterGather(topics, payload, (Type) replyType, policy);
	}

	@Override
	public <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			ParameterizedTypeReference<T> replyType, GatherPolicy<T> policy) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return scatterGather(topics, payload, replyType.getType(), policy);
	}

	private <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			Type replyType, GatherPolicy<T> policy) {
		Assert.notEmpty(topics, "'topics' must not be empty");
		Assert.notNull(policy, "'policy' must not be null");
		List<String> targets = List.copyOf(topics);
		Duration inherited = RequestSender.inheritTimeout(policy.timeout());
		GatherPolicy<T> effective = (inherited != policy.timeout()) ? new GatherPolicy<>(policy.done(), inherited)
				: policy;
		return sendForFuture(targets, new ProducerRecord<>(targets.get(0), payload), inherited,
				() -> this.registry.registerGather(targets, replyType, effective, this.converter));
	}

	private <F> CompletableFuture<F> sendForFuture(List<String> topics, ProducerRecord<?, ?> record,
			Duration timeout, Supplier<PendingRequest<F>> register) {
		try {
			return send(topics, record, timeout, false, register);
		}
		catch (RequestReplyException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private <F> PendingRequest<F> send(List<String> topics, ProducerRecord<?, ?> record, Duration timeout,
			boolean stream, Supplier<PendingRequest<F>> register) {
		RequestSender current = this.sender;
		RequestGate currentGate = this.gate;
		if (!this.accepting || current == null || currentGate == null) {
			throw new RequestReplyException(
					"RequestReplyTemplate is not running: request to topic(s) " + topics + " refused");
		}
		currentGate.check(topics);
		return current.send(topics, record, timeout, stream, register);
	}

	private static void assertPositive(Duration duration, String name) {
		Assert.isTrue(duration != null && duration.toNanos() > 0, () -> "'" + name + "' must be positive");
	}

	@Override
	public <T> T requestAndWait(String topic, Object payload, Class<T> replyType) {
		return requestAndWait(topic, payload, replyType, this.defaultTimeout);
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
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
		ReplyListener listener = new ReplyListener(this.replyConsumerFactory, this.adminConfig, this.replyTopic,
				new ReplyDispatcher(this.registry, this.converter),
				this.replyPartitions, () -> this.registry
					.failAll("Reply consumer not authorized to read reply topic '" + getReplyTopic() + "'"));
		int partitions = listener.start();
		this.replyListener = listener;
		this.gate = new RequestGate(new ReplyPathMonitor(listener, this.replyPathTimeout),
				(this.responderCheckInterval != null)
						? new ResponderDirectory(this.adminConfig, this.responderCheckInterval,
								this.localResponderTopics)
						: null,
				this.registry, getReplyTopic());
		this.sender = new RequestSender(this.kafkaTemplate, this.registry, this.converter, getReplyTopic(),
				this.observationRegistry, this.observationConvention, listener);
		this.accepting = true;
		this.running = true;
		logger.info(() -> "Request-reply ready: replies on '" + getReplyTopic() + "' (" + partitions
				+ " partition(s), " + this.replyPartitions.name().toLowerCase(Locale.ROOT) + "), instance "
				+ this.instanceId);
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.accepting = false;
		if (!this.drainTimeout.isZero() && this.registry.pendingCount() > 0) {
			int waiting = this.registry.pendingCount();
			logger.info(() -> "Waiting up to " + this.drainTimeout.toMillis() + " ms for the replies of " + waiting
					+ " pending request(s)");
			this.registry.awaitNoPending(this.drainTimeout);
		}
		int failed = this.registry.failAll("RequestReplyTemplate stopped before the reply arrived");
		if (failed > 0) {
			logger.info(() -> "Stopped with " + failed + " pending request(s); their futures failed");
		}
		RequestGate currentGate = this.gate;
		if (currentGate != null) {
			currentGate.close();
		}
		this.gate = null;
		ReplyListener listener = this.replyListener;
		if (listener != null) {
			listener.stop();
		}
		this.replyListener = null;
		this.running = false;
	}

}
