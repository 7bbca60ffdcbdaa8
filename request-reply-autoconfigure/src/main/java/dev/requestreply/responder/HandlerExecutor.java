package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Runs the requests of one handler on its threads, at most {@code maxConcurrency} at once across
 * the handler's consumers: a request whose turn came waits in a queue, and counts against the
 * limit until its worker returns (the method, and for a stream request the iteration of what it
 * returned) and, when the method returned what completes later (a future, a suspended Kotlin
 * coroutine, a publisher), until its reply is made or the request ended
 * ({@link #countUntil(CompletableFuture)}). A worker takes queued requests one after the other;
 * more workers start while the queue would take longer than {@link #TARGET_DRAIN} to drain at the
 * time a request has taken lately (or, when the workers all block, the time they have made no
 * progress, once it is {@link CallTimes#STALL_FLOOR} or more), so that a handler that blocks gets
 * up to {@code maxConcurrency} threads and a handler that does not is not spread over threads it
 * would only wake up, even on a busy machine that holds its calls up now and then. Urgent work
 * (cancellations, the end of a request the watchdog stops, a stream's demand, replies a worker held
 * too long) runs on threads of its own ({@link HandlerThreads}), beside the limit, so that it never
 * waits behind the requests it concerns.
 */
final class HandlerExecutor {

	/**
	 * About how long the queued requests may take to drain before more workers start.
	 */
	static final Duration TARGET_DRAIN = Duration.ofMillis(5);

	private static final long TARGET_DRAIN_NANOS = TARGET_DRAIN.toNanos();

	private static final LogAccessor logger = new LogAccessor(HandlerExecutor.class);

	// Set on a consumer thread while it hands out a poll: submitted requests only queue.
	private static final ThreadLocal<Boolean> handingOut = new ThreadLocal<>();

	private final int maxConcurrency;

	private final Executor threads;

	private final Executor urgent;

	private final Consumer<InHandRequest> worker;

	private final Runnable onCapacity;

	private final HeldReplies held;

	// Guarded by itself.
	private final ArrayDeque<InHandRequest> queue = new ArrayDeque<>();

	// Guarded by queue: the workers running.
	private int active;

	// Guarded by queue: requests whose worker moved on, counting until their reply is made.
	private int pending;

	// Set on a worker's thread while it runs a request: what the request counts until, if set.
	private final ThreadLocal<Running> running = new ThreadLocal<>();

	private final CallTimes times = new CallTimes();

	/**
	 * @param maxConcurrency the most requests running at once
	 * @param threads the threads of the calls (a bounded pool, or virtual threads)
	 * @param urgent the threads of the urgent work
	 * @param worker what runs a request on a thread
	 * @param onCapacity told, on the thread that changes it, when the queue fell to half the limit
	 * or reached it with every worker busy
	 * @param burst whether a worker holds the replies of a quick handler until its queue is
	 * empty ({@link HeldReplies})
	 */
	HandlerExecutor(int maxConcurrency, Executor threads, Executor urgent, Consumer<InHandRequest> worker,
			Runnable onCapacity, boolean burst) {
		this.maxConcurrency = maxConcurrency;
		this.threads = threads;
		this.urgent = urgent;
		this.worker = worker;
		this.onCapacity = onCapacity;
		this.held = new HeldReplies(burst, this::urgent);
	}

	/**
	 * Run a request whose turn came, now or once a worker is free (or, while this thread hands
	 * out a poll, once it handed out all of it).
	 */
	void submit(InHandRequest request) {
		request.queuedNanos = System.nanoTime();
		int start;
		boolean becameSaturated;
		synchronized (this.queue) {
			this.queue.add(request);
			if (handingOut.get() != null) {
				return;
			}
			start = workersWanted(true);
			becameSaturated = this.queue.size() == this.maxConcurrency && atLimit();
		}
		startWorkers(start);
		if (becameSaturated) {
			// Requests reach the queue from the handler's loop, after their poll: its consumers
			// check the limit again before their next poll.
			this.onCapacity.run();
		}
	}

	/**
	 * Hand out a poll's requests: the workers start once all are queued, so that one worker takes
	 * a run of them (and sends their replies together) rather than each waking a thread.
	 * @param poll hands the requests out (to {@link #submit(InHandRequest)}, through the lanes)
	 */
	void handOut(Runnable poll) {
		handingOut.set(Boolean.TRUE);
		try {
			poll.run();
		}
		finally {
			handingOut.remove();
			int start;
			synchronized (this.queue) {
				start = workersWanted(true);
			}
			startWorkers(start);
		}
	}

	/**
	 * Run urgent work now, beside the limit (dropped once the handler stopped).
	 */
	void urgent(Runnable work) {
		try {
			this.urgent.execute(work);
		}
		catch (RejectedExecutionException ex) {
			logger.debug(ex, () -> "Urgent work dropped: the handler's threads are stopped");
		}
	}

	/**
	 * The request the calling worker runs goes on counting against the limit once its worker
	 * returned, until {@code settled} completes (its reply made, or the request ended). Called by
	 * the request's call on its worker's thread; elsewhere it does nothing.
	 * @param settled completes once the request no longer counts
	 */
	void countUntil(CompletableFuture<?> settled) {
		Running current = this.running.get();
		if (current != null) {
			current.until = settled;
		}
	}

	/**
	 * Called by the watchdog every tick: send the replies a worker held for longer than
	 * {@link ReplyBurst#MAX_HOLD} (its next call blocks), and start more workers if those running
	 * have made no progress for a while (they block, for longer than any request took so far)
	 * and requests wait.
	 */
	void tick() {
		this.held.sendStale(System.nanoTime());
		int start;
		synchronized (this.queue) {
			if (this.queue.isEmpty() || this.active + this.pending >= this.maxConcurrency) {
				return;
			}
			start = workersWanted(true);
		}
		startWorkers(start);
	}

	// Guarded by queue: how many more workers to start (counted as active already), counting the time
	// the workers made no progress when told by a thread that is not one of them.
	private int workersWanted(boolean stallCounts) {
		int queued = this.queue.size();
		long stalled = (stallCounts && this.active > 0) ? this.times.stalledNanos() : 0;
		long service = Math.max(1, Math.max(this.times.serviceNanos(), stalled));
		long needed = (queued * service + TARGET_DRAIN_NANOS - 1) / TARGET_DRAIN_NANOS;
		int room = Math.max(0, this.maxConcurrency - this.pending);
		int wanted = (int) Math.min(Math.min(room, Math.max(1, needed)), (long) this.active + queued);
		int start = Math.max(0, wanted - this.active);
		this.active += start;
		return start;
	}

	private void startWorkers(int count) {
		for (int i = 0; i < count; i++) {
			try {
				this.threads.execute(this::work);
			}
			catch (RuntimeException ex) {
				logger.error(ex, () -> "Could not start a handler thread");
				synchronized (this.queue) {
					this.active--;
				}
			}
		}
	}

	private void work() {
		ReplyBurst burst = this.held.begin();
		Running current = new Running();
		this.running.set(current);
		try {
			while (true) {
				InHandRequest next;
				int start;
				boolean fellToHalf;
				synchronized (this.queue) {
					// This worker counts in active: it takes the next while that keeps to the limit.
					next = (this.active + this.pending <= this.maxConcurrency) ? this.queue.poll() : null;
					if (next == null) {
						this.active--;
						return;
					}
					// This worker runs: no sign that the workers block, however long it was held up.
					start = workersWanted(false);
					fellToHalf = this.queue.size() == this.maxConcurrency / 2;
				}
				startWorkers(start);
				if (fellToHalf) {
					this.onCapacity.run();
				}
				current.until = null;
				run(next);
				countPending(current.until);
				this.held.called(burst, this.times.serviceNanos(), this::queued);
			}
		}
		finally {
			this.running.remove();
			this.held.end(burst);
		}
	}

	private void countPending(@Nullable CompletableFuture<?> until) {
		if (until == null || until.isDone()) {
			return;
		}
		synchronized (this.queue) {
			this.pending++;
		}
		until.whenComplete((result, ex) -> settled());
	}

	// On the thread that settled it: frees its place, for a queued request.
	private void settled() {
		int start;
		synchronized (this.queue) {
			this.pending--;
			start = this.queue.isEmpty() ? 0 : workersWanted(true);
		}
		startWorkers(start);
	}

	private void run(InHandRequest request) {
		long started = this.times.started(request);
		try {
			this.worker.accept(request);
		}
		catch (Throwable ex) {
			logger.error(ex, () -> "Handler worker failed");
		}
		this.times.ended(started);
	}

	int maxConcurrency() {
		return this.maxConcurrency;
	}

	/**
	 * Return the requests counting against the limit: their worker runs them, or their reply is
	 * yet to be made.
	 */
	int active() {
		synchronized (this.queue) {
			return this.active + this.pending;
		}
	}

	int queued() {
		synchronized (this.queue) {
			return this.queue.size();
		}
	}

	/**
	 * Return whether the limit is reached and a round of the limit waits besides: the partitions
	 * feeding the queue should take no more for now.
	 */
	boolean saturated() {
		synchronized (this.queue) {
			return atLimit();
		}
	}

	// Guarded by queue.
	private boolean atLimit() {
		return this.active + this.pending >= this.maxConcurrency && this.queue.size() >= this.maxConcurrency;
	}

	CallTimes times() {
		return this.times;
	}

	// What the request a worker runs counts until, once the worker returned (null: nothing).
	private static final class Running {

		@Nullable CompletableFuture<?> until;

	}

}
