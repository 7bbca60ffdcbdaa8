package dev.requestreply.requester;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.support.LogThrottle;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Runs the completion of a request's future (hence its caller's callbacks), the delivery of
 * stream elements and a gather's policy on the completion executor, never on the engine's own
 * threads (the timing wheel, the reply readers, the producer's sender): a callback that blocks
 * holds one completion thread, not every other request's timeout or reply. The engine's own part
 * of a request's end (removal, counting, the cancel record) never runs here.
 * <p>
 * A pool ({@link ThreadPoolTaskExecutor}) grows while all its threads are busy and none ended a
 * task (or a completion of a {@link CompletionBatches batch}) for {@value #STALL_MILLIS} ms with
 * tasks waiting (callbacks that block, such as a fallback that waits for another request), up to
 * {@value #MAX_THREADS} threads (or its own maximum pool size, if lower), with a WARN at most once a
 * minute, and shrinks back once it has been idle for a minute; what a pool refuses (shut down) runs
 * on the calling thread rather than being lost. At its maximum, with every thread blocked and
 * completions waiting, it is saturated (counted, an ERROR at most once a minute) until no
 * completion waits: futures then complete in turn as threads free up.
 */
final class Completions {

	static final int MAX_THREADS = 256;

	static final long STALL_MILLIS = 20;

	private static final long SHRINK_NANOS = TimeUnit.MINUTES.toNanos(1);

	// The WARN of growth and the ERROR of saturation, each at most once per interval.
	private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private static final LogAccessor logger = new LogAccessor(Completions.class);

	private final Executor executor;

	private final @Nullable ThreadPoolExecutor pool;

	private final int baseThreads;

	private final int maxThreads;

	private final @Nullable ThreadPoolTaskExecutor owned;

	// Read and written by the timing wheel's thread only, once a tick.
	private long lastCompleted = -1;

	private long stalledSince;

	private int stalledChecks;

	private long busySince;

	private final LogThrottle growthLog = new LogThrottle(LOG_INTERVAL);

	private final LogThrottle saturationLog = new LogThrottle(LOG_INTERVAL);

	// Written by the timing wheel's thread, read by the endpoint, health and meters.
	private volatile boolean saturated;

	private final AtomicLong saturations = new AtomicLong();

	// Completions run within batches (CompletionBatches): progress that the pool's count of
	// tasks ended misses while a batch runs.
	private final LongAdder batchedRun = new LongAdder();

	/**
	 * Run completions on the given executor, which its owner shuts down.
	 */
	Completions(Executor executor) {
		this(executor, null);
	}

	private Completions(Executor executor, @Nullable ThreadPoolTaskExecutor owned) {
		this.executor = executor;
		this.owned = owned;
		this.pool = (executor instanceof ThreadPoolTaskExecutor tasks) ? tasks.getThreadPoolExecutor() : null;
		this.baseThreads = (this.pool != null) ? this.pool.getCorePoolSize() : 0;
		// A pool's own maximum, when it is lower (its default is unbounded).
		this.maxThreads = (this.pool != null) ? Math.min(this.pool.getMaximumPoolSize(), MAX_THREADS) : 0;
	}

	/**
	 * Run completions on the given executor, or on a pool of their own.
	 * @param executor the executor, which its owner shuts down, or {@code null} for a pool shut
	 * down by {@link #close()}
	 * @return the completions
	 */
	static Completions on(@Nullable Executor executor) {
		return (executor != null) ? new Completions(executor) : ownPool();
	}

	/**
	 * Run completions on a pool of their own, shut down by {@link #close()}.
	 */
	static Completions ownPool() {
		ThreadPoolTaskExecutor pool = newPool(defaultThreads());
		return new Completions(pool, pool);
	}

	/**
	 * Return the number of completion threads a pool starts with: one per core, at least two, so
	 * that one blocked callback leaves another thread running.
	 * @return the number of threads
	 */
	static int defaultThreads() {
		return Math.max(2, Runtime.getRuntime().availableProcessors());
	}

	/**
	 * Return an initialized pool of daemon completion threads.
	 */
	static ThreadPoolTaskExecutor newPool(int threads) {
		ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
		configure(pool, threads);
		pool.initialize();
		return pool;
	}

	/**
	 * Configure a pool as completions need it, before it is initialized: a fixed number of threads
	 * over an unbounded queue (grown only by stalls), daemon threads, tasks left at shutdown run.
	 * @param pool the pool
	 * @param threads the number of threads it starts with
	 */
	static void configure(ThreadPoolTaskExecutor pool, int threads) {
		pool.setCorePoolSize(threads);
		pool.setMaxPoolSize(MAX_THREADS);
		pool.setQueueCapacity(Integer.MAX_VALUE);
		pool.setThreadNamePrefix(RequesterSettings.COMPLETION_THREAD_PREFIX);
		pool.setDaemon(true);
		pool.setWaitForTasksToCompleteOnShutdown(true);
		pool.setAwaitTerminationSeconds(5);
	}

	/**
	 * Run a task on the completion executor, or here if it refuses it.
	 * @param task the task
	 */
	void execute(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Shut down (the application stops): ending the request here beats leaving it hanging.
			task.run();
		}
	}

	/**
	 * Count a completion run within a batch, as progress of the pool (a batch is one task).
	 */
	void ranBatched() {
		this.batchedRun.increment();
	}

	/**
	 * Grow a pool whose threads are all stuck, or shrink one idle again. Called by the timing
	 * wheel's thread once a tick.
	 * @param now the time, in nanoseconds
	 */
	void check(long now) {
		ThreadPoolExecutor current = this.pool;
		if (current == null || current.isShutdown()) {
			return;
		}
		boolean waiting = !current.getQueue().isEmpty();
		if (!waiting) {
			this.stalledChecks = 0;
			this.saturated = false;
			shrinkIfIdle(current, now);
			return;
		}
		this.busySince = now;
		long completed = current.getCompletedTaskCount() + this.batchedRun.sum();
		if (completed != this.lastCompleted) {
			this.lastCompleted = completed;
			this.stalledSince = now;
			this.stalledChecks = 0;
			return;
		}
		// Two checks in a row, not only time: a pause of the whole JVM (a collection) stops the
		// completion threads and this one alike.
		if (++this.stalledChecks < 2 || now - this.stalledSince < TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
			return;
		}
		int threads = current.getCorePoolSize();
		if (threads >= this.maxThreads) {
			saturated(threads, now);
			return;
		}
		current.setCorePoolSize(threads + 1);
		this.stalledSince = now;
		this.stalledChecks = 0;
		if (this.growthLog.occurredAt(now) > 0) {
			logger.warn(() -> "Every request-reply completion thread was busy for " + STALL_MILLIS
					+ " ms with completions waiting: a callback on a request future blocks; adding threads (now "
					+ (threads + 1) + ", at most " + this.maxThreads
					+ "). Use the *Async variants with an executor of your own for blocking work");
		}
	}

	// At its maximum, every thread blocked: requests still end on time (the timer ends them), but
	// their futures complete only as threads free up.
	private void saturated(int threads, long now) {
		if (this.saturated) {
			return;
		}
		this.saturated = true;
		long count = this.saturations.incrementAndGet();
		if (this.saturationLog.occurredAt(now) > 0) {
			logger.error(() -> "All " + threads + " request-reply completion threads are blocked by callbacks, with"
					+ " completions waiting (" + count + " time(s) since start): requests still end on time, but"
					+ " their futures complete only as threads free up (a caller blocked in get() or join() is not"
					+ " delayed). Callbacks on request futures must not wait for other requests' futures or block for"
					+ " long: use the *Async variants with an executor of your own");
		}
	}

	private void shrinkIfIdle(ThreadPoolExecutor current, long now) {
		if (current.getCorePoolSize() > this.baseThreads && this.busySince != 0
				&& now - this.busySince > SHRINK_NANOS) {
			// Idle threads above the base end when next idle; blocked ones when their task ends.
			current.setCorePoolSize(this.baseThreads);
			this.busySince = 0;
		}
	}

	/**
	 * Return whether the pool is saturated: at its maximum, every thread found blocked with
	 * completions waiting, until none waits.
	 * @return whether it is saturated now
	 */
	boolean saturated() {
		return this.saturated;
	}

	/**
	 * Return how many times the pool became saturated.
	 * @return the count
	 */
	long saturations() {
		return this.saturations.get();
	}

	/**
	 * Describe the completion threads.
	 * @return the threads, the maximum and the saturations
	 */
	CompletionThreadsView view() {
		return new CompletionThreadsView(threads(), (this.pool != null) ? this.maxThreads : -1, this.saturated,
				saturations());
	}

	/**
	 * Return the number of threads the pool runs, or -1 for an executor that is not a pool.
	 * @return the number of threads
	 */
	int threads() {
		return (this.pool != null) ? this.pool.getPoolSize() : -1;
	}

	/**
	 * Shut down the pool if it is this object's own.
	 */
	void close() {
		if (this.owned != null) {
			this.owned.shutdown();
		}
	}

}
