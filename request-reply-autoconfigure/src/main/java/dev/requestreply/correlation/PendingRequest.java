package dev.requestreply.correlation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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

	// Set just before the future completes, so that completion callbacks can read it (just after,
	// for a future its caller cancelled).
	volatile RequestOutcome outcome;

	// The engine's own action at the request's end: null until set, ENDED once the request ended.
	@SuppressWarnings("unused")
	private volatile Object endAction;

	// Guarded by the bucket's monitor; bucket is read without it to find that monitor.
	volatile TimeoutWheel.Bucket bucket;

	PendingRequest<?> previous;

	PendingRequest<?> next;

	private static final Object ENDED = new Object();

	private static final VarHandle END_ACTION;

	static {
		try {
			END_ACTION = MethodHandles.lookup().findVarHandle(PendingRequest.class, "endAction", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

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
	 * Return how the request ended, once its future is done (callbacks run after it is set, but
	 * those of a future its caller cancelled may run before).
	 * @return the outcome, or {@code null} while pending
	 */
	public RequestOutcome outcome() {
		return this.outcome;
	}

	/**
	 * Set the engine's action at the end of this request; run at once if it ended already.
	 */
	@SuppressWarnings("unchecked")
	void whenEnded(Consumer<RequestOutcome> action) {
		if (!END_ACTION.compareAndSet(this, null, action)) {
			action.accept(this.outcome);
		}
	}

	/**
	 * Take the engine's action at the end of this request, once; later ones run at once.
	 */
	@SuppressWarnings("unchecked")
	Consumer<RequestOutcome> takeEndAction() {
		Object action = END_ACTION.getAndSet(this, ENDED);
		return (action instanceof Consumer<?> consumer) ? (Consumer<RequestOutcome>) consumer : null;
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
