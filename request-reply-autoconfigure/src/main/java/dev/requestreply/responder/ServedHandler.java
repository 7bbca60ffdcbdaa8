package dev.requestreply.responder;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import dev.requestreply.ReplyHandler;
import dev.requestreply.handler.HandlerInvoker;
import dev.requestreply.handler.ReplyHandlerContainerCustomizer;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.handler.ReplyOptions;
import dev.requestreply.support.SupervisedLoop;
import dev.requestreply.wire.WireFormat;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * One {@link dev.requestreply.ReplyHandler @ReplyHandler} at work: its listener container, whose
 * consumers only take requests in hand and commit ({@link RequestPump}); its own executor and
 * lanes; and the pieces that handle, reply to and end its requests.
 */
final class ServedHandler {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final ReplyHandlerEndpoint endpoint;

	private final ReplyHandlerStats stats;

	// The listener container of a handler in a consumer group, else null.
	private final @Nullable ConcurrentMessageListenerContainer<byte[], byte[]> container;

	// The share consumers of a handler in queue mode, else null.
	private final @Nullable ShareIntake intake;

	private final HandlerThreads threads;

	private final RequestsInHand requests;

	// Not final: the pieces of a handler refer to each other, each is assigned once, below.
	private HandlerExecutor executor;

	private RequestEndings endings;

	private RequestHandling handling;

	// The pump of a handler in a consumer group, else null.
	private @Nullable RequestPump pump;

	private @Nullable ConsumerStops stops;

	// The owner of its requests' state, but in queue mode; and its actions.
	private final @Nullable HandlerCore core;

	private @Nullable CoreActions coreActions;


	private final HandlerWatch watch;

	private final WireFormat wire;

	/**
	 * The share group a queue handler reads in.
	 * @param id its id
	 * @param deliveryLimit the most deliveries of one record the brokers allow
	 */
	record ShareGroup(String id, int deliveryLimit) {

	}

	ServedHandler(ReplyHandlerEndpoint endpoint, String groupId, ResponderSettings settings, ResponderClients clients,
			ResponderShared shared, OutcomeListeners outcomeListeners,
			List<ReplyHandlerContainerCustomizer> customizers) {
		this(endpoint, groupId, null, settings, clients, shared, outcomeListeners, customizers);
	}

	/**
	 * @param shareGroup the share group of a handler in queue mode, or {@code null} for one in a
	 * consumer group
	 */
	ServedHandler(ReplyHandlerEndpoint endpoint, String groupId, @Nullable ShareGroup shareGroup, ResponderSettings settings,
			ResponderClients clients, ResponderShared shared, OutcomeListeners outcomeListeners,
			List<ReplyHandlerContainerCustomizer> customizers) {
		this.endpoint = endpoint;
		this.stats = new ReplyHandlerStats();
		int maxConcurrency = (endpoint.maxConcurrency() != null) ? endpoint.maxConcurrency()
				: settings.maxConcurrency();
		Duration maxHandlingTime = (endpoint.maxHandlingTime() != null) ? endpoint.maxHandlingTime()
				: settings.maxHandlingTime();
		HandlerFigures figures = new HandlerFigures(endpoint, this.stats, outcomeListeners);
		boolean transactional = shared.transactionTemplate() != null;
		KafkaTemplate<byte[], byte[]> replyTemplate = transactional
				? Objects.requireNonNull(shared.transactionTemplate()) : clients.template();
		ReplyWriter writer = transactional
				? new TransactionalReplies(replyTemplate, (work) -> this.executor.urgent(work))
				: ReplyWriter.direct(replyTemplate);
		ReplyOptions replyOptions = settings.replyOptions(endpoint);
		this.wire = RequestReading.wire(endpoint, replyOptions);
		RequestReading reading = new RequestReading(this.wire, settings.policy().maxCorrelationIdBytes(),
				RequestReading.fixedReplyTopic(endpoint, replyOptions, shared));
		ReplySender sender = new ReplySender(writer, this.wire,
				replyOptions.carriesResponderHeaders() ? groupId : null, this.stats, endpoint.id(),
				IdempotencyWindow.of(settings.idempotency(), endpoint),
				ReplySizeLimit.of(replyTemplate.getProducerFactory()));
		this.threads = new HandlerThreads(endpoint.id(), maxConcurrency, settings.virtualThreads(),
				shared.taskDecorator());
		this.core = (shareGroup == null) ? new HandlerCore(endpoint.id(), endpoint.ordering(),
				settings.maxCommitMetadataChars(),
				this.threads.loop(), (action) -> Objects.requireNonNull(this.coreActions).accept(action),
				loopIntake(), (round) -> Objects.requireNonNull(this.coreActions).round(round)) : null;
		// Share groups order nothing.
		RequestLanes lanes = new RequestLanes((shareGroup != null) ? ReplyHandler.Ordering.NONE : endpoint.ordering(),
				(request) -> this.executor.submit(request));
		this.requests = new RequestsInHand(lanes, (request) -> this.endings.cancelled(request),
				(owner) -> pump().wake(owner));
		this.executor = new HandlerExecutor(maxConcurrency, this.threads.calls(), this.threads.urgent(),
				(request) -> this.handling.run(request), this::capacity,
				shared.observationRegistry().isNoop() && !transactional);
		this.endings = new RequestEndings(endpoint.id(), this.requests, figures, this.executor, sender, maxHandlingTime,
				this.core);
		ReplyStage replies = new ReplyStage(endpoint.id(), sender, shared.converter(), figures, this.endings,
				this.executor, this.core);
		this.handling = new RequestHandling(endpoint.id(),
				new HandlerInvoker(endpoint, shared.converter(), settings.policy().maxRequestBytes(),
						this.threads.calls()),
				new ReplyTopicGuard(endpoint.id(), shared.replyTopicPolicy()), shared.replyTopics(),
				this.requests, figures, replies, this.endings,
				new HandlerObservations(shared.observationRegistry(), ReplyHandlerContainers.containerName(endpoint),
						groupId),
				this.core);
		this.watch = new HandlerWatch(endpoint.id(), this.requests, this.endings, this.executor, this.stats,
				this.core);
		if (shareGroup != null) {
			this.container = null;
			int consumers = (endpoint.concurrency() != null) ? endpoint.concurrency() : settings.queue().consumers();
			this.intake = QueueMode.intake(endpoint.id(), endpoint.topics(), clients.consumerConfig(), shareGroup.id(),
					consumers, maxConcurrency, new ShareParts(this.executor, this.requests, lanes, figures,
							maxHandlingTime, reading, shareGroup.deliveryLimit()));
			return;
		}
		this.intake = null;
		HandlerParts parts = new HandlerParts(this.executor, this.requests, lanes, this.endings, figures,
				maxHandlingTime, this.core);
		if (this.core != null) {
			this.coreActions = new CoreActions(this.core, parts, sender, this.threads.sending(),
					shared.observationRegistry().isNoop(), (owner) -> pump().wake(owner));
		}
		HandlerContainer built = new HandlerContainer(endpoint, groupId, settings, clients, parts, reading,
				transactional, this.stats, customizers);
		this.container = built.container();
		this.pump = built.pump();
		this.stops = built.stops();
	}

