package dev.requestreply.handler;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.requestreply.support.SupervisedLoop;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * The running {@link dev.requestreply.ReplyHandler @ReplyHandler} methods of an application: one
 * listener container per method, in a consumer group of its own, and what each did. The bean is
 * created by the auto-configuration; the responder engine ({@code dev.requestreply.responder})
 * implements it.
 *
 * @since 0.1.0
 */
public interface ReplyHandlerContainers {

	/**
	 * Lifecycle phase: started before, and stopped after, the {@code RequestReplyTemplate}, so that
	 * an application that answers its own requests can drain them on shutdown.
	 */
	int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

	/**
	 * Return the bean name (and listener id) of the container of a handler.
	 * @param endpoint the handler
	 * @return the container's name
	 * @since 0.1.0
	 */
	static String containerName(ReplyHandlerEndpoint endpoint) {
		return "replyHandler-" + endpoint.id();
	}

	/**
	 * Return whether the handlers are served now.
	 * @return whether they run
	 */
	boolean isRunning();

	/**
	 * Return the handler methods served.
	 * @return the endpoints
	 */
	List<ReplyHandlerEndpoint> getEndpoints();

	/**
	 * Return the consumer group of a handler: the one it names, or else the default group
	 * followed by its topics.
	 * @param endpoint the handler
	 * @return its consumer group id
	 */
	String groupId(ReplyHandlerEndpoint endpoint);

	/**
	 * Return the share group a handler reads in when it runs in queue mode.
	 * @param endpoint the handler
	 * @return the share group id, or {@code null} when it reads in a consumer group
	 * @since 0.3.0
	 */
	default @Nullable String shareGroupId(ReplyHandlerEndpoint endpoint) {
		return null;
	}

	/**
	 * Return the figures of each handler, by handler id ({@code beanName.methodName}).
	 * @return the figures of each handler
	 */
	Map<String, ReplyHandlerStats> getStats();

	/**
	 * Return how each running handler executes its requests now, by handler id.
	 * @return the execution figures of each handler
	 * @since 0.3.0
	 */
	Map<String, ReplyHandlerExecution> getExecution();

	/**
	 * Return the state of the background loops the handlers rely on (the watchdog that ends
	 * requests, the reader of cancel records).
	 * @return the state of each loop
	 * @since 0.3.0
	 */
	List<SupervisedLoop.Status> getBackgroundLoops();

	/**
	 * Return why consumers of handler containers stopped on their own (a consumer fenced by
	 * another member with its {@code group.instance.id}, say) and have not started again, in
	 * words, by container name ({@link #containerName}).
	 * @return the reasons, empty when no consumer stopped so
	 * @since 0.4.0
	 */
	default Map<String, String> getStopReasons() {
		return Map.of();
	}

	/**
	 * Return how far behind the event loop of each handler in a consumer group is: the age of its
	 * oldest event not processed yet (zero when it has none), by handler id. A loop behind by more
	 * than {@link #LOOP_STALL_AFTER} stops its handler's intake until it catches up.
	 * @return the lag of each handler's loop, empty when there is none
	 * @since 0.4.0
	 */
	default Map<String, Duration> getLoopLags() {
		return Map.of();
	}

	/**
	 * How long the event loop of a handler may leave an event unprocessed before it counts as
	 * stuck (its handler takes no more requests, and health is {@code DOWN}).
	 * @since 0.4.0
	 */
	Duration LOOP_STALL_AFTER = Duration.ofSeconds(30);

	/**
	 * Return the handlers' listener containers.
	 * @return the containers
	 */
	List<ConcurrentMessageListenerContainer<byte[], byte[]>> getContainers();

	/**
	 * Add a listener told of how each handled request ended, with the handler's duration. It is
	 * called on a thread of its own, never on the engine's (see
	 * {@link ReplyHandlerOutcomeListener}).
	 * @param listener the listener
	 */
	void addOutcomeListener(ReplyHandlerOutcomeListener listener);

	/**
	 * Add a listener called at once on the thread that ended each request: one of the engine's
	 * own (the watchdog, a consumer, the reader of cancel records, a handler thread), where a
	 * listener that blocks delays every handler's deadlines. For the library's own listeners,
	 * which only count (the handler timer of its meters); an application's listener belongs in
	 * {@link #addOutcomeListener(ReplyHandlerOutcomeListener)}.
	 * @param listener the listener: quick, never blocking
	 * @since 0.4.0
	 */
	default void addEngineOutcomeListener(ReplyHandlerOutcomeListener listener) {
		addOutcomeListener(listener);
	}

}
