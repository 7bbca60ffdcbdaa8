package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Runs the requests of one handler on its threads, at most {@code maxConcurrency} at once across
 * the handler's consumers: a request whose turn came waits in a queue, and counts against the
 * limit until its worker returns (the method, and for a stream request the iteration of what it
 * returned). A worker takes queued requests one after the other; more workers start while the
 * queue would take longer than {@link #TARGET_DRAIN} to drain at the time a request has taken
 * lately (or, when the workers all block, the time they have made no progress), so that a handler
 * that blocks gets up to {@code maxConcurrency} threads and a handler that does not is not spread
 * over threads it would only wake up. Urgent work (cancellations, the
 * end of a request the watchdog stops, a stream's demand) runs at once, beside the limit, so that
 * it never waits behind the requests it concerns.
 */
final class HandlerExecutor {

	/**
	 * About how long the queued requests may take to drain before more workers start.
	 */
	static final Duration TARGET_DRAIN = Duration.ofMillis(5);

	private static final long TARGET_DRAIN_NANOS = TARGET_DRAIN.toNanos();

	// A handler quicker than this has its replies held until its queue is empty (ReplyBurst).
	private static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

	private static final LogAccessor logger = new LogAccessor(HandlerExecutor.class);

	// Set on a consumer thread while it hands out a poll: submitted requests only queue.
	private static final ThreadLocal<Boolean> handingOut = new ThreadLocal<>();

	private final int maxConcurrency;

	private final Executor threads;

	private final Consumer<InHandRequest> worker;

	private final Runnable onCapacity;

	private final boolean burst;

	// Guarded by itself.
	private final ArrayDeque<InHandRequest> queue = new ArrayDeque<>();

	// Guarded by queue: the workers running.
	private int active;

	// The time a request took its worker lately (a moving average; racy updates do no harm).
	private volatile long serviceNanos;

	// When a worker last started or finished a request: workers that all block show no progress.
	private volatile long progressNanos = System.nanoTime();

	private final LongAdder started = new LongAdder();

	private final LongAdder waitTotalNanos = new LongAdder();

	private final AtomicLong waitMaxNanos = new AtomicLong();

	/**
	 * @param maxConcurrency the most requests running at once
	 * @param threads the threads (a bounded pool, or virtual threads)
	 * @param worker what runs a request on a thread
	 * @param onCapacity told, on the thread that frees it, when the queue fell to half the limit
	 * @param burst whether a worker holds the replies of a quick handler until its queue is
	 * empty (not when requests are observed: a reply is sent within its request's observation)
	 */
	HandlerExecutor(int maxConcurrency, Executor threads, Consumer<InHandRequest> worker, Runnable onCapacity,
			boolean burst) {
		this.maxConcurrency = maxConcurrency;
		this.threads = threads;
		this.worker = worker;
		this.onCapacity = onCapacity;
		this.burst = burst;
	}

	/**
	 * Run a request whose turn came, now or once a worker is free (or, while this thread hands
	 * out a poll, once it handed out all of it).
	 */
	void submit(InHandRequest request) {
		request.queuedNanos = System.nanoTime();
		int start;
		synchronized (this.queue) {
			this.queue.add(request);
			if (handingOut.get() != null) {
				return;
			}
			start = workersWanted();
		}
		startWorkers(start);
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
				start = workersWanted();
			}
			startWorkers(start);
		}
	}

	/**
	 * Run urgent work now, beside the limit.
	 */
	void urgent(Runnable work) {
		try {
			this.threads.execute(work);
		}
		catch (RejectedExecutionException ex) {
			// Every thread of the pool busy: urgent work still must not wait.
			Thread overflow = new Thread(work, "request-reply-urgent");
			overflow.setDaemon(true);
			overflow.start();
		}
	}

	/**
	 * Start more workers if those running have made no progress for a while (they block, for
	 * longer than any request took so far) and requests wait. Called by the watchdog every tick.
	 */
	void grow() {
		int start;
		synchronized (this.queue) {
			if (this.queue.isEmpty() || this.active >= this.maxConcurrency) {
				return;
			}
			start = workersWanted();
		}
		startWorkers(start);
	}

	// Guarded by queue: how many more workers to start (counted as active already).
	private int workersWanted() {
		int queued = this.queue.size();
		long stalled = (this.active > 0) ? System.nanoTime() - this.progressNanos : 0;
		long service = Math.max(1, Math.max(this.serviceNanos, stalled));
		long needed = (queued * service + TARGET_DRAIN_NANOS - 1) / TARGET_DRAIN_NANOS;
		int wanted = (int) Math.min(Math.min(this.maxConcurrency, Math.max(1, needed)), (long) this.active + queued);
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
		if (this.burst) {
			ReplyBurst.begin();
		}
		try {
			while (true) {
				InHandRequest next;
				int start;
				boolean fellToHalf;
				synchronized (this.queue) {
					next = this.queue.poll();
					if (next == null) {
						this.active--;
						return;
					}
					start = workersWanted();
					fellToHalf = this.queue.size() == this.maxConcurrency / 2;
				}
				startWorkers(start);
				if (fellToHalf) {
					this.onCapacity.run();
				}
				run(next);
				if (this.serviceNanos > QUICK_NANOS || queued() == 0) {
					ReplyBurst.flush();
				}
			}
		}
		finally {
			ReplyBurst.end();
		}
	}

	private void run(InHandRequest request) {
		long started = System.nanoTime();
		this.progressNanos = started;
		long waited = started - request.queuedNanos;
		this.started.increment();
		this.waitTotalNanos.add(waited);
		this.waitMaxNanos.accumulateAndGet(waited, Math::max);
		try {
			this.worker.accept(request);
		}
		catch (Throwable ex) {
			logger.error(ex, () -> "Handler worker failed");
		}
		long ended = System.nanoTime();
		this.progressNanos = ended;
		long took = ended - started;
		long average = this.serviceNanos;
		this.serviceNanos = (average == 0) ? took : average + (took - average) / 4;
	}

	int maxConcurrency() {
		return this.maxConcurrency;
	}

	int active() {
		synchronized (this.queue) {
			return this.active;
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
			return this.active >= this.maxConcurrency && this.queue.size() >= this.maxConcurrency;
		}
	}

	long started() {
		return this.started.sum();
	}

	long waitTotalNanos() {
		return this.waitTotalNanos.sum();
	}

	long waitMaxNanos() {
		return this.waitMaxNanos.get();
	}

}
