package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;

import dev.requestreply.handler.ReplyHandlerContainerCustomizer;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.security.AuthorizationMonitor;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;

/**
 * The listener container of a handler in a consumer group, built: its consumers only take
 * requests in hand and commit ({@link RequestPump}), customized by the application without losing
 * the engine's hooks, and watched for consumers that stop ({@link ConsumerStops}).
 */
final class HandlerContainer {

	private static final Duration MIN_POLL_TIMEOUT = Duration.ofMillis(10);

	private static final Duration MAX_POLL_TIMEOUT = Duration.ofSeconds(1);

	private final ConcurrentMessageListenerContainer<byte[], byte[]> container;

	private final RequestPump pump;

	private final ConsumerStops stops;

	/**
	 * @param transactional whether replies are sent in transactions (which then commit the
	 * offsets, not the pump)
	 */
	HandlerContainer(ReplyHandlerEndpoint endpoint, String groupId, ResponderSettings settings,
			ResponderClients clients, HandlerParts parts, RequestReading reading, boolean transactional,
			ReplyHandlerStats stats, List<ReplyHandlerContainerCustomizer> customizers) {
		ContainerProperties properties = containerProperties(endpoint, groupId, settings);
		StaticMembership.apply(properties, clients.consumerConfig(), endpoint.id());
		this.container = new ConcurrentMessageListenerContainer<>(clients.consumerFactory(), properties);
		this.pump = new RequestPump(this.container, settings, parts,
				new Revocations(endpoint.id(), parts, settings.revokeGrace(), !transactional), !transactional, reading);
		this.container.setupMessageListener(this.pump);
		this.container.setBatchInterceptor(this.pump);
		this.container.getContainerProperties().setConsumerRebalanceListener(this.pump);
		this.container.setConcurrency((endpoint.concurrency() != null) ? endpoint.concurrency()
				: settings.defaultConcurrency());
		this.container.setBeanName(ReplyHandlerContainers.containerName(endpoint));
		new AuthorizationMonitor("READ on topic(s) " + endpoint.topics() + " and READ on group '" + groupId + "'",
				() -> stats.record(ReplyHandlerStats.Event.AUTHORIZATION_FAILED))
			.watch(this.container);
		for (ReplyHandlerContainerCustomizer customizer : customizers) {
			customizer.customize(this.container, endpoint);
		}
		keepEngineHooks(endpoint);
		this.stops = new ConsumerStops(this.container, this.pump::stopped, this.container.getApplicationEventPublisher());
		this.container.setApplicationEventPublisher(this.stops);
		Revocations.checkGrace(endpoint.id(), settings.revokeGrace(), this.container.getContainerProperties(),
				clients.consumerConfig());
	}

	ConcurrentMessageListenerContainer<byte[], byte[]> container() {
		return this.container;
	}

	RequestPump pump() {
		return this.pump;
	}

	ConsumerStops stops() {
		return this.stops;
	}

	// A customizer may add a batch interceptor of its own; it must leave the engine's listeners.
	private void keepEngineHooks(ReplyHandlerEndpoint endpoint) {
		ContainerProperties properties = this.container.getContainerProperties();
		if (properties.getMessageListener() != this.pump || properties.getConsumerRebalanceListener() != this.pump) {
			throw new IllegalStateException("A ReplyHandlerContainerCustomizer replaced the message listener or the "
					+ "rebalance listener of the container of @ReplyHandler " + endpoint.id()
					+ "; they are the responder engine's (take requests in hand, commit)");
		}
		BatchInterceptor<byte[], byte[]> interceptor = this.container.getBatchInterceptor();
		if (interceptor != this.pump) {
			this.container.setBatchInterceptor((interceptor != null)
					? new CompositeBatchInterceptor<>(this.pump, interceptor) : this.pump);
		}
	}

	private static ContainerProperties containerProperties(ReplyHandlerEndpoint endpoint, String groupId,
			ResponderSettings settings) {
		ContainerProperties properties = new ContainerProperties(endpoint.topics().toArray(String[]::new));
		properties.setGroupId(groupId);
		// The pump commits itself, per partition, with the finished offsets in the metadata.
		properties.setAckMode(AckMode.MANUAL);
		properties.setClientId("request-reply-handler-" + endpoint.id());
		// Commits and resumes happen before a poll: an idle consumer polls at least this often.
		Duration interval = settings.commitInterval();
		properties.setPollTimeout(Math.max(MIN_POLL_TIMEOUT.toMillis(), Math.min(MAX_POLL_TIMEOUT.toMillis(),
				interval.toMillis())));
		if (settings.virtualThreads()) {
			// As Spring Boot does for @KafkaListener containers: each consumer on a virtual thread.
			SimpleAsyncTaskExecutor consumers = new SimpleAsyncTaskExecutor(
					ReplyHandlerContainers.containerName(endpoint) + "-C-");
			consumers.setVirtualThreads(true);
			properties.setListenerTaskExecutor(consumers);
		}
		return properties;
	}

}
