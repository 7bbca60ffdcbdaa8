package dev.requestreply.requester;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import dev.requestreply.CorrelationRegistry;

/**
 * What tests outside the engine's package need of its insides: a registry of its own, a request
 * registered without being sent, the buffer of a stream.
 */
public final class TestRegistries {

	private TestRegistries() {
	}

	/**
	 * Create a registry as an engine does, with its own completion threads; close it when done.
	 */
	public static CorrelationRegistry create() {
		return new PendingRequests();
	}

	/**
	 * Register a pending request as the engine does, without sending it.
	 */
	public static CompletableFuture<String> register(CorrelationRegistry registry, String topic, Duration timeout) {
		return ((PendingRequests) registry).register(topic, String.class, timeout);
	}

	/**
	 * Close a registry made by {@link #create()}.
	 */
	public static void close(CorrelationRegistry registry) {
		((PendingRequests) registry).close();
	}

	/**
	 * Count a request refused, as the engine's gate does.
	 */
	public static void failedFast(CorrelationRegistry registry, FastFailure reason) {
		((PendingRequests) registry).figures().failedFast(reason);
	}

	/**
	 * Cancel a pending request by id, as the engine does.
	 */
	public static boolean cancel(CorrelationRegistry registry, dev.requestreply.CorrelationId id) {
		return ((PendingRequests) registry).cancel(id);
	}

	/**
	 * Return how many elements a stream of the engine buffers for its subscriber.
	 */
	public static int buffered(Flow.Publisher<?> stream) {
		return ((ReplyPublisher<?>) stream).bufferedCount();
	}

}
