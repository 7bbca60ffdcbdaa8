package dev.requestreply.responder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long the requests of one handler waited for a worker (figures of its execution) and took
 * their worker lately (what its executor sizes its workers by).
 */
final class CallTimes {

	/**
	 * How long the running workers make no progress before that counts as calls that block.
	 */
	static final Duration STALL_FLOOR = Duration.ofMillis(20);

	private static final long STALL_FLOOR_NANOS = STALL_FLOOR.toNanos();

	// How far above the average one call counts.
	private static final long MAX_RISE = 4;

	private final LongAdder started = new LongAdder();

	private final LongAdder waitTotalNanos = new LongAdder();

	private final AtomicLong waitMaxNanos = new AtomicLong();

	// The time a request took its worker lately (a moving average; racy updates do no harm).
	private volatile long serviceNanos;

	// When a worker last started or finished a request: workers that all block show no progress.
	private volatile long progressNanos = System.nanoTime();

	/**
	 * A worker starts a request.
	 * @return when, for {@link #ended(long)}
	 */
	long started(InHandRequest request) {
		long now = System.nanoTime();
		this.progressNanos = now;
		long waited = now - request.queuedNanos;
		this.started.increment();
		this.waitTotalNanos.add(waited);
		this.waitMaxNanos.accumulateAndGet(waited, Math::max);
		return now;
	}

	/**
	 * A worker is done with a request.
	 * @param startedNanos when it started it
	 */
	void ended(long startedNanos) {
		long now = System.nanoTime();
		this.progressNanos = now;
		long took = now - startedNanos;
		long average = this.serviceNanos;
		// A call far longer than those before it (held up while the machine ran other threads, or a
		// rare slow one) raises the average by 3/4 at most: a run of them raises it to their time.
		// Workers that block are seen as making no progress meanwhile (HandlerExecutor).
		long counted = (average == 0) ? took : Math.min(took, MAX_RISE * average);
		this.serviceNanos = (average == 0) ? took : average + (counted - average) / 4;
	}

	long serviceNanos() {
		return this.serviceNanos;
	}

	/**
	 * Return how long no worker has started or finished a request, once that is
	 * {@link #STALL_FLOOR} or more: workers held up briefly are no sign that calls block, a busy
	 * machine runs other threads.
	 * @return the time, or 0
	 */
	long stalledNanos() {
		long stalled = System.nanoTime() - this.progressNanos;
		return (stalled >= STALL_FLOOR_NANOS) ? stalled : 0;
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
