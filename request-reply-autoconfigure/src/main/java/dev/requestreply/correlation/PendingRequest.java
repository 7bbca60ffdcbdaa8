package dev.requestreply.correlation;

import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.CorrelationId;

/**
 * The future of one request, and its entry in the {@link PendingRequests} and its
 * {@link TimeoutWheel}, in one object to keep a pending request small.
 *
 * @param <T> the reply type
 * @since 0.2.0
 */
public final class PendingRequest<T> extends CompletableFuture<T> {

	final CorrelationId id;

	final String topic;

	final Type replyType;

	final long startNanos;

	// Moved only by a streaming request's idle timeout, with the request out of the wheel.
	volatile long deadlineNanos;

	/**
	 * Receives the replies of a request that has several (a stream, a gather); {@code null} for a
	 * request with one reply.
	 */
	final ReplyCollector collector;

	private final PendingRequests registry;

	// Set just before the future completes, so that completion callbacks can read it.
	volatile RequestOutcome outcome;

	// Guarded by the bucket's monitor; bucket is read without it to find that monitor.
	volatile TimeoutWheel.Bucket bucket;

	PendingRequest<?> previous;

	PendingRequest<?> next;

	PendingRequest(PendingRequests registry, CorrelationId id, String topic, Type replyType, long startNanos,
			long deadlineNanos, ReplyCollector collector) {
		this.registry = registry;
		this.collector = collector;
		this.id = id;
		this.topic = topic;
		this.replyType = replyType;
		this.startNanos = startNanos;
		this.deadlineNanos = deadlineNanos;
	}

	/**
	 * Return the correlation id of the request.
	 * @return the correlation id
	 */
	public CorrelationId id() {
		return this.id;
	}

	/**
	 * Return the topic (or topics, comma-separated) the request was sent to.
	 * @return the topic
	 */
	public String topic() {
		return this.topic;
	}

	/**
	 * Return how the request ended, once its future is done (callbacks run after it is set).
	 * @return the outcome, or {@code null} while pending, or when the caller cancelled the future
	 */
	public RequestOutcome outcome() {
		return this.outcome;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			this.registry.cancelled(this);
		}
		return cancelled;
	}

	@Override
	public <U> CompletableFuture<U> newIncompleteFuture() {
		return new CompletableFuture<>();
	}

	@Override
	public String toString() {
		return "PendingRequest[" + this.id + " to '" + this.topic + "']";
	}

}
