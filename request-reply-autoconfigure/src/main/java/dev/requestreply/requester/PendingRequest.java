package dev.requestreply.requester;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import dev.requestreply.CorrelationId;
import dev.requestreply.requester.core.RequestKind;
import dev.requestreply.requester.core.RequestState;
import org.jspecify.annotations.Nullable;

/**
 * The future of one request, and its entry in the {@link PendingRequests} and its
 * {@link TimeoutWheel}, in one object to keep a pending request small.
 * <p>
 * A caller waiting in {@link #get()} (or {@link #join()}) completes the future itself once the
 * reply is read: the reply reader hands it the completion rather than a completion thread, so the
 * caller's own thread runs what depends on the future, and the wait costs one thread wake-up, as
 * it would if the reader completed it.
 *
 * @param <T> the reply type
 * @since 0.2.0
 */
final class PendingRequest<T> extends RelayingFuture<T> {

	final CorrelationId id;

	final String topic;

	final @Nullable Type replyType;

	final long startNanos;

	// Moved only by a streaming request's idle timeout, with the request out of the wheel.
	volatile long deadlineNanos;

	/**
	 * Receives the replies of a request that has several (a stream, a gather); {@code null} for a
	 * request with one reply.
	 */
	final @Nullable ReplyCollector collector;

	private final PendingRequests registry;

	// The request's state, changed only by compare-and-set: whoever moves it runs the actions the
	// core returned with the new state. A request with one reply keeps it in a word (its outcome and
	// flags; its deadline is deadlineNanos), so that it costs no object of its own; a stream or a
	// gather, whose state changes with each reply, in progress (and word is 0).
	@SuppressWarnings("unused")
	private volatile int word;

	private volatile @Nullable RequestState progress;

	// The engine's own action at the request's end: null until set, then the action, or the
	// request's EndAction.Ended once it ended.
	@SuppressWarnings("unused")
	private volatile @Nullable Object endAction;

	// The one caller waiting in get() or join(), if any, and the completion handed to it: null,
	// the completion, or CLOSED once it stopped waiting.
	private volatile @Nullable Thread waiter;

	@SuppressWarnings("unused")
	private volatile @Nullable Object handed;

	// Guarded by the bucket's monitor; bucket is read without it to find that monitor.
	volatile TimeoutWheel.@Nullable Bucket bucket;

	@Nullable PendingRequest<?> previous;

	@Nullable PendingRequest<?> next;

	// The next request of the chain a tick of the wheel expires (only its sweep reads and writes it).
	@Nullable PendingRequest<?> expiredNext;

	private static final Object CLOSED = new Object();

	private static final VarHandle WORD;

	private static final VarHandle PROGRESS;

	private static final VarHandle END_ACTION;

	private static final VarHandle WAITER;

