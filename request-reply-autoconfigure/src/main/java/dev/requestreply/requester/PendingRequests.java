package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import dev.requestreply.CorrelationId;
import dev.requestreply.CorrelationRegistry;
import dev.requestreply.PendingRequestInfo;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestStatistics;
import dev.requestreply.requester.core.RequestKind;
import dev.requestreply.requester.core.RequestState;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The engine's {@link CorrelationRegistry}: pending requests by correlation id, their timeouts,
 * and the figures of how they ended.
 * <p>
 * Timeouts are kept by one hashed timing wheel swept by a single daemon thread, not by a timer
 * task per request. Everything that
 * happens to a request (reply, error, timeout, cancellation, send failure, shutdown) is an event
 * to the {@link dev.requestreply.requester.core.RequestCore}, whose decisions
 * {@link RequestTransitions} carries out: the thread that moves the request's state (by
 * compare-and-set) removes it, remembers its id when a reply may still come, counts it and
 * runs the end action, so a request that ends leaves nothing behind and is counted once.
 * <p>
 * Futures are completed on the completion executor, never on the engine's own threads: the
 * timing wheel ends each expired request itself (removal, counting, the end action that sends its
 * cancel record) and, as replies, send failures and shutdown do, hands over only the completion of
 * its future, so a caller's callback (which runs where the future completes) holds up neither the
 * timer nor the reply readers, nor any other request's end. While callbacks block every
 * completion thread, a request still ends on time, and its future completes once a thread frees
 * up (a caller waiting in {@code get()} or {@code join()} completes it itself, at once).
 *
 * @since 0.2.0
 */
final class PendingRequests implements CorrelationRegistry, AutoCloseable {

	// Default resolution of timeouts.
	static final Duration DEFAULT_TICK = Duration.ofMillis(10);

	// Pending requests, and the ids of requests recently ended (RecentlyEnded.ENDED in place).
	private final ConcurrentHashMap<CorrelationId, Object> pending = new ConcurrentHashMap<>();

	private final TimeoutWheel wheel;

	private final Completions completions;

	// The completions of the requests the timer ends, handed over in batches.
	private final TickExpiries expiries;

	private final RecentlyEnded recentlyEnded;

	private final int maxPending;

	private final RequestFigures figures = new RequestFigures();

	private final RequestEnds ends;

	private final RequestAdmission admission;

	private final CollectedRequests collected = new CollectedRequests(this);

	/**
	 * Create a registry with the default tick, limit and late-reply window, completing futures on
	 * a pool of its own (shut down on {@link #close()}).
	 */
	public PendingRequests() {
		this(DEFAULT_TICK, RequesterSettings.DEFAULT_MAX_PENDING, RequesterSettings.DEFAULT_LATE_REPLY_WINDOW);
	}

	/**
	 * Create a registry completing futures on a pool of its own (shut down on {@link #close()}),
	 * as {@link #PendingRequests(Duration, int, Duration, Executor)} does given no executor.
	 * @param tick the resolution of timeouts
	 * @param maxPending the number of pending requests past which new requests are refused
	 * @param lateReplyWindow how long the id of a request that timed out or was cancelled is
	 * remembered
	 */
	public PendingRequests(Duration tick, int maxPending, Duration lateReplyWindow) {
		this(tick, maxPending, lateReplyWindow, Completions.ownPool());
	}

	/**
	 * Create a registry.
	 * @param tick the resolution of timeouts
	 * @param maxPending the number of pending requests past which new requests are refused
	 * @param lateReplyWindow how long the id of a request that timed out or was cancelled is
	 * remembered, so that its reply is counted as late (zero to count such replies as foreign)
	 * @param completionExecutor where futures complete, and so where their callers' callbacks run
	 * (a {@code ThreadPoolTaskExecutor} grows while callbacks block all its threads; its owner
	 * shuts it down after closing this registry), or {@code null} for a pool of the registry's
	 * own, shut down on {@link #close()}
	 * @since 0.3.0
	 */
	public PendingRequests(Duration tick, int maxPending, Duration lateReplyWindow,
			@Nullable Executor completionExecutor) {
		this(tick, maxPending, lateReplyWindow, Completions.on(completionExecutor));
	}

	// A registry completing futures on the given completions, closed by close().
	PendingRequests(Duration tick, int maxPending, Duration lateReplyWindow, Completions completions) {
		Assert.isTrue(tick.toNanos() > 0, "'tick' must be positive");
		Assert.isTrue(maxPending > 0, "'maxPending' must be positive");
		this.maxPending = maxPending;
		this.completions = completions;
		this.wheel = new TimeoutWheel(tick.toNanos(), 512, Math.max(8, Runtime.getRuntime().availableProcessors() * 4),
				this::expire, this::onTick, "request-reply-timer");
		this.expiries = new TickExpiries(completions);
		this.recentlyEnded = new RecentlyEnded(this.pending, lateReplyWindow.toNanos(), Math.max(maxPending, 10_000));
		this.admission = new RequestAdmission(this, this.pending, this.wheel, this.figures, maxPending);
		this.ends = new RequestEnds(this.pending,
				new RequestTransitions(this.pending, this.recentlyEnded, this.wheel, this.figures, completions));
		// Last: the wheel's thread calls onTick and expire, which read the fields above.
		this.wheel.start();
	}

