package dev.requestreply.durable;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableRequest;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.support.SupervisedLoop;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.util.Assert;

/**
 * Durable requests of one application: submits them, and, when the application has
 * {@code @DurableReplyListener} methods, reads their outcomes in the application's consumer group
 * of the durable reply topic. Without listeners it starts nothing and refuses every submit.
 *
 * @since 0.4.0
 */
public final class DurableRequests implements SmartLifecycle, DisposableBean {

	private static final int LISTENER_THREADS = 4;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final DurableSettings settings;

	private final DurableListeners listeners;

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final ConsumerFactory<byte[], byte[]> consumerFactory;

	private final Map<String, Object> adminConfig;

	private final PayloadConverter converter;

	private final DurableSubmitter submitter;

	private final ThreadPoolTaskExecutor sender;

	private final DurableFigures figures = new DurableFigures();

	private final @Nullable OutcomeTransactions transactions;

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private volatile int partitions;

	private volatile boolean running;

	private @Nullable Running parts;

	private record Running(ConcurrentMessageListenerContainer<byte[], byte[]> container, SupervisedLoop loop,
			PendingOwner owner, OutcomeDelivery delivery) {

	}

	/**
	 * Create the durable requests of an application.
	 * @param settings the settings
	 * @param listeners the application's listeners
	 * @param kafkaTemplate the template that sends requests and pending records
	 * @param consumerFactory the factory of the consumers of the durable topics
	 * @param adminConfig the configuration of the admin client that prepares the topics
	 * @param converter the payload converter
	 */
	public DurableRequests(DurableSettings settings, DurableListeners listeners,
			KafkaTemplate<byte[], byte[]> kafkaTemplate, ConsumerFactory<byte[], byte[]> consumerFactory,
			Map<String, Object> adminConfig, PayloadConverter converter) {
		this(settings, listeners, kafkaTemplate, consumerFactory, adminConfig, converter, null);
	}

	/**
	 * Create the durable requests of an application whose outcomes end in transactions when its
	 * producer factory is transactional: each outcome's listener call, with what the listener sends
	 * through a {@code KafkaTemplate} of that factory, the end of the request's pending state and
	 * its reply's offset commit together or not at all.
	 * @param settings the settings
	 * @param listeners the application's listeners
	 * @param kafkaTemplate the template that sends requests and pending records
	 * @param consumerFactory the factory of the consumers of the durable topics
	 * @param adminConfig the configuration of the admin client that prepares the topics
	 * @param converter the payload converter
	 * @param applicationProducerFactory the application's producer factory; outcomes end in
	 * transactions when it is transactional, at least once otherwise or when {@code null}
	 * @since 0.4.0
	 */
	public DurableRequests(DurableSettings settings, DurableListeners listeners,
			KafkaTemplate<byte[], byte[]> kafkaTemplate, ConsumerFactory<byte[], byte[]> consumerFactory,
			Map<String, Object> adminConfig, PayloadConverter converter,
			@Nullable ProducerFactory<?, ?> applicationProducerFactory) {
		Assert.notNull(settings, "'settings' must not be null");
		this.settings = settings;
		this.listeners = listeners;
		this.kafkaTemplate = kafkaTemplate;
		this.consumerFactory = consumerFactory;
		this.adminConfig = adminConfig;
		this.converter = converter;
		this.sender = new ThreadPoolTaskExecutorBuilder().corePoolSize(1)
			.maxPoolSize(1)
			.allowCoreThreadTimeOut(true)
			.threadNamePrefix("request-reply-durable-sender-")
			.build();
		this.sender.initialize();
		this.submitter = new DurableSubmitter(kafkaTemplate, converter, settings, listeners, () -> this.partitions,
				this.sender, () -> this.observationRegistry);
		this.transactions = (applicationProducerFactory != null && applicationProducerFactory.transactionCapable())
				? new OutcomeTransactions(applicationProducerFactory, settings) : null;
	}

	/**
	 * Return whether outcomes end in transactions (exactly one committed outcome per request).
	 * @return whether the application's producer factory is transactional
	 */
	public boolean isTransactional() {
		return this.transactions != null;
	}