	private static final VarHandle HANDED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			WORD = lookup.findVarHandle(PendingRequest.class, "word", int.class);
			PROGRESS = lookup.findVarHandle(PendingRequest.class, "progress", RequestState.class);
			END_ACTION = lookup.findVarHandle(PendingRequest.class, "endAction", Object.class);
			WAITER = lookup.findVarHandle(PendingRequest.class, "waiter", Thread.class);
			HANDED = lookup.findVarHandle(PendingRequest.class, "handed", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	PendingRequest(PendingRequests registry, CorrelationId id, String topic, @Nullable Type replyType, long startNanos,
			long deadlineNanos, @Nullable ReplyCollector collector, int word, @Nullable RequestState progress) {
		this.registry = registry;
		this.word = word;
		this.progress = progress;
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
	 * those of a future its caller cancelled may run before; it is set as the request ends, a little
	 * before its future completes).
	 * @return the outcome, or {@code null} while pending
	 */
	public @Nullable RequestOutcome outcome() {
		return state().outcome();
	}

	/**
	 * Return the request's state (that of a request with one reply made of its word).
	 * @return the state
	 */
	RequestState state() {
		RequestState held = this.progress;
		return (held != null) ? held : RequestState.ofWord(this.word, this.deadlineNanos);
	}

	/**
	 * Move the request's state, if no other thread moved it since it was read.
	 * @param from the state read
	 * @param to the next state
	 * @return whether this thread moved it (and so runs the actions that go with it)
	 */
	boolean moveState(RequestState from, RequestState to) {
		return (from.kind() == RequestKind.SINGLE) ? WORD.compareAndSet(this, from.word(), to.word())
				: PROGRESS.compareAndSet(this, from, to);
	}

	/**
	 * Return the word of a request with one reply's state (see {@link RequestState#word()}).
	 * @return the word, or 0 for a stream or a gather
	 */
	int word() {
		return this.word;
	}

	/**
	 * Move the state of a request with one reply, if no other thread moved it since it was read.
	 * @param from the word read
	 * @param to the next state's word
	 * @return whether this thread moved it (and so runs the actions that go with it)
	 */
	boolean moveWord(int from, int to) {
		return WORD.compareAndSet(this, from, to);
	}

	/**
	 * Set the engine's action at the end of this request; run at once if it ended already.
	 */
	void whenEnded(EndAction action) {
		if (!END_ACTION.compareAndSet(this, null, action)) {
			EndAction.Ended ended = (EndAction.Ended) this.endAction;
			if (ended != null) {
				ended.runOn(action);
			}
		}
	}

	/**
	 * The request ended: run the engine's action at its end, if set (else it runs once set).
	 */
	void ended(RequestOutcome outcome, boolean release, boolean sendCancel) {
		EndAction.Ended ended = EndAction.Ended.of(outcome, release, sendCancel);
		if (END_ACTION.getAndSet(this, ended) instanceof EndAction action) {
			ended.runOn(action);
		}
	}

	/**
	 * Hand the completion of this future to the caller waiting for it, if one waits.
	 * @param completion what completes the future
	 * @return whether the waiting caller took it (else the caller of this method runs it)
	 */
	boolean handToWaiter(Runnable completion) {
		Thread waiting = this.waiter;
		if (waiting == null || !HANDED.compareAndSet(this, null, completion)) {
			return false;
		}
		LockSupport.unpark(waiting);
		return true;
	}

	/**
	 * Wait, as the one waiting caller, until the future is done, its completion is handed over
	 * (which then runs here), the deadline passes or the thread is interrupted.
	 * @param timeoutNanos how long to wait at most, or a negative value to wait without a bound
	 */
	private void awaitCompletion(long timeoutNanos) {
		if (isDone() || !WAITER.compareAndSet(this, null, Thread.currentThread())) {
			return;
		}
		long deadline = System.nanoTime() + timeoutNanos;
		try {
			while (!isDone() && this.handed == null && !Thread.currentThread().isInterrupted()) {
				if (timeoutNanos < 0) {
					LockSupport.park(this);
				}
				else {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						break;
					}
					LockSupport.parkNanos(this, left);
				}
			}
		}
		finally {
			if (HANDED.getAndSet(this, CLOSED) instanceof Runnable completion) {
				completion.run();
			}
		}
	}

	@Override
	public T get() throws InterruptedException, ExecutionException {
		awaitCompletion(-1);
		return super.get();
	}

	@Override
	public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
		long start = System.nanoTime();
		long timeoutNanos = unit.toNanos(timeout);
		awaitCompletion(Math.max(0, timeoutNanos));
		return super.get(Math.max(0, timeoutNanos - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
	}

	@Override
	public T join() {
		boolean interrupted = Thread.interrupted();
		awaitCompletion(-1);
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return super.join();
	}

	@Override
	public boolean complete(@Nullable T value) {
		return wakeWaiter(super.complete(value));
	}

	@Override
	public boolean completeExceptionally(Throwable ex) {
		return wakeWaiter(super.completeExceptionally(ex));
	}

	@Override
	public void obtrudeValue(T value) {
		super.obtrudeValue(value);
		wakeWaiter(true);
	}

	@Override
	public void obtrudeException(Throwable ex) {
		super.obtrudeException(ex);
		wakeWaiter(true);
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = wakeWaiter(super.cancel(mayInterruptIfRunning));
		if (cancelled) {
			this.registry.ends().cancelled(this);
		}
		return cancelled;
	}

	// Whoever completes the future, the waiting caller parked in awaitCompletion wakes up.
	private boolean wakeWaiter(boolean completed) {
		Thread waiting = this.waiter;
		if (completed && waiting != null) {
			LockSupport.unpark(waiting);
		}
		return completed;
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
