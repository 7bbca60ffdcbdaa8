package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.ReplyHandlerBeanPostProcessor;
import dev.requestreply.handler.ReplyHandlerContainerCustomizer;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.handler.ReplyTopicPolicy;
import dev.requestreply.support.LoopThreads;
import dev.requestreply.support.SupervisedLoop;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.util.Assert;

/**
 * Serves every {@link dev.requestreply.ReplyHandler @ReplyHandler} method found: one listener
 * container each ({@link ServedHandler}), the watchdog that ends their requests on time, and the
 * reader of cancel records. On stop, the handlers take no more requests, those in hand may finish
 * within the shutdown timeout (and are committed), the rest are left to the next owner of their
 * partitions.
 *
 * @since 0.3.0
 */
public class ResponderContainers implements ReplyHandlerContainers, SmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(ResponderContainers.class);

	private static final long DRAIN_CHECK_MILLIS = 20;

	/**
	 * What the share group id of a handler in queue mode adds to its consumer group id.
	 */
	public static final String SHARE_GROUP_SUFFIX = ".share";

	private final ReplyHandlerBeanPostProcessor discoverer;

	private final ResponderClients clients;

	private final PayloadConverter converter;

	private final ResponderSettings settings;

	private final ObservationRegistry observationRegistry;

	private final List<ReplyHandlerContainerCustomizer> customizers;

	private final @Nullable TaskDecorator taskDecorator;

	private final OutcomeListeners outcomeListeners = new OutcomeListeners();

	private final Map<String, ServedHandler> served = new LinkedHashMap<>();

	private @Nullable Watchdog watchdog;

	private @Nullable CancelReader cancelReader;

	private @Nullable ReplyTopics replyTopics;

	private volatile boolean running;

	/**
	 * Create the handlers' containers.
	 * @param discoverer the post-processor that finds the handler methods
	 * @param clients the handlers' Kafka clients
	 * @param converter the payload converter
	 * @param settings the handlers' settings
	 * @param observationRegistry the registry requests are observed with (the no-op one for none)
	 * @param customizers the customizers of each handler's container, in order
	 * @param taskDecorator the application's decorator of tasks on handler threads, or
	 * {@code null}
	 */
	public ResponderContainers(ReplyHandlerBeanPostProcessor discoverer, ResponderClients clients,
			PayloadConverter converter, ResponderSettings settings, ObservationRegistry observationRegistry,
			List<ReplyHandlerContainerCustomizer> customizers, @Nullable TaskDecorator taskDecorator) {
		Assert.notNull(discoverer, "'discoverer' must not be null");
		Assert.notNull(clients, "'clients' must not be null");
		Assert.notNull(converter, "'converter' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.discoverer = discoverer;
		this.clients = clients;
		this.converter = converter;
		this.settings = settings;
		this.observationRegistry = observationRegistry;
		this.customizers = List.copyOf(customizers);
		this.taskDecorator = taskDecorator;
	}

	/**
	 * Return the settings the handlers run with.
	 * @return the settings
	 */
	public ResponderSettings getSettings() {
		return this.settings;
	}

	@Override
	public List<ReplyHandlerEndpoint> getEndpoints() {
		return this.discoverer.getEndpoints();
	}

	@Override
	public String groupId(ReplyHandlerEndpoint endpoint) {
		// Each handler rebalances on its own (a handler joining or leaving does not pause the
		// others) while all instances of the application share it.
		return (endpoint.groupId() != null) ? endpoint.groupId()
				: this.settings.defaultGroupId() + "." + String.join(",", endpoint.topics());
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Its consumer group id
	 * followed by {@code .share} (group ids share one namespace across group types, so the
	 * consumer group's own id would break a handler that ever ran in it).
	 * @param endpoint the handler
	 * @return the share group id, or {@code null} for a handler in a consumer group
	 */
	@Override
	public @Nullable String shareGroupId(ReplyHandlerEndpoint endpoint) {
		return this.settings.queueMode(endpoint) ? shareGroupOf(endpoint) : null;
	}

	private String shareGroupOf(ReplyHandlerEndpoint endpoint) {
		return groupId(endpoint) + SHARE_GROUP_SUFFIX;
	}

	@Override
	public synchronized Map<String, ReplyHandlerStats> getStats() {
		Map<String, ReplyHandlerStats> stats = new LinkedHashMap<>();
		this.served.forEach((id, handler) -> stats.put(id, handler.stats()));
		return stats;
	}

	@Override
	public synchronized Map<String, ReplyHandlerExecution> getExecution() {
		Map<String, ReplyHandlerExecution> execution = new LinkedHashMap<>();
		this.served.forEach((id, handler) -> execution.put(id, handler.execution()));
		return execution;
	}

	@Override
	public synchronized List<SupervisedLoop.Status> getBackgroundLoops() {
		List<SupervisedLoop.Status> loops = new ArrayList<>();
		if (this.watchdog != null) {
			loops.add(this.watchdog.status());
		}
		if (this.cancelReader != null) {
			loops.add(this.cancelReader.status());
		}
		this.served.values().forEach((handler) -> loops.addAll(handler.shareLoops()));
		return loops;
	}

	@Override
	public synchronized Map<String, Duration> getLoopLags() {
		Map<String, Duration> lags = new LinkedHashMap<>();
		this.served.forEach((id, handler) -> {
			HandlerCore core = handler.core();
			if (core != null) {
				lags.put(id, Duration.ofNanos(core.loop().lagNanos(System.nanoTime())));
			}
		});
		return lags;
	}

	/**
	 * Return the handler with the given id while it is served, else {@code null}.
	 */
	synchronized @Nullable ServedHandler served(String handlerId) {
		return this.served.get(handlerId);
	}

	@Override
	public synchronized List<ConcurrentMessageListenerContainer<byte[], byte[]>> getContainers() {
		return this.running ? this.served.values()
			.stream()
			.map(ServedHandler::container)
			.filter(Objects::nonNull)
			.toList() : List.of();
	}

	@Override
	public synchronized Map<String, String> getStopReasons() {
		Map<String, String> reasons = new LinkedHashMap<>();
		this.served.values().forEach((handler) -> handler.stopReason()
			.ifPresent((reason) -> reasons.put(ReplyHandlerContainers.containerName(handler.endpoint()), reason)));
		return reasons;
	}

	@Override
	public void addOutcomeListener(ReplyHandlerOutcomeListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.outcomeListeners.add(listener);
	}

	@Override
	public void addEngineOutcomeListener(ReplyHandlerOutcomeListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.outcomeListeners.addInline(listener);
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
		List<ReplyHandlerEndpoint> endpoints = this.discoverer.getEndpoints();
		this.replyTopics = new ReplyTopics(new AdminTopicLookup(this.clients.adminConfigOrConsumers()),
				System::nanoTime);
		ResponderShared shared = new ResponderShared(this.converter,
				new ReplyTopicPolicy(this.settings.policy().allowedReplyTopics(),
						endpoints.stream().flatMap((endpoint) -> endpoint.topics().stream()).toList()),
				this.observationRegistry, this.taskDecorator,
				ResponderShared.transactionTemplate(this.clients, this.observationRegistry), this.replyTopics);
		int deliveryLimit = QueueModeStart.prepare(endpoints.stream().filter(this.settings::queueMode).toList(),
				this.settings, this.clients.adminConfigOrConsumers(), shared.transactionTemplate() != null,
				this::shareGroupOf);
		this.watchdog = new Watchdog();
		this.cancelReader = new CancelReader(this.clients.consumerConfig(),
				LoopThreads.of(this.settings.virtualThreads()));
		this.served.clear();
		for (ReplyHandlerEndpoint endpoint : endpoints) {
			String groupId = groupId(endpoint);
			String shareGroupId = shareGroupId(endpoint);
			ServedHandler handler = new ServedHandler(endpoint, groupId,
					(shareGroupId != null) ? new ServedHandler.ShareGroup(shareGroupId, deliveryLimit) : null,
					this.settings, this.clients, shared, this.outcomeListeners, this.customizers);
			this.cancelReader.register(endpoint.topics(), handler.requests(), handler.wire());
			this.watchdog.add(handler.watch());
			handler.start();
			this.served.put(endpoint.id(), handler);
			logger.info(() -> "@ReplyHandler " + endpoint.id() + " serving " + endpoint.topics()
					+ ((shareGroupId != null) ? " in share group '" + shareGroupId + "' (queue mode)"
							: " in group '" + groupId + "'")
					+ ((shared.transactionTemplate() != null) ? ", replying in transactions" : ""));
		}
		this.watchdog.start();
		this.cancelReader.start();
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.served.values().forEach(ServedHandler::pause);
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		while (inHand() > 0 && System.nanoTime() - deadline < 0) {
			try {
				Thread.sleep(DRAIN_CHECK_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		int left = inHand();
		if (left > 0) {
			logger.warn(() -> left + " request(s) still in hand after request-reply.handler.shutdown-timeout ("
					+ this.settings.shutdownTimeout() + "); they are handled again by the next owner of their partitions");
		}
		this.served.values().forEach(ServedHandler::stop);
		if (this.watchdog != null) {
			this.watchdog.stop();
		}
		if (this.cancelReader != null) {
			this.cancelReader.stop();
		}
		this.outcomeListeners.stop();
		if (this.replyTopics != null) {
			this.replyTopics.close();
		}
		this.running = false;
	}

	private int inHand() {
		return this.served.values().stream().mapToInt((handler) -> handler.requests().size()).sum();
	}

}