	/**
	 * Set the registry that observes listener calls, inside the trace of the call that submitted
	 * their request; set it before {@link #start()}.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Submit a durable request.
	 * @param topic the request topic
	 * @param payload the payload
	 * @param options the kind, timeout and context
	 * @return the request
	 * @see dev.requestreply.RequestReplyOperations#submit(String, Object, DurableOptions)
	 */
	public DurableRequest submit(String topic, Object payload, DurableOptions options) {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(options, "'options' must not be null");
		return this.submitter.submit(topic, payload, options);
	}

	/**
	 * Cancel a durable request from this instance: a cancel marker, sent as a request (through
	 * {@code requester}) to the durable reply partition of the request, which its owner answers.
	 * @param id the request's id
	 * @param timeout how long to wait for the answer (the request's timeout)
	 * @param requester sends the marker as a request whose reply is a {@code Boolean}
	 * @return whether the request was pending and is now cancelled
	 * @see dev.requestreply.RequestReplyOperations#cancelDurable(String)
	 */
	public boolean cancel(String id, Duration timeout,
			Function<ProducerRecord<?, ?>, CompletableFuture<Boolean>> requester) {
		Assert.hasText(id, "'id' must not be empty");
		int partitions = this.partitions;
		if (partitions <= 0) {
			partitions = this.kafkaTemplate.partitionsFor(this.settings.replyTopic()).size();
		}
		return DurableCancels.cancel(id, this.settings.replyTopic(), partitions, timeout, requester);
	}

	/**
	 * Return the settings.
	 * @return the settings
	 */
	public DurableSettings getSettings() {
		return this.settings;
	}

	/**
	 * Return how many durable partitions this instance is restoring; requests' outcomes on them
	 * wait until their restore ends.
	 * @return the count; 0 when none or stopped
	 */
	public int getRestoringPartitions() {
		Running running = this.parts;
		return (running != null) ? running.owner().restoring() : 0;
	}

	/**
	 * Return how many durable requests are pending on the partitions this instance owns.
	 * @return the count
	 */
	public int getPendingCount() {
		Running running = this.parts;
		return (running != null) ? running.owner().pendingCount() : 0;
	}

	/**
	 * Return the durable requests pending on the partitions this instance owns, by kind (counted
	 * at most every 200 ms).
	 * @return the counts, sorted by kind; empty when none or stopped
	 */
	public Map<String, Integer> getPendingByKind() {
		Running running = this.parts;
		return (running != null) ? running.owner().tally().byKind() : Map.of();
	}

	/**
	 * Return how long ago the oldest durable request pending on the partitions this instance owns
	 * was submitted.
	 * @return its age, or {@code null} when none is pending
	 */
	public @Nullable Duration getOldestPendingAge() {
		Running running = this.parts;
		long submittedAt = (running != null) ? running.owner().tally().oldestSubmittedAt() : -1;
		return (submittedAt < 0) ? null : Duration.ofMillis(Math.max(0, System.currentTimeMillis() - submittedAt));
	}

	/**
	 * Return the kinds of this application's {@code @DurableReplyListener} methods.
	 * @return the kinds, sorted
	 */
	public Set<String> getKinds() {
		return this.listeners.kinds();
	}

	/**
	 * Return how many replies were skipped for naming no pending durable request.
	 * @return the count
	 */
	public long getUnknownReplies() {
		return this.figures.unknownReplies();
	}

	/**
	 * Return how many outcomes of a type ended (whether or not their listener succeeded).
	 * @param type {@code replied}, {@code failed}, {@code timed_out} or {@code cancelled}
	 * @return the count since start
	 */
	public long getOutcomes(String type) {
		return this.figures.outcomes(type);
	}

	/**
	 * Return how many outcomes were delivered again: their listener had been called for them
	 * before, by an instance that stopped or crashed before their end was written.
	 * @return the count since start
	 */
	public long getRedeliveries() {
		return this.figures.redeliveries();
	}

