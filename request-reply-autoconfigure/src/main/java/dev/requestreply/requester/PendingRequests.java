package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.requestreply.CorrelationId;
import dev.requestreply.CorrelationRegistry;
import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.PendingRequestInfo;
import dev.requestreply.Reply;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestStatistics;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.requester.core.RequestAction;
import dev.requestreply.requester.core.RequestEvent;
import dev.requestreply.requester.core.RequestKind;
import dev.requestreply.requester.core.RequestState;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The engine's {@link CorrelationRegistry}: pending requests by correlation id, their timeouts,
 * and the figures of how they ended.
 * <p>
 * Timeouts are kept by one hashed timing wheel swept by a single daemon thread, not by a timer
 * task per request. Everything that happens to a request (reply, error, timeout, cancellation,
 * send failure, shutdown) is an event to the {@link dev.requestreply.requester.core.RequestCore},
 * whose decisions {@link RequestTransitions} carries out: the thread that moves the request's state
 * (by compare-and-set) removes it, remembers its id when a reply may still come, counts it and
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

	/**
	 * Default resolution of timeouts.
	 */
	static final Duration DEFAULT_TICK = Duration.ofMillis(10);

	private static final int LIMIT_SLACK = 1024;

	private static final int COUNT_SAMPLE_MASK = 31;

	// Pending requests, and the ids of requests recently ended (RecentlyEnded.ENDED in place).
	private final ConcurrentHashMap<CorrelationId, Object> pending = new ConcurrentHashMap<>();

	private final TimeoutWheel wheel;

	private final Completions completions;

	private final RecentlyEnded recentlyEnded;

	private final int maxPending;

	// The first half of every id this registry gives out: the requesting instance, this run.
	private final long instanceBits = CorrelationId.newInstanceBits();

	private volatile int observedPending;

	private final RequestFigures figures = new RequestFigures();

	private final RequestTransitions transitions;

	/**
	 * Create a registry with the default tick, limit and late-reply window, completing futures on
	 * a pool of its own (shut down on {@link #close()}).
	 */
	public PendingRequests() {
		this(DEFAULT_TICK, RequesterSettings.DEFAULT_MAX_PENDING, RequesterSettings.DEFAULT_LATE_REPLY_WINDOW);
	}

	/**
	 * Create a registry completing futures on a pool of its own (shut down on {@link #close()}).
	 * @param tick the resolution of timeouts
	 * @param maxPending the number of pending requests past which new requests are refused
	 * @param lateReplyWindow how long the id of a request that timed out or was cancelled is
	 * remembered, so that its reply is counted as late (zero to count such replies as foreign)
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

	/**
	 * Create a registry completing futures on the given completions, closed by {@link #close()}.
	 */
	PendingRequests(Duration tick, int maxPending, Duration lateReplyWindow, Completions completions) {
		Assert.isTrue(tick.toNanos() > 0, "'tick' must be positive");
		Assert.isTrue(maxPending > 0, "'maxPending' must be positive");
		this.maxPending = maxPending;
		this.completions = completions;
		this.recentlyEnded = new RecentlyEnded(this.pending, lateReplyWindow.toNanos(), Math.max(maxPending, 10_000));
		int stripes = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
		this.wheel = new TimeoutWheel(tick.toNanos(), 512, stripes, this::expire, this::onTick,
				"request-reply-timer");
		this.transitions = new RequestTransitions(this.pending, this.recentlyEnded, this.wheel, this.figures,
				completions);
	}

	private void onTick() {
		long now = System.nanoTime();
		this.recentlyEnded.expire(now);
		this.observedPending = pendingCount();
		this.completions.check(now);
	}

	/**
	 * Run a task on the completion executor (or on this thread, once it is shut down).
	 * @param task the task
	 */
	public void complete(Runnable task) {
		this.completions.execute(task);
	}

	@Override
	public void addListener(RequestOutcomeListener listener) {
		this.figures.addListener(listener);
	}

	// Reading

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

	/**
	 * Count a request refused before it was registered or sent (a stream overflow is counted
	 * here when it ends its request).
	 * @param reason the reason
	 */
	void failedFast(FastFailure reason) {
		this.figures.failedFast(reason);
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
	 * Register a request with one reply.
	 * @param <T> the reply type
	 * @param topic the topic the request goes to
	 * @param replyType the reply type
	 * @param timeout how long to wait for the reply
	 * @return the pending request, which is its future
	 * @throws RequestReplyException if too many requests are pending
	 */
	public <T> PendingRequest<T> register(String topic, Class<T> replyType, Duration timeout) {
		return register(topic, replyType, timeout, null);
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
		return register(topic, replyType, timeout, null);
	}

	/**
	 * Register a request whose future completes with its reply and the reply record's metadata.
	 * @param <T> the value type
	 * @param topic the topic the request goes to
	 * @param valueType the type of the reply's value, which must be {@code T}
	 * @param timeout how long to wait for the reply
	 * @param converter the converter of the reply
	 * @return the pending request, which is its future
	 * @throws RequestReplyException if too many requests are pending
	 */
	public <T> PendingRequest<Reply<T>> registerExchange(String topic, Type valueType, Duration timeout,
			PayloadConverter converter) {
		return register(topic, null, timeout, new RecordReplyCollector(this, converter, valueType));
	}

	/**
	 * Register a request answered by a stream of replies, published in order by the given
	 * publisher; each element moves the request's timeout to the idle timeout, never past the
	 * overall one.
	 * @param <T> the element type
	 * @param topic the topic the request goes to
	 * @param elementType the element type
	 * @param idleTimeout the longest wait for the first or the next element
	 * @param timeout the longest wait for the whole stream
	 * @param converter the converter of the elements
	 * @param publisher the publisher of the elements
	 * @return the pending request, done when the stream ends
	 * @throws RequestReplyException if too many requests are pending
	 */
	public <T> PendingRequest<Void> registerStream(String topic, Type elementType, Duration idleTimeout,
			Duration timeout, PayloadConverter converter, ReplyPublisher<T> publisher) {
		long now = System.nanoTime();
		StreamCollector<T> collector = new StreamCollector<>(this, converter, elementType, publisher, idleTimeout,
				now + timeout.toNanos());
		PendingRequest<Void> request = register(topic, Void.class, collector, now, RequestState.stream(now,
				timeout.toNanos(), idleTimeout.toNanos(), publisher.maxBuffered(), true, true));
		publisher.bind(this, request);
		return request;
	}

	/**
	 * Register a scatter-gather: one reply per responder, until the policy is satisfied or the
	 * timeout passes, when it completes with the replies so far.
	 * @param <T> the reply type
	 * @param topics the topics the request goes to
	 * @param replyType the reply type
	 * @param policy when the gather is complete, and its timeout
	 * @param converter the converter of the replies
	 * @return the pending request
	 * @throws RequestReplyException if too many requests are pending
	 */
	public <T> PendingRequest<GatherResult<T>> registerGather(List<String> topics, Type replyType,
			GatherPolicy<T> policy, PayloadConverter converter) {
		return register(String.join(",", topics), null, policy.timeout(),
				new GatherCollector<>(this, converter, replyType, policy));
	}

	<T> PendingRequest<T> register(String topic, @Nullable Type replyType, Duration timeout,
			@Nullable ReplyCollector collector) {
		long now = System.nanoTime();
		long deadline = now + timeout.toNanos();
		return register(topic, replyType, collector, now, (collector instanceof GatherCollector)
				? RequestState.gather(deadline, true, true) : RequestState.single(deadline, true, true));
	}

	// The request's core state holds its deadline (all the core knows of it is that deadline).
	private <T> PendingRequest<T> register(String topic, @Nullable Type replyType, @Nullable ReplyCollector collector,
			long now, RequestState state) {
		if (atLimit()) {
			this.figures.rejected();
			throw new RequestReplyException("Too many pending requests (" + this.maxPending + "): request to topic '"
					+ topic + "' refused; raise request-reply.max-pending or slow down");
		}
		for (;;) {
			PendingRequest<T> request = new PendingRequest<>(this, CorrelationId.of(this.instanceBits), topic,
					replyType, now, state.deadline(), collector, state);
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
		int size = pendingCount();
		this.observedPending = size;
		return size >= this.maxPending;
	}

	/**
	 * Return whether an id is one this registry gave out (this instance's, this run): any other
	 * reply is another instance's.
	 * @param id the correlation id of a reply
	 * @return whether it names this instance
	 * @since 0.2.0
	 */
	public boolean isOwnId(CorrelationId id) {
		return id.isOf(this.instanceBits);
	}

	@Nullable PendingRequest<?> get(CorrelationId id) {
		return (this.pending.get(id) instanceof PendingRequest<?> request) ? request : null;
	}

	// Ending: every way is an event to the core, whose actions the transitions run

	/**
	 * Complete a request with its reply (or a gather with its result); replies still to come
	 * count as late for a request with several.
	 * @return whether this ended the request
	 */
	<T> boolean succeed(PendingRequest<T> request, @Nullable T result) {
		RequestEvent event = (request.state().kind() == RequestKind.GATHER) ? new RequestEvent.Gathered(false)
				: new RequestEvent.Reply(System.nanoTime(), null, null, null, false);
		return ends(this.transitions.apply(request, event, (r) -> r.complete(result), true));
	}

	/**
	 * Fail a request (an error reply, a reply that did not convert, a gather's policy that threw).
	 * @return whether this ended the request
	 */
	boolean fail(PendingRequest<?> request, RequestReplyException failure) {
		RequestEvent event = (request.state().kind() == RequestKind.GATHER) ? new RequestEvent.Gathered(true)
				: new RequestEvent.Reply(System.nanoTime(), null, null, null, true);
		return ends(this.transitions.apply(request, event, (r) -> r.completeExceptionally(failure), true));
	}

	/**
	 * Tell the core of a reply to a request with several (a stream element, a gather's reply).
	 * @param request the request
	 * @param reply the reply
	 * @param failure what the future fails with, given how the core ends it (called only when it
	 * does not end with a value)
	 * @return the actions the core decided
	 */
	List<RequestAction> reply(PendingRequest<?> request, RequestEvent.Reply reply,
			Function<RequestAction.Completion, @Nullable RequestReplyException> failure) {
		return this.transitions.apply(request, reply, (r, completion) -> {
			RequestReplyException failed = (completion != RequestAction.Completion.VALUE) ? failure.apply(completion)
					: null;
			if (failed != null) {
				r.completeExceptionally(failed);
			}
			else {
				r.complete(null);
			}
		}, true);
	}

	/**
	 * End a request this instance gives up on, as its caller's cancellation would (so a cancel
	 * record tells the responders to stop, and replies still to come count as late), failing its
	 * future with the given failure instead of a cancellation.
	 * @param request the request
	 * @param failure the failure its future completes with
	 * @return whether this ended the request
	 */
	boolean abandon(PendingRequest<?> request, RequestReplyException failure) {
		return ends(this.transitions.apply(request, new RequestEvent.Cancel(false),
				(r) -> r.completeExceptionally(failure), true));
	}

	/**
	 * Fail a request whose send failed, if it is still pending: on the completion executor when
	 * called back by the producer, on this thread when the caller's own send failed.
	 * @param request the request
	 * @param failure the failure
	 * @param onCallersThread whether this thread is the caller's, which may complete the future
	 */
	public void sendFailed(PendingRequest<?> request, RequestReplyException failure, boolean onCallersThread) {
		this.transitions.apply(request, new RequestEvent.SendFailed(), (r) -> r.completeExceptionally(failure),
				!onCallersThread);
	}

	/**
	 * Cancel a pending request: its future completes exceptionally with a
	 * {@link RequestReplyException} saying so, and a reply arriving later counts as late.
	 * @param correlationId the correlation id
	 * @return whether a pending request with that id was cancelled
	 */
	public boolean cancel(CorrelationId correlationId) {
		PendingRequest<?> request = get(correlationId);
		return request != null && abandon(request,
				new RequestReplyException("Request " + request.id + " to topic '" + request.topic + "' was cancelled"));
	}

	/**
	 * The request's future was cancelled by its caller (on the caller's thread).
	 */
	void cancelled(PendingRequest<?> request) {
		this.transitions.apply(request, new RequestEvent.Cancel(true), (r) -> {
		}, false);
	}

	// On the timer's thread: the engine's part of an expiry (removal, counting, the end action and
	// so the cancel record) runs here, never queued behind callers' callbacks; only the listeners
	// and the completion of the future go to the completion executor (or to the caller in get()).
	private void expire(PendingRequest<?> request) {
		ReplyCollector collector = request.collector;
		Consumer<PendingRequest<?>> completion;
		if (collector != null && collector.completesOnTimeout()) {
			completion = collector::completeOnTimeout;
		}
		else {
			completion = (r) -> r.completeExceptionally((collector != null) ? collector.timeoutFailure(r)
					: new RequestTimeoutException(r.topic, r.id, Duration.ofNanos(r.deadlineNanos - r.startNanos)));
		}
		this.transitions.apply(request, new RequestEvent.Timeout(System.nanoTime()), completion, true);
	}

	/**
	 * Fail every pending request with the given reason.
	 * @param reason the message of the {@link RequestReplyException} they fail with
	 * @return how many were failed
	 */
	public int failAll(String reason) {
		int count = 0;
		for (Object entry : this.pending.values()) {
			if (entry instanceof PendingRequest<?> request && ends(this.transitions.apply(request,
					new RequestEvent.Stop(), (r) -> r.completeExceptionally(new RequestReplyException(
							reason + " (request " + r.id + " to topic '" + r.topic + "')")),
					true))) {
				count++;
			}
		}
		return count;
	}

	private static boolean ends(List<RequestAction> actions) {
		return actions.stream().anyMatch(RequestAction.Remove.class::isInstance);
	}

	/**
	 * Run an action of the engine when a request ends (whatever ends it), on the thread that ends
	 * it, before its future completes; at once if it ended already. It must be quick and never
	 * block, and run no code of the caller's: what may block goes to {@link #complete(Runnable)}.
	 * @param request the request
	 * @param action the action, given how the request ended
	 */
	public void whenEnded(PendingRequest<?> request, Consumer<RequestOutcome> action) {
		request.whenEnded((outcome, release, sendCancel) -> action.accept(outcome));
	}

	/**
	 * Run the engine's action at a request's end, told whether the core releases its reply
	 * partition and sends its cancel records.
	 * @param request the request
	 * @param action the action
	 */
	void whenEnded(PendingRequest<?> request, PendingRequest.EndAction action) {
		request.whenEnded(action);
	}

	// Replies that end nothing

	boolean endedRecently(CorrelationId id) {
		return this.recentlyEnded.contains(id);
	}

	void skipped(SkippedReply reason) {
		this.figures.skipped(reason);
	}

	long skippedCount(SkippedReply reason) {
		return this.figures.skippedCount(reason);
	}

	// Lifecycle

	/**
	 * Wait until no request is pending, or the timeout passes.
	 * @param timeout how long to wait at most
	 * @return whether no request is pending
	 */
	public boolean awaitNoPending(Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		while (pendingCount() > 0) {
			if (end - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		return true;
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
