package dev.requestreply;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
import dev.requestreply.requester.ReplyTopicSettings;
import dev.requestreply.requester.RequestSender;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.Assert;

/**
 * Sends requests over Kafka and completes their futures with the replies that come back over one
 * shared reply topic, matched by correlation id.
 * <p>
 * On start it creates the reply topic if missing and positions one reply consumer at the end of
 * every partition of it, without a consumer group; only then does it accept requests, so the
 * first reply after start-up is never missed. Replies carry the requesting instance's id, so an
 * instance skips the others' replies by a header alone.
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
	 * Set the id of this instance, sent with requests and echoed on replies. Default a random UUID,
	 * so that each instance of an application has its own.
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
	 * Set whether the template starts with the application context. Default true.
	 * @param autoStartup whether to start automatically
	 * @since 0.2.0
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
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
	 * Return whether the reply consumer is positioned, running and authorized to read the reply
	 * topic, so that requests are accepted.
	 * @return whether requests are accepted
	 */
	public boolean isAccepting() {
		ReplyListener listener = this.replyListener;
		return this.accepting && listener != null && listener.isReading();
	}

	/**
	 * Cancel a pending request by its correlation id: its future fails with a
	 * {@link RequestReplyException} saying so, and a reply arriving later counts as late.
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
		Assert.notNull(record, "'record' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		assertPositive(timeout, "timeout");
		try {
			return send(List.of(record.topic()), record, timeout, false,
					() -> this.registry.register(record.topic(), replyType, timeout));
		}
		catch (RequestReplyException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public <T> Flow.Publisher<T> requestStream(String topic, Object payload, Class<T> elementType,
			Duration idleTimeout, Duration timeout) {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(elementType, "'elementType' must not be null");
		assertPositive(idleTimeout, "idleTimeout");
		assertPositive(timeout, "timeout");
		ReplyPublisher<T> publisher = new ReplyPublisher<>();
		try {
			send(List.of(topic), new ProducerRecord<>(topic, payload), timeout, true, () -> this.registry
				.registerStream(topic, elementType, idleTimeout, timeout, this.converter, publisher));
		}
		catch (RequestReplyException ex) {
			publisher.fail(ex);
		}
		return publisher;
	}

	@Override
	public <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			Class<T> replyType, GatherPolicy<T> policy) {
		Assert.notEmpty(topics, "'topics' must not be empty");
		Assert.notNull(replyType, "'replyType' must not be null");
		Assert.notNull(policy, "'policy' must not be null");
		List<String> targets = List.copyOf(topics);
		try {
			return send(targets, new ProducerRecord<>(targets.get(0), payload), policy.timeout(), false,
					() -> this.registry.registerGather(targets, replyType, policy, this.converter));
		}
		catch (RequestReplyException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private <F> PendingRequest<F> send(List<String> topics, ProducerRecord<?, ?> record, Duration timeout,
			boolean stream, Supplier<PendingRequest<F>> register) {
		RequestSender current = this.sender;
		if (!this.accepting || current == null) {
			throw new RequestReplyException(
					"RequestReplyTemplate is not running: request to topic(s) " + topics + " refused");
		}
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
				new ReplyDispatcher(this.registry, this.converter, this.instanceId.getBytes(StandardCharsets.UTF_8)),
				() -> this.registry
					.failAll("Reply consumer not authorized to read reply topic '" + getReplyTopic() + "'"));
		int partitions = listener.start();
		this.replyListener = listener;
		this.sender = new RequestSender(this.kafkaTemplate, this.registry, this.converter, getReplyTopic(),
				this.instanceId, this.observationRegistry, this.observationConvention, listener);
		this.accepting = true;
		this.running = true;
		logger.info(() -> "Request-reply ready: replies on '" + getReplyTopic() + "' (" + partitions
				+ " partition(s)), instance " + this.instanceId);
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
		ReplyListener listener = this.replyListener;
		if (listener != null) {
			listener.stop();
		}
		this.replyListener = null;
		this.running = false;
	}

}
