package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.requestreply.CorrelationId;
import dev.requestreply.RequestReplyException;
import dev.requestreply.requester.core.RequestKind;
import dev.requestreply.requester.core.RequestState;
import org.jspecify.annotations.Nullable;

/**
 * Admits new requests to the {@link PendingRequests}: refuses them past the limit, gives each an
 * id of this instance's and puts it in the map and the timing wheel.
 */
final class RequestAdmission {

	private static final int LIMIT_SLACK = 1024;

	private static final int COUNT_SAMPLE_MASK = 31;

	private final PendingRequests registry;

	private final Map<CorrelationId, Object> pending;

	private final TimeoutWheel wheel;

	private final RequestFigures figures;

	private final int maxPending;

	// The first half of every id this registry gives out: the requesting instance, this run.
	private final long instanceBits = CorrelationId.newInstanceBits();

	private volatile int observedPending;

	RequestAdmission(PendingRequests registry, Map<CorrelationId, Object> pending, TimeoutWheel wheel,
			RequestFigures figures, int maxPending) {
		this.registry = registry;
		this.pending = pending;
		this.wheel = wheel;
		this.figures = figures;
		this.maxPending = maxPending;
	}

	/**
	 * Admit a request with one reply.
	 * @param registration what the engine knows of it
	 * @throws RequestReplyException if too many requests are pending
	 */
	<T> PendingRequest<T> admit(String topic, @Nullable Type replyType, Duration timeout,
			@Nullable ReplyCollector collector, Registration registration) {
		long now = System.nanoTime();
		long deadline = now + timeout.toNanos();
		boolean cancelsOn = registration.cancelsOn();
		boolean holdsPartition = registration.holdsPartition();
		// A request with one reply costs no state object: its state is a word of its own.
		return admit(topic, replyType, collector, now, deadline, RequestState.singleWord(cancelsOn, holdsPartition),
				null);
	}

	/**
	 * Admit a request in the given state (a stream's, a gather's).
	 * @throws RequestReplyException if too many requests are pending
	 */
	<T> PendingRequest<T> admit(String topic, @Nullable Type replyType, @Nullable ReplyCollector collector, long now,
			RequestState state) {
		boolean single = state.kind() == RequestKind.SINGLE;
		return admit(topic, replyType, collector, now, state.deadline(), single ? state.word() : 0,
				single ? null : state);
	}

	private <T> PendingRequest<T> admit(String topic, @Nullable Type replyType, @Nullable ReplyCollector collector,
			long now, long deadline, int word, @Nullable RequestState progress) {
		if (atLimit()) {
			this.figures.rejected();
			throw new RequestReplyException("Too many pending requests (" + this.maxPending + "): request to topic '"
					+ topic + "' refused; raise request-reply.max-pending or slow down");
		}
		for (;;) {
			PendingRequest<T> request = new PendingRequest<>(this.registry, CorrelationId.of(this.instanceBits), topic,
					replyType, now, deadline, collector, word, progress);
			if (this.pending.putIfAbsent(request.id, request) == null) {
				this.wheel.schedule(request);
				return request;
			}
		}
	}

	/**
	 * Whether no more requests may be registered. Counting the map reads every thread's counter
	 * cell, which costs more than the rest of a registration under contention: far from the limit
	 * (as last counted, by a sample of registrations or the timer) a registration counts only now
	 * and then, so the limit may be passed by a few requests per thread, never by more.
	 */
	private boolean atLimit() {
		if (this.observedPending + LIMIT_SLACK < this.maxPending
				&& (ThreadLocalRandom.current().nextInt() & COUNT_SAMPLE_MASK) != 0) {
			return false;
		}
		int size = this.registry.pendingCount();
		this.observedPending = size;
		return size >= this.maxPending;
	}

	/**
	 * The number of pending requests, as the timer counted it.
	 */
	void observe(int pendingCount) {
		this.observedPending = pendingCount;
	}

	boolean isOwnId(CorrelationId id) {
		return id.isOf(this.instanceBits);
	}

}