	/**
	 * Return how many outcomes of a kind and type ended.
	 * @param kind the kind
	 * @param type {@code replied}, {@code failed}, {@code timed_out} or {@code cancelled}
	 * @return the count since start
	 */
	public long getOutcomes(String kind, String type) {
		return this.figures.outcomes(kind, type);
	}

	/**
	 * Return the outcomes ended, by kind then type.
	 * @return the counts of each listener kind and of any other kind that had an outcome, sorted
	 * by kind
	 */
	public Map<String, Map<String, Long>> getOutcomesByKind() {
		return this.figures.outcomesByKind(this.listeners.kinds());
	}

	/**
	 * Return how many outcomes ended without their listener, which failed every attempt.
	 * @return the count since start
	 */
	public long getListenerFailures() {
		return this.figures.listenerFailures();
	}

	/**
	 * Return how long the last restore of a durable partition took.
	 * @return the time, or {@code null} before the first
	 */
	public @Nullable Duration getLastRestoreTime() {
		long millis = this.figures.lastRestoreMillis();
		return (millis < 0) ? null : Duration.ofMillis(millis);
	}

	/**
	 * Return whether this instance reads outcomes: it has listeners and runs.
	 * @return whether it reads outcomes
	 */
	public boolean isReadingOutcomes() {
		return this.parts != null;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		if (this.listeners.kinds().isEmpty()) {
			return;
		}
		this.partitions = new DurableTopicProvisioner(this.adminConfig, this.settings).prepare();
		OutcomeDelivery delivery = new OutcomeDelivery(this.kafkaTemplate, this.settings.pendingTopic(),
				LISTENER_THREADS, this.figures, this.transactions, new ListenerObservations(this.observationRegistry,
						this.settings.pendingTopic(), this.settings.groupId()));
		PendingOwner owner = new PendingOwner(this.consumerFactory, this.settings, this.listeners, delivery,
				this.converter, new ResponderCancels(this.kafkaTemplate, this.settings.headerNames()), this.figures);
		SupervisedLoop loop = new SupervisedLoop(PendingOwner.THREAD_NAME, owner, Duration.ofMillis(100),
				Duration.ofSeconds(10));
		ConcurrentMessageListenerContainer<byte[], byte[]> container = container(owner);
		this.parts = new Running(container, loop, owner, delivery);
		loop.start();
		container.start();
	}

	private ConcurrentMessageListenerContainer<byte[], byte[]> container(PendingOwner owner) {
		ContainerProperties properties = new ContainerProperties(this.settings.replyTopic());
		properties.setGroupId(this.settings.groupId());
		properties.setClientId("request-reply-durable");
		// Commits are the pump's: contiguous finished offsets only.
		properties.setAckMode(ContainerProperties.AckMode.MANUAL);
		properties.getKafkaConsumerProperties().put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		properties.getKafkaConsumerProperties().put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		properties.setPollTimeout(200);
		DurableReplyPump pump = new DurableReplyPump(owner, this.settings, this.transactions != null);
		if (this.transactions != null) {
			this.transactions.ownedBy(pump);
		}
		properties.setMessageListener(pump);
		properties.setConsumerRebalanceListener(pump);
		owner.readRepliesFrom(pump::readTo);
		ConcurrentMessageListenerContainer<byte[], byte[]> container = new ConcurrentMessageListenerContainer<>(
				this.consumerFactory, properties);
		container.setBatchInterceptor(pump);
		container.setBeanName("request-reply-durable");
		return container;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.partitions = 0;
		Running running = this.parts;
		this.parts = null;
		if (running != null) {
			running.container().stop();
			running.loop().stop(STOP_TIMEOUT);
			running.delivery().close();
		}
	}

	/**
	 * Stop, then stop the thread that sends requests.
	 */
	@Override
	public void destroy() {
		stop();
		this.sender.shutdown();
		if (this.transactions != null) {
			this.transactions.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Stopped after web servers and listener containers, with the request-reply template.
		return dev.requestreply.RequestReplyTemplate.PHASE;
	}

}