	// On the timer's thread: the engine's part of an expiry runs here, never behind user code.
	private void expire(PendingRequest<?> request, long now) {
		this.expiries.expire(this.ends, request, now);
	}

	// Run a task on the completion executor (or on this thread, once it is shut down).
	void complete(Runnable task) {
		this.completions.execute(task);
	}

	private void onTick() {
		this.expiries.flush();
		long now = System.nanoTime();
		this.recentlyEnded.expire(now);
		this.admission.observe(pendingCount());
		this.completions.check(now);
		this.expiries.check(now);
	}

	@Override
	public void addListener(RequestOutcomeListener listener) {
		this.figures.addListener(listener);
	}

	@Override
	public void addEngineListener(RequestOutcomeListener listener) {
		this.figures.addEngineListener(listener);
	}

	@Override
	public int pendingCount() {
		return Math.max(0, this.pending.size() - this.recentlyEnded.size());
	}

	@Override
	public int getMaxPending() {
		return this.maxPending;
	}

	@Override
	public RequestStatistics statistics() {
		return this.figures.statistics();
	}

	// How requests ended, the replies and requests refused, the listeners told of each end.
	RequestFigures figures() {
		return this.figures;
	}

	@Override
	public Optional<PendingRequestInfo> find(CorrelationId correlationId) {
		PendingRequest<?> request = get(correlationId);
		return (request != null) ? Optional.of(PendingDescriptions.info(request, System.nanoTime())) : Optional.empty();
	}

	@Override
	public List<PendingRequestInfo> oldest(int max) {
		return PendingDescriptions.oldest(this.pending.values(), max);
	}

	@Override
	public Map<String, Integer> pendingByTopic() {
		return PendingDescriptions.byTopic(this.pending.values());
	}

	// Registering

	/**
	 * Register a request with one reply, as {@link #register(String, Type, Duration)}.
	 * @param <T> the reply type
	 * @param topic the topic the request goes to
	 * @param replyType the reply type
	 * @param timeout how long to wait for the reply
	 * @return the pending request, which is its future
	 */
	public <T> PendingRequest<T> register(String topic, Class<T> replyType, Duration timeout) {
		return this.admission.admit(topic, replyType, timeout, null, Registration.UNSENT);
	}

	/**
	 * Register a request with one reply of a possibly generic type.
	 * @param <T> the reply type
	 * @param topic the topic the request goes to
	 * @param replyType the reply type, which must be {@code T}
	 * @param timeout how long to wait for the reply
	 * @return the pending request, which is its future
	 * @throws RequestReplyException if too many requests are pending
	 */
	public <T> PendingRequest<T> register(String topic, Type replyType, Duration timeout) {
		return this.admission.admit(topic, replyType, timeout, null, Registration.UNSENT);
	}

	/**
	 * Return the admission of requests, which registers them as the engine sends them.
	 * @return the admission
	 */
	RequestAdmission admission() {
		return this.admission;
	}

	/**
	 * Return the registrations of requests whose replies a collector takes (a reply with its
	 * record, a stream, a gather).
	 * @return the registrations
	 */
	CollectedRequests collected() {
		return this.collected;
	}

	/**
	 * Return whether an id is one this registry gave out (this instance's, this run): any other
	 * reply is another instance's.
	 * @param id the correlation id of a reply
	 * @return whether it names this instance
	 * @since 0.2.0
	 */
	public boolean isOwnId(CorrelationId id) {
		return this.admission.isOwnId(id);
	}

	@Nullable PendingRequest<?> get(CorrelationId id) {
		return (this.pending.get(id) instanceof PendingRequest<?> request) ? request : null;
	}

	// Ending: every way is an event to the core (see RequestEnds)

	/**
	 * Return the ways requests end.
	 * @return the request ends
	 */
	RequestEnds ends() {
		return this.ends;
	}

	<T> boolean succeed(PendingRequest<T> request, @Nullable T result) {
		return this.ends.succeed(request, result);
	}

	/**
	 * Cancel a pending request: its future completes exceptionally with a
	 * {@link RequestReplyException} saying so, and a reply arriving later counts as late.
	 * @param correlationId the correlation id
	 * @return whether a pending request with that id was cancelled
	 */
	public boolean cancel(CorrelationId correlationId) {
		return this.ends.cancel(correlationId);
	}

	/**
	 * Fail every pending request with the given reason.
	 * @param reason the message of the {@link RequestReplyException} they fail with
	 * @return how many were failed
	 */
	public int failAll(String reason) {
		return this.ends.failAll(reason);
	}

	boolean endedRecently(CorrelationId id) {
		return this.recentlyEnded.contains(id);
	}

	/**
	 * Wait until no request is pending, or the timeout passes.
	 * @param timeout how long to wait at most
	 * @return whether no request is pending
	 */
	public boolean awaitNoPending(Duration timeout) {
		return this.ends.awaitNone(timeout, this::pendingCount);
	}

	/**
	 * Fail every pending request and stop the timer thread (and the completion pool, if it is
	 * this registry's own).
	 */
	@Override
	public void close() {
		failAll("Correlation registry closed");
		this.wheel.close();
		this.completions.close();
	}

}
