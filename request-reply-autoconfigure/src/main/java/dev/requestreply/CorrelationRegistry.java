package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * The requests of this application that wait for their reply, by correlation id, with their
 * timeouts and the figures of how requests ended.
 * <p>
 * Timeouts are kept by one hashed timing wheel swept by a single daemon thread, not by a timer
 * task per request; a request that ends in any way leaves nothing behind in the registry.
 *
 * @since 0.1.0
 */
public class CorrelationRegistry implements AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(CorrelationRegistry.class);

	private final ConcurrentHashMap<CorrelationId, PendingRequest<?>> pending = new ConcurrentHashMap<>();

	private final TimeoutWheel wheel;

	private final RecentlyEnded recentlyEnded;

	private static final int LIMIT_SLACK = 1024;

	private static final int COUNT_SAMPLE_MASK = 31;

	private final int maxPending;

	private volatile int observedPending;

	private final List<RequestOutcomeListener> listeners = new CopyOnWriteArrayList<>();

	private final LongAdder completed = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final LongAdder cancelled = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder lateReplies = new LongAdder();

	private final LongAdder duplicateReplies = new LongAdder();

	private final LongAdder foreignReplies = new LongAdder();

	private final LongAdder invalidReplies = new LongAdder();

	/**
	 * Create a registry with a 10 ms timer tick, at most 100,000 pending requests, and late
	 * replies recognised for a minute.
	 */
	public CorrelationRegistry() {
		this(Duration.ofMillis(10), 100_000, Duration.ofMinutes(1));
	}

	/**
	 * Create a registry.
	 * @param tick the resolution of timeouts
	 * @param maxPending the number of pending requests past which new requests are refused
	 * @param lateReplyWindow how long the id of a request that timed out or was cancelled is
	 * remembered, so that its reply is counted as late (zero to count such replies as foreign)
	 */
	public CorrelationRegistry(Duration tick, int maxPending, Duration lateReplyWindow) {
		Assert.isTrue(tick.toNanos() > 0, "'tick' must be positive");
		Assert.isTrue(maxPending > 0, "'maxPending' must be positive");
		this.maxPending = maxPending;
		this.recentlyEnded = new RecentlyEnded(lateReplyWindow.toNanos(), Math.max(maxPending, 10_000));
		int stripes = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
		this.wheel = new TimeoutWheel(tick.toNanos(), 512, stripes, this::expire,
				this::onTick, "request-reply-timer");
	}

	private void onTick() {
		this.recentlyEnded.expire(System.nanoTime());
		this.observedPending = this.pending.size();
	}

	/**
	 * Add a listener told of the end of every request.
	 * @param listener the listener
	 */
	public void addListener(RequestOutcomeListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
	}

	/**
	 * Return the number of requests still waiting for a reply.
	 * @return the number of pending requests
	 */
	public int pendingCount() {
		return this.pending.size();
	}

	/**
	 * Return the number of pending requests past which new requests are refused.
	 * @return the limit
	 */
	public int getMaxPending() {
		return this.maxPending;
	}

	/**
	 * Return the number of requests answered with a reply that converted.
	 * @return the count
	 */
	public long completedCount() {
		return this.completed.sum();
	}

	/**
	 * Return the number of requests that timed out.
	 * @return the count
	 */
	public long timeoutCount() {
		return this.timeouts.sum();
	}

	/**
	 * Return the number of requests that failed: error replies, send failures, replies that did
	 * not convert, shutdown.
	 * @return the count
	 */
	public long errorCount() {
		return this.errors.sum();
	}

	/**
	 * Return the number of requests cancelled before their reply.
	 * @return the count
	 */
	public long cancelledCount() {
		return this.cancelled.sum();
	}

	/**
	 * Return the number of requests refused because too many were pending.
	 * @return the count
	 */
	public long rejectedCount() {
		return this.rejected.sum();
	}

	/**
	 * Return the number of replies that arrived after their request had timed out or was
	 * cancelled.
	 * @return the count
	 */
	public long lateReplyCount() {
		return this.lateReplies.sum();
	}

	/**
	 * Return the number of replies sent to this instance for a request that had already been
	 * answered (a request handled twice).
	 * @return the count
	 */
	public long duplicateReplyCount() {
		return this.duplicateReplies.sum();
	}

	/**
	 * Return the number of replies skipped as another instance's (or unknown to this one).
	 * @return the count
	 */
	public long foreignReplyCount() {
		return this.foreignReplies.sum();
	}

	/**
	 * Return the number of replies skipped because they had no correlation id.
	 * @return the count
	 */
	public long invalidReplyCount() {
		return this.invalidReplies.sum();
	}

	/**
	 * Describe one pending request.
	 * @param correlationId the correlation id
	 * @return the request, or empty if none with that id is pending
	 */
	public Optional<PendingRequestInfo> find(CorrelationId correlationId) {
		PendingRequest<?> request = this.pending.get(correlationId);
		return (request != null) ? Optional.of(info(request, System.nanoTime())) : Optional.empty();
	}

	/**
	 * Describe the pending requests that have waited longest.
	 * @param max how many to return at most
	 * @return the oldest pending requests, oldest first
	 */
	public List<PendingRequestInfo> oldest(int max) {
		if (max <= 0) {
			return List.of();
		}
		Comparator<PendingRequest<?>> byStart = Comparator.comparingLong((PendingRequest<?> r) -> r.startNanos);
		PriorityQueue<PendingRequest<?>> youngestFirst = new PriorityQueue<>(byStart.reversed());
		for (PendingRequest<?> request : this.pending.values()) {
			youngestFirst.offer(request);
			if (youngestFirst.size() > max) {
				youngestFirst.poll();
			}
		}
		List<PendingRequest<?>> oldest = new ArrayList<>(youngestFirst);
		oldest.sort(byStart);
		long now = System.nanoTime();
		return oldest.stream().map((request) -> info(request, now)).toList();
	}

	/**
	 * Count the pending requests by the topic they were sent to.
	 * @return the number of pending requests of each topic that has any
	 * @since 0.1.0
	 */
	public Map<String, Integer> pendingByTopic() {
		Map<String, Integer> counts = new HashMap<>();
		for (PendingRequest<?> request : this.pending.values()) {
			counts.merge(request.topic, 1, Integer::sum);
		}
		return counts;
	}

	private static PendingRequestInfo info(PendingRequest<?> request, long now) {
		return new PendingRequestInfo(request.id, request.topic, Duration.ofNanos(now - request.startNanos),
				Duration.ofNanos(request.deadlineNanos - now));
	}

	/**
	 * Cancel a pending request: its future completes exceptionally with a
	 * {@link RequestReplyException} saying so.
	 * @param correlationId the correlation id
	 * @return whether a pending request with that id was cancelled
	 */
	public boolean cancel(CorrelationId correlationId) {
		PendingRequest<?> request = take(correlationId);
		if (request == null) {
			return false;
		}
		this.recentlyEnded.add(request.id, System.nanoTime());
		end(request, new RequestReplyException("Request " + request.id + " to topic '" + request.topic
				+ "' was cancelled"), RequestOutcome.CANCELLED);
		return true;
	}

	<T> PendingRequest<T> register(String topic, Class<T> replyType, Duration timeout) {
		return register(topic, replyType, timeout, null);
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
		int size = this.pending.size();
		this.observedPending = size;
		return size >= this.maxPending;
	}

	<T> PendingRequest<T> register(String topic, Class<T> replyType, Duration timeout, ReplyCollector collector) {
		if (atLimit()) {
			this.rejected.increment();
			throw new RequestReplyException("Too many pending requests (" + this.maxPending
					+ "): request to topic '" + topic + "' refused; raise request-reply.max-pending or slow down");
		}
		long now = System.nanoTime();
		long timeoutNanos = timeout.toNanos();
		for (;;) {
			PendingRequest<T> request = new PendingRequest<>(this, CorrelationId.random(), topic, replyType, now,
					now + timeoutNanos, collector);
			if (this.pending.putIfAbsent(request.id, request) == null) {
				this.wheel.schedule(request);
				return request;
			}
		}
	}

	/**
	 * Look a pending request up without removing it.
	 */
	PendingRequest<?> get(CorrelationId id) {
		return this.pending.get(id);
	}

	/**
	 * Move the deadline of a pending request (the idle timeout of a stream).
	 */
	void reschedule(PendingRequest<?> request, long deadlineNanos) {
		this.wheel.remove(request);
		request.deadlineNanos = deadlineNanos;
		if (this.pending.get(request.id) == request) {
			this.wheel.schedule(request);
		}
	}

	/**
	 * End a request that has several replies with a value (all of a stream received, enough
	 * replies gathered): it leaves the registry, and replies still to come count as late.
	 */
	<T> boolean finish(PendingRequest<T> request, T result) {
		if (!this.pending.remove(request.id, request)) {
			return false;
		}
		this.wheel.remove(request);
		this.recentlyEnded.add(request.id, System.nanoTime());
		succeed(request, result);
		return true;
	}

	/**
	 * End a request that has several replies with a failure (an error in a stream, an element that
	 * does not convert).
	 */
	boolean finishExceptionally(PendingRequest<?> request, RequestReplyException failure) {
		if (!this.pending.remove(request.id, request)) {
			return false;
		}
		this.wheel.remove(request);
		this.recentlyEnded.add(request.id, System.nanoTime());
		fail(request, failure);
		return true;
	}

	/**
	 * Remove a pending request to complete it.
	 */
	PendingRequest<?> take(CorrelationId id) {
		PendingRequest<?> request = this.pending.remove(id);
		if (request != null) {
			this.wheel.remove(request);
		}
		return request;
	}

	/**
	 * Complete a request taken from the registry. Counters move before the future completes, so
	 * that whoever sees the future done sees it counted; only the taker of an entry counts it.
	 */
	<T> void succeed(PendingRequest<T> request, T reply) {
		request.outcome = RequestOutcome.SUCCESS;
		this.completed.increment();
		request.complete(reply);
		notifyListeners(request, RequestOutcome.SUCCESS);
	}

	void fail(PendingRequest<?> request, RequestReplyException failure) {
		end(request, failure, RequestOutcome.ERROR);
	}

	/**
	 * Fail a request that is still pending (for example when its send failed).
	 */
	void failIfPending(PendingRequest<?> request, RequestReplyException failure) {
		if (this.pending.remove(request.id, request)) {
			this.wheel.remove(request);
			fail(request, failure);
		}
	}

	void onCancelled(PendingRequest<?> request) {
		if (this.pending.remove(request.id, request)) {
			this.wheel.remove(request);
			this.recentlyEnded.add(request.id, System.nanoTime());
			this.cancelled.increment();
			notifyListeners(request, RequestOutcome.CANCELLED);
		}
	}

	private void expire(PendingRequest<?> request) {
		if (this.pending.remove(request.id, request)) {
			this.recentlyEnded.add(request.id, System.nanoTime());
			if (request.collector != null && request.collector.completesOnTimeout()) {
				this.timeouts.increment();
				request.collector.completeOnTimeout(request);
				notifyListeners(request, RequestOutcome.TIMEOUT);
				return;
			}
			end(request, (request.collector != null) ? request.collector.timeoutFailure(request)
					: new RequestTimeoutException(request.topic, request.id,
							Duration.ofNanos(request.deadlineNanos - request.startNanos)),
					RequestOutcome.TIMEOUT);
		}
	}

	private void end(PendingRequest<?> request, RequestReplyException failure, RequestOutcome outcome) {
		if (!request.isDone()) {
			request.outcome = outcome;
		}
		switch (outcome) {
			case TIMEOUT -> this.timeouts.increment();
			case CANCELLED -> this.cancelled.increment();
			default -> this.errors.increment();
		}
		request.completeExceptionally(failure);
		notifyListeners(request, outcome);
	}

	boolean endedRecently(CorrelationId id) {
		return this.recentlyEnded.contains(id);
	}

	void lateReply() {
		this.lateReplies.increment();
	}

	void duplicateReply() {
		this.duplicateReplies.increment();
	}

	void foreignReply() {
		this.foreignReplies.increment();
	}

	void invalidReply() {
		this.invalidReplies.increment();
	}

	private void notifyListeners(PendingRequest<?> request, RequestOutcome outcome) {
		if (this.listeners.isEmpty()) {
			return;
		}
		long duration = System.nanoTime() - request.startNanos;
		for (RequestOutcomeListener listener : this.listeners) {
			try {
				listener.onOutcome(request.topic, outcome, duration);
			}
			catch (RuntimeException ex) {
				logger.warn(ex, () -> "Request outcome listener " + listener + " failed");
			}
		}
	}

	/**
	 * Wait until no request is pending, or the timeout passes.
	 * @param timeout how long to wait at most
	 * @return whether no request is pending
	 */
	public boolean awaitNoPending(Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		while (!this.pending.isEmpty()) {
			if (end - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		return true;
	}

	/**
	 * Fail every pending request with the given reason.
	 * @param reason the message of the {@link RequestReplyException} they fail with
	 * @return how many were failed
	 */
	public int failAll(String reason) {
		int count = 0;
		for (CorrelationId id : this.pending.keySet()) {
			PendingRequest<?> request = take(id);
			if (request != null) {
				fail(request, new RequestReplyException(reason + " (request " + request.id + " to topic '"
						+ request.topic + "')"));
				count++;
			}
		}
		return count;
	}

	/**
	 * Fail every pending request and stop the timer thread.
	 */
	@Override
	public void close() {
		failAll("Correlation registry closed");
		this.wheel.close();
	}

}
