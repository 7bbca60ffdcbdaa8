package dev.requestreply;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.observation.DefaultRequestReplyObservationConvention;
import dev.requestreply.observation.RequestReplyObservation;
import dev.requestreply.observation.RequestReplyObservationContext;
import dev.requestreply.observation.RequestReplyObservationConvention;
import dev.requestreply.security.AuthorizationMonitor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.BatchAcknowledgingMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.ContainerProperties.AssignmentCommitOption;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.util.Assert;

/**
 * Sends requests over Kafka and completes their futures with the replies that come back over one
 * shared reply topic, matched by correlation id.
 * <p>
 * On start it creates the reply topic if missing and positions one reply consumer at the end of
 * every partition of it, without a consumer group (so it never commits offsets); only then does it
 * accept requests, so the first reply after start-up is never missed. Every instance of an
 * application reads the whole reply topic; replies carry the requesting instance's id in the
 * {@value RequestReplyHeaders#INSTANCE} header, so an instance skips the others' replies by
 * reading that header alone.
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

	private static final LogAccessor logger = new LogAccessor(RequestReplyTemplate.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final ConsumerFactory<?, ByteBuffer> replyConsumerFactory;

	private final Map<String, Object> adminConfig;

	private final CorrelationRegistry registry;

	private final PayloadConverter converter;

	private final String replyTopic;

	private final byte[] replyTopicBytes;

	private Duration defaultTimeout = Duration.ofSeconds(10);

	private String instanceId = UUID.randomUUID().toString();

	private boolean createReplyTopic = true;

	private int replyTopicPartitions = 1;

	private short replyTopicReplicationFactor = -1;

	private Duration startupTimeout = Duration.ofSeconds(30);

	private Duration drainTimeout = Duration.ZERO;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private RequestReplyObservationConvention observationConvention;

	private volatile byte[] instanceBytes;

	private volatile KafkaMessageListenerContainer<?, ByteBuffer> replyContainer;

	private volatile AuthorizationMonitor replyAuthorization;

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
	 * @param replyTopic the shared reply topic
	 */
	public RequestReplyTemplate(KafkaTemplate<byte[], byte[]> kafkaTemplate,
			ConsumerFactory<?, ByteBuffer> replyConsumerFactory, Map<String, Object> adminConfig,
			CorrelationRegistry registry, PayloadConverter converter, String replyTopic) {
		Assert.notNull(kafkaTemplate, "'kafkaTemplate' must not be null");
		Assert.notNull(replyConsumerFactory, "'replyConsumerFactory' must not be null");
		Assert.notNull(adminConfig, "'adminConfig' must not be null");
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(converter, "'converter' must not be null");
		Assert.hasText(replyTopic, "'replyTopic' must not be empty");
		this.kafkaTemplate = kafkaTemplate;
		this.replyConsumerFactory = replyConsumerFactory;
		this.adminConfig = adminConfig;
		this.registry = registry;
		this.converter = converter;
		this.replyTopic = replyTopic;
		this.replyTopicBytes = replyTopic.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Set the timeout of requests that name none. Default 10 seconds.
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
	 * Set whether the reply topic is created on start when it does not exist. Default true.
	 * @param createReplyTopic whether to create the reply topic
	 */
	public void setCreateReplyTopic(boolean createReplyTopic) {
		this.createReplyTopic = createReplyTopic;
	}

	/**
	 * Set the number of partitions of a reply topic created on start. Default 1.
	 * @param partitions the number of partitions
	 */
	public void setReplyTopicPartitions(int partitions) {
		Assert.isTrue(partitions > 0, "'partitions' must be positive");
		this.replyTopicPartitions = partitions;
	}

	/**
	 * Set the replication factor of a reply topic created on start. Default -1, the broker's
	 * default.
	 * @param replicationFactor the replication factor
	 */
	public void setReplyTopicReplicationFactor(short replicationFactor) {
		this.replyTopicReplicationFactor = replicationFactor;
	}

	/**
	 * Set how long start may wait for the broker to create and describe the reply topic. Default
	 * 30 seconds.
	 * @param startupTimeout the start-up timeout
	 */
	public void setStartupTimeout(Duration startupTimeout) {
		Assert.notNull(startupTimeout, "'startupTimeout' must not be null");
		this.startupTimeout = startupTimeout;
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
	 * request's round trip. Default the no-op registry: requests are not observed.
	 * @param observationRegistry the observation registry
	 * @since 0.1.0
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set a convention for the round trip observations, replacing the default one.
	 * @param observationConvention the convention, or {@code null} for the default
	 * @since 0.1.0
	 */
	public void setObservationConvention(RequestReplyObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Return the shared reply topic of this application's requests.
	 * @return the reply topic
	 */
	public String getReplyTopic() {
		return this.replyTopic;
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
	 * Return the registry of this template's pending requests.
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
		KafkaMessageListenerContainer<?, ByteBuffer> container = this.replyContainer;
		AuthorizationMonitor authorization = this.replyAuthorization;
		return this.accepting && container != null && container.isRunning()
				&& (authorization == null || !authorization.isDenied());
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
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
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
		Assert.isTrue(idleTimeout != null && idleTimeout.toNanos() > 0, "'idleTimeout' must be positive");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
		AtomicReference<CorrelationId> id = new AtomicReference<>();
		ReplyPublisher<T> publisher = new ReplyPublisher<>(() -> {
			CorrelationId started = id.get();
			if (started != null) {
				this.registry.cancel(started);
			}
		});
		try {
			PendingRequest<Void> pending = send(List.of(topic), new ProducerRecord<>(topic, payload), timeout, true,
					() -> {
						long now = System.nanoTime();
						StreamCollector<T> collector = new StreamCollector<>(this.registry, this.converter,
								elementType, publisher, idleTimeout, now + timeout.toNanos());
						PendingRequest<Void> registered = this.registry.register(topic, Void.class, timeout,
								collector);
						this.registry.reschedule(registered, collector.firstDeadline(now));
						return registered;
					});
			id.set(pending.id);
			pending.whenComplete((done, ex) -> {
				if (ex != null) {
					publisher.fail(ex);
				}
				else {
					publisher.complete();
				}
			});
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
					() -> this.registry.register(String.join(",", targets), null, policy.timeout(),
							new GatherCollector<>(this.registry, this.converter, replyType, policy)));
		}
		catch (RequestReplyException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Encode a request, register it, and send it to each topic with one correlation id.
	 */
	private <F> PendingRequest<F> send(List<String> topics, ProducerRecord<?, ?> record, Duration timeout,
			boolean stream, Supplier<PendingRequest<F>> register) {
		if (!this.accepting) {
			throw new RequestReplyException(
					"RequestReplyTemplate is not running: request to topic(s) " + topics + " refused");
		}
		byte[] key = this.converter.toBytes(record.key());
		byte[] value = this.converter.toBytes(record.value());
		PendingRequest<F> pending = register.get();
		AuthorizationMonitor authorization = this.replyAuthorization;
		if (authorization != null && authorization.isDenied()) {
			// Its reply could not be read: fail now (counted as an error) rather than at the timeout.
			this.registry.failIfPending(pending, authorization.failure("Request " + pending.id + " to " + topics));
			return pending;
		}
		RecordHeaders headers = headers(record, pending, timeout);
		if (stream) {
			headers.add(RequestReplyHeaders.STREAM, new byte[] { '1' });
		}
		for (String topic : topics) {
			// Headers of their own per record: the producer makes them read-only, a tracer adds to them.
			ProducerRecord<byte[], byte[]> request = new ProducerRecord<>(topic, record.partition(),
					record.timestamp(), key, value, new RecordHeaders(headers.toArray()));
			if (this.observationRegistry.isNoop()) {
				send(request, pending);
			}
			else {
				sendObserved(request, pending);
			}
		}
		return pending;
	}

	private void sendObserved(ProducerRecord<byte[], byte[]> request, PendingRequest<?> pending) {
		RequestReplyObservationContext context = new RequestReplyObservationContext(request.headers(),
				request.topic(), pending.id);
		Observation observation = RequestReplyObservation.REQUEST.observation(this.observationConvention,
				DefaultRequestReplyObservationConvention.INSTANCE, () -> context, this.observationRegistry);
		// Started before the send, so a tracer writes its context into the request's headers.
		observation.start();
		try (Observation.Scope scope = observation.openScope()) {
			send(request, pending);
		}
		pending.whenComplete((reply, ex) -> {
			RequestOutcome outcome = pending.outcome;
			if (outcome == null) {
				outcome = (ex == null) ? RequestOutcome.SUCCESS
						: (ex instanceof CancellationException) ? RequestOutcome.CANCELLED : RequestOutcome.ERROR;
			}
			context.setOutcome(outcome);
			if (ex != null) {
				observation.error(ex);
			}
			observation.stop();
		});
	}

	private RecordHeaders headers(ProducerRecord<?, ?> record, PendingRequest<?> pending, Duration timeout) {
		RecordHeaders headers = new RecordHeaders(record.headers().toArray());
		for (String name : List.of(RequestReplyHeaders.CORRELATION_ID, RequestReplyHeaders.REPLY_TOPIC,
				RequestReplyHeaders.DEADLINE, RequestReplyHeaders.INSTANCE, RequestReplyHeaders.STREAM)) {
			headers.remove(name);
		}
		long deadline = System.currentTimeMillis() + timeout.toMillis();
		headers.add(RequestReplyHeaders.CORRELATION_ID, pending.id.toBytes());
		headers.add(RequestReplyHeaders.REPLY_TOPIC, this.replyTopicBytes);
		headers.add(RequestReplyHeaders.DEADLINE, Long.toString(deadline).getBytes(StandardCharsets.US_ASCII));
		headers.add(RequestReplyHeaders.INSTANCE, this.instanceBytes);
		return headers;
	}

	private void send(ProducerRecord<byte[], byte[]> request, PendingRequest<?> pending) {
		try {
			this.kafkaTemplate.send(request).whenComplete((result, ex) -> {
				if (ex != null) {
					sendFailed(request, pending, ex);
				}
			});
		}
		catch (RuntimeException ex) {
			sendFailed(request, pending, ex);
		}
	}

	private void sendFailed(ProducerRecord<byte[], byte[]> request, PendingRequest<?> pending, Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		this.registry.failIfPending(pending, new RequestReplyException(
				"Failed to send request " + pending.id + " to topic '" + request.topic() + "'", cause));
	}

	@Override
	public <T> T requestAndWait(String topic, Object payload, Class<T> replyType) {
		return requestAndWait(topic, payload, replyType, this.defaultTimeout);
	}

	@Override
	public <T> T requestAndWait(String topic, Object payload, Class<T> replyType, Duration timeout) {
		CompletableFuture<T> future = request(topic, payload, replyType, timeout);
		try {
			// Bounded: the registry ends every request by its timeout at the latest.
			return future.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RequestReplyException failure) {
				throw failure;
			}
			throw new RequestReplyException("Request to topic '" + topic + "' failed", ex.getCause());
		}
		catch (CancellationException ex) {
			throw new RequestReplyException("Request to topic '" + topic + "' was cancelled", ex);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new RequestReplyException("Interrupted while waiting for the reply to a request to topic '"
					+ topic + "'", ex);
		}
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
		this.instanceBytes = this.instanceId.getBytes(StandardCharsets.UTF_8);
		List<TopicPartitionOffset> positions = positionsAtEnd();
		ContainerProperties properties = new ContainerProperties(positions.toArray(TopicPartitionOffset[]::new));
		// No consumer group: nothing is ever committed, so each poll avoids the broker's commit linger.
		properties.setAckMode(AckMode.MANUAL);
		properties.setAssignmentCommitOption(AssignmentCommitOption.NEVER);
		properties.setClientId("request-reply-" + this.replyTopic);
		ReplyDispatcher dispatcher = new ReplyDispatcher(this.registry, this.converter, this.instanceBytes);
		properties.setMessageListener((BatchAcknowledgingMessageListener<Object, ByteBuffer>) (records, ack) -> {
			for (var record : records) {
				try {
					dispatcher.dispatch(record);
				}
				catch (RuntimeException ex) {
					logger.error(ex, () -> "Failed to dispatch reply at " + record.topic() + "-" + record.partition()
							+ "@" + record.offset());
				}
			}
		});
		@SuppressWarnings("unchecked")
		ConsumerFactory<Object, ByteBuffer> consumerFactory = (ConsumerFactory<Object, ByteBuffer>) this.replyConsumerFactory;
		KafkaMessageListenerContainer<Object, ByteBuffer> container = new KafkaMessageListenerContainer<>(
				consumerFactory, properties);
		container.setBeanName("requestReplyReplyContainer");
		AuthorizationMonitor authorization = new AuthorizationMonitor(
				"READ and DESCRIBE on reply topic '" + this.replyTopic + "'",
				() -> this.registry
					.failAll("Reply consumer not authorized to read reply topic '" + this.replyTopic + "'"));
		authorization.watch(container);
		this.replyAuthorization = authorization;
		container.start();
		this.replyContainer = container;
		this.accepting = true;
		this.running = true;
		logger.info(() -> "Request-reply ready: replies on '" + this.replyTopic + "' (" + positions.size()
				+ " partition(s)), instance " + this.instanceId);
	}

	private List<TopicPartitionOffset> positionsAtEnd() {
		long timeoutMs = this.startupTimeout.toMillis();
		long deadline = System.nanoTime() + this.startupTimeout.toNanos();
		try (Admin admin = Admin.create(this.adminConfig)) {
			if (this.createReplyTopic) {
				createReplyTopic(admin, timeoutMs);
			}
			for (;;) {
				try {
					return endOffsets(admin, timeoutMs);
				}
				catch (ExecutionException ex) {
					// A topic just created has no leader for a moment: retry until the start-up timeout.
					if (!(ex.getCause() instanceof RetriableException) || System.nanoTime() - deadline > 0) {
						throw ex;
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RequestReplyException("Interrupted while preparing reply topic '" + this.replyTopic + "'", ex);
		}
		catch (Exception ex) {
			if (NestedExceptionUtils.getRootCause(ex) instanceof AuthorizationException) {
				throw new RequestReplyException("Not authorized to prepare reply topic '" + this.replyTopic
						+ "': this application's principal needs READ and DESCRIBE on it, and CREATE while it is"
						+ " missing and request-reply.create-reply-topic is true", ex);
			}
			throw new RequestReplyException("Cannot prepare reply topic '" + this.replyTopic + "' within "
					+ timeoutMs + " ms; check spring.kafka.bootstrap-servers, that the topic exists or may be created"
					+ " (request-reply.create-reply-topic), and request-reply.startup-timeout", ex);
		}
	}

	private List<TopicPartitionOffset> endOffsets(Admin admin, long timeoutMs) throws Exception {
		TopicDescription description = admin.describeTopics(Set.of(this.replyTopic))
			.allTopicNames()
			.get(timeoutMs, TimeUnit.MILLISECONDS)
			.get(this.replyTopic);
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		description.partitions()
			.forEach((partition) -> latest.put(new TopicPartition(this.replyTopic, partition.partition()),
					OffsetSpec.latest()));
		Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest)
			.all()
			.get(timeoutMs, TimeUnit.MILLISECONDS);
		List<TopicPartitionOffset> positions = new ArrayList<>();
		ends.forEach((partition, end) -> positions
			.add(new TopicPartitionOffset(this.replyTopic, partition.partition(), end.offset())));
		return positions;
	}

	private void createReplyTopic(Admin admin, long timeoutMs) throws Exception {
		NewTopic topic = new NewTopic(this.replyTopic, Optional.of(this.replyTopicPartitions),
				Optional.of(this.replyTopicReplicationFactor).filter((factor) -> factor > 0));
		try {
			admin.createTopics(List.of(topic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
			logger.info(() -> "Created reply topic '" + this.replyTopic + "' with " + this.replyTopicPartitions
					+ " partition(s)");
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw ex;
			}
		}
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
		KafkaMessageListenerContainer<?, ByteBuffer> container = this.replyContainer;
		if (container != null) {
			container.stop();
		}
		this.replyContainer = null;
		this.running = false;
	}

}