	// The owner of its requests' state, or null (queue mode).
	@Nullable HandlerCore core() {
		return this.core;
	}

	// While the loop of its core is stuck, its consumers' partitions pause for that reason (a pause
	// of its own: resumed, they stay paused for any other reason, and the container's pause to stop
	// is not undone).
	private LoopIntake loopIntake() {
		return LoopIntake.of(() -> pump().loopStalled(true), () -> pump().loopStalled(false));
	}

	private void capacity() {
		RequestPump pump = this.pump;
		if (pump != null) {
			pump.capacity();
		}
	}

	ReplyHandlerEndpoint endpoint() {
		return this.endpoint;
	}

	ReplyHandlerStats stats() {
		return this.stats;
	}

	/**
	 * Return its listener container, or {@code null} in queue mode.
	 */
	@Nullable ConcurrentMessageListenerContainer<byte[], byte[]> container() {
		return this.container;
	}

	private ConcurrentMessageListenerContainer<byte[], byte[]> listenerContainer() {
		return Objects.requireNonNull(this.container, "A handler in queue mode has no listener container");
	}

	/**
	 * Return the loops of its share consumers (none but in queue mode).
	 */
	List<SupervisedLoop.Status> shareLoops() {
		return (this.intake != null) ? this.intake.loops() : List.of();
	}

	/**
	 * Return why consumers of its container stopped on their own, if any did.
	 */
	Optional<String> stopReason() {
		return Optional.ofNullable((this.stops != null) ? this.stops.abnormalStop() : null);
	}

	RequestPump pump() {
		return Objects.requireNonNull(this.pump, "A handler in queue mode has no pump");
	}

	RequestsInHand requests() {
		return this.requests;
	}

	WireFormat wire() {
		return this.wire;
	}

	HandlerWatch watch() {
		return this.watch;
	}

	void start() {
		if (this.intake != null) {
			this.intake.start();
		}
		else {
			listenerContainer().start();
		}
	}

	/**
	 * Stop taking requests: every partition paused, the consumers still polling (and committing).
	 */
	void pause() {
		if (this.intake != null) {
			this.intake.pause();
		}
		else {
			listenerContainer().pause();
		}
	}

	/**
	 * End what is still in hand without finishing it (its next owner handles it again), stop the
	 * container (which commits what finished) and the threads.
	 */
	void stop() {
		if (this.intake != null) {
			// First, so that it acknowledges what ended and releases the rest, for another instance.
			this.intake.stop(STOP_TIMEOUT);
		}
		if (this.core != null) {
			// Its core abandons them all, and takes nothing more.
			this.core.stop();
			this.requests.awaitLeft(List.copyOf(this.requests.all()), System.nanoTime() + STOP_TIMEOUT.toNanos());
		}
		// Without a core; with one, only what its loop left in hand past the bound (a stuck loop).
		for (InHandRequest request : List.copyOf(this.requests.all())) {
			this.endings.abandoned(request);
		}
		if (this.container != null) {
			this.container.stop();
		}
		this.threads.close();
	}

	ReplyHandlerExecution execution() {
		Map<String, Long> lowest = new TreeMap<>();
		RequestPump pump = this.pump;
		int inHand = (pump != null) ? 0 : this.requests.size();
		Collection<ConsumerLedgers> consumers = (pump != null) ? pump.consumers() : List.of();
		for (ConsumerLedgers owner : consumers) {
			inHand += owner.inHand();
			owner.lowestUnfinished().forEach((partition, offset) -> lowest.put(partition.toString(), offset));
		}
		CallTimes times = this.executor.times();
		return new ReplyHandlerExecution(this.executor.maxConcurrency(), this.executor.active(), this.executor.queued(),
				inHand, times.started(), times.waitTotalNanos(), times.waitMaxNanos(), this.stats.overruns(), lowest);
	}

}
