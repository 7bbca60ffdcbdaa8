package dev.requestreply.requester;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Runs what ends a request (completing its future, hence its caller's callbacks; delivering
 * stream elements) on the completion executor, never on the engine's own threads (the timing
 * wheel, the reply readers, the producer's sender): a callback that blocks holds one completion
 * thread, not every other request's timeout or reply.
 * <p>
 * A pool ({@link ThreadPoolTaskExecutor}) grows while all its threads are busy and none ended a
 * task for {@value #STALL_MILLIS} ms with tasks waiting (callbacks that block, such as a fallback
 * that waits for another request), up to {@value #MAX_THREADS} threads, and shrinks back once it
 * has been idle for a minute; what a pool refuses (shut down) runs on the calling thread rather
 * than being lost.
 */
final class Completions {

	static final int MAX_THREADS = 256;

	static final long STALL_MILLIS = 20;

	private static final long SHRINK_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final LogAccessor logger = new LogAccessor(Completions.class);

	private final Executor executor;

	private final @Nullable ThreadPoolExecutor pool;

	private final int baseThreads;

	private final @Nullable ThreadPoolTaskExecutor owned;

	// Read and written by the timing wheel's thread only, once a tick.
	private long lastCompleted = -1;

	private long stalledSince;

	private int stalledChecks;

	private long busySince;

	private boolean warned;

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
		if (this.pool != null && this.pool.getMaximumPoolSize() < MAX_THREADS) {
			this.pool.setMaximumPoolSize(MAX_THREADS);
		}
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
			shrinkIfIdle(current, now);
			return;
		}
		this.busySince = now;
		long completed = current.getCompletedTaskCount();
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
		if (threads >= MAX_THREADS) {
			if (!this.warned) {
				this.warned = true;
				logger.error(() -> "All " + threads + " request-reply completion threads are blocked: callbacks on"
						+ " request futures must not wait for other requests' futures or block for long");
			}
			return;
		}
		current.setCorePoolSize(threads + 1);
		this.stalledSince = now;
		this.stalledChecks = 0;
		if (!this.warned) {
			this.warned = true;
			logger.warn(() -> "Every request-reply completion thread was busy for " + STALL_MILLIS
					+ " ms with completions waiting: a callback on a request future blocks; adding threads (now "
					+ (threads + 1) + "). Use the *Async variants with an executor of your own for blocking work");
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
