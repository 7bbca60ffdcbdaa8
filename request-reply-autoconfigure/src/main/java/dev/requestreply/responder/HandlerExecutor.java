package dev.requestreply.responder;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.springframework.core.log.LogAccessor;

/**
 * Runs the requests of one handler on its threads, at most {@code maxConcurrency} at once across
 * the handler's consumers: a request whose turn came waits in a queue while the limit is reached,
 * and counts against it until its worker returns (the method, and for a stream request the
 * iteration of what it returned). Urgent work (cancellations, the end of a request the watchdog
 * stops, a stream's demand) runs at once, beside the limit, so that it never waits behind the
 * requests it concerns.
 */
final class HandlerExecutor {

	private static final LogAccessor logger = new LogAccessor(HandlerExecutor.class);

	private final int maxConcurrency;

	private final Executor threads;

	private final Consumer<InHandRequest> worker;

	private final Runnable onCapacity;

	// Guarded by itself.
	private final ArrayDeque<InHandRequest> queue = new ArrayDeque<>();

	// Guarded by queue.
	private int active;

	private final LongAdder started = new LongAdder();

	private final LongAdder waitTotalNanos = new LongAdder();

	private final AtomicLong waitMaxNanos = new AtomicLong();

	/**
	 * @param maxConcurrency the most requests running at once
	 * @param threads the threads (a bounded pool, or virtual threads)
	 * @param worker what runs a request on a thread
	 * @param onCapacity told, on the thread that frees it, when the queue fell to half the limit
	 */
	HandlerExecutor(int maxConcurrency, Executor threads, Consumer<InHandRequest> worker, Runnable onCapacity) {
		this.maxConcurrency = maxConcurrency;
		this.threads = threads;
		this.worker = worker;
		this.onCapacity = onCapacity;
	}

	/**
	 * Run a request whose turn came, now or once a thread is free.
	 */
	void submit(InHandRequest request) {
		request.queuedNanos = System.nanoTime();
		synchronized (this.queue) {
			if (this.active >= this.maxConcurrency) {
				this.queue.add(request);
				return;
			}
			this.active++;
		}
		dispatch(request);
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

	private void dispatch(InHandRequest request) {
		try {
			this.threads.execute(() -> run(request));
		}
		catch (RuntimeException ex) {
			logger.error(ex, () -> "Could not hand request " + request.position() + " to a handler thread");
			done();
		}
	}

	private void run(InHandRequest first) {
		InHandRequest next = first;
		while (next != null) {
			long waited = System.nanoTime() - next.queuedNanos;
			this.started.increment();
			this.waitTotalNanos.add(waited);
			this.waitMaxNanos.accumulateAndGet(waited, Math::max);
			try {
				this.worker.accept(next);
			}
			catch (Throwable ex) {
				logger.error(ex, () -> "Handler worker failed");
			}
			next = pollOrRelease();
		}
	}

	// The next queued request for this thread, or null once the slot is released.
	private InHandRequest pollOrRelease() {
		InHandRequest next;
		boolean fellToHalf;
		synchronized (this.queue) {
			next = this.queue.poll();
			if (next == null) {
				this.active--;
			}
			fellToHalf = this.queue.size() == this.maxConcurrency / 2;
		}
		if (fellToHalf) {
			this.onCapacity.run();
		}
		return next;
	}

	private void done() {
		InHandRequest next = pollOrRelease();
		if (next != null) {
			dispatch(next);
		}
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
	 * Return whether requests wait for a thread beyond one round of the limit: the partitions
	 * feeding them should take no more for now.
	 */
	boolean saturated() {
		return queued() >= this.maxConcurrency;
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
