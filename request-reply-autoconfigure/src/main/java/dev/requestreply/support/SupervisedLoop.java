package dev.requestreply.support;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * A background loop of the library on a daemon thread of its own (a platform thread, or a
 * virtual one, see {@link LoopThreads}) that survives whatever its body
 * throws: the failure is logged and counted, and the body is started again after a backoff that
 * doubles with each failure in a row (from {@code minBackoff} to {@code maxBackoff}) and starts
 * over once a run lasted longer than {@code maxBackoff}. Its {@link #status()} shows in the
 * endpoint and in health.
 *
 * @since 0.3.0
 */
public final class SupervisedLoop {

	private static final LogAccessor logger = new LogAccessor(SupervisedLoop.class);

	private final String name;

	private final Body body;

	private final long minBackoffNanos;

	private final long maxBackoffNanos;

	private final LoopThreads threads;

	private volatile State state = State.NEW;

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	private volatile long restarts;

	private volatile @Nullable String lastError;

	private volatile @Nullable Instant lastErrorAt;

	/**
	 * Create a loop.
	 * @param name the loop's name, also its thread's
	 * @param body what the loop runs: until {@link #isRunning()} turns false, or until it fails
	 * @param minBackoff the wait before the first restart after a failure
	 * @param maxBackoff the longest wait between restarts
	 */
	public SupervisedLoop(String name, Body body, Duration minBackoff, Duration maxBackoff) {
		this(name, body, minBackoff, maxBackoff, LoopThreads.PLATFORM);
	}

	/**
	 * Create a loop on threads of the given kind.
	 * @param name the loop's name, also its thread's
	 * @param body what the loop runs: until {@link #isRunning()} turns false, or until it fails
	 * @param minBackoff the wait before the first restart after a failure
	 * @param maxBackoff the longest wait between restarts
	 * @param threads the kind of thread the loop runs on
	 */
	public SupervisedLoop(String name, Body body, Duration minBackoff, Duration maxBackoff, LoopThreads threads) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(body, "'body' must not be null");
		Assert.isTrue(!minBackoff.isNegative() && minBackoff.compareTo(maxBackoff) <= 0,
				"'minBackoff' must be between 0 and 'maxBackoff'");
		this.name = name;
		this.body = body;
		this.minBackoffNanos = minBackoff.toNanos();
		this.maxBackoffNanos = maxBackoff.toNanos();
		Assert.notNull(threads, "'threads' must not be null");
		this.threads = threads;
	}

	/**
	 * Start the loop's thread.
	 */
	public synchronized void start() {
		if (this.thread != null) {
			return;
		}
		this.running = true;
		Thread loop = this.threads.newThread(this.name, this::supervise);
		this.thread = loop;
		loop.start();
	}

	/**
	 * Stop the loop: interrupt its thread and wait for it to end.
	 * @param timeout how long to wait
	 */
	public void stop(Duration timeout) {
		Thread loop;
		synchronized (this) {
			this.running = false;
			loop = this.thread;
		}
		if (loop == null) {
			return;
		}
		loop.interrupt();
		try {
			loop.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Return whether the loop should go on.
	 * @return {@code false} once stopped
	 */
	public boolean isRunning() {
		return this.running && !Thread.currentThread().isInterrupted();
	}

	/**
	 * Return the loop's state now.
	 * @return its status
	 */
	public Status status() {
		return new Status(this.name, this.state, this.restarts, this.lastError, this.lastErrorAt);
	}

	private void supervise() {
		long backoff = this.minBackoffNanos;
		while (this.running) {
			this.state = State.RUNNING;
			long started = System.nanoTime();
			try {
				this.body.run(this);
				if (!this.running) {
					break;
				}
				// A body that returns while it should go on is started again, like one that failed.
				failed(new IllegalStateException("loop body returned"));
			}
			catch (InterruptedException ex) {
				if (!this.running) {
					break;
				}
				Thread.interrupted();
				failed(ex);
			}
			catch (Throwable ex) {
				if (!this.running) {
					break;
				}
				failed(ex);
			}
			if (System.nanoTime() - started > this.maxBackoffNanos) {
				backoff = this.minBackoffNanos;
			}
			this.state = State.BACKING_OFF;
			try {
				Thread.sleep(Math.max(1, backoff / 1_000_000));
			}
			catch (InterruptedException ex) {
				if (!this.running) {
					break;
				}
				Thread.interrupted();
			}
			backoff = Math.min(this.maxBackoffNanos, Math.max(backoff * 2, 1_000_000));
			this.restarts++;
		}
		this.state = State.STOPPED;
	}

	private void failed(Throwable ex) {
		boolean first = this.lastError == null;
		this.lastError = ex.getClass().getName() + ": " + ex.getMessage();
		this.lastErrorAt = Instant.now();
		if (first || logger.isDebugEnabled()) {
			logger.warn(ex, () -> "Background loop '" + this.name + "' failed; restarting it with backoff (further "
					+ "failures show in the requestreply endpoint and health)");
		}
	}

	/**
	 * What a loop runs.
	 */
	@FunctionalInterface
	public interface Body {

		/**
		 * Run until the loop stops, or fail.
		 * @param loop the loop, to ask whether it is still running
		 * @throws Exception anything: the loop restarts the body after a backoff
		 */
		void run(SupervisedLoop loop) throws Exception;

	}

	/**
	 * The state of a loop.
	 */
	public enum State {

		/**
		 * Not started yet.
		 */
		NEW,

		/**
		 * Its body runs.
		 */
		RUNNING,

		/**
		 * Its body failed; it waits before starting it again.
		 */
		BACKING_OFF,

		/**
		 * Stopped.
		 */
		STOPPED

	}

	/**
	 * A loop's state at a moment.
	 *
	 * @param name the loop's name
	 * @param state its state
	 * @param restarts how often its body was started again after a failure
	 * @param lastError the last failure, or {@code null}
	 * @param lastErrorAt when it happened, or {@code null}
	 */
	public record Status(String name, State state, long restarts, @Nullable String lastError,
			@Nullable Instant lastErrorAt) {

	}

}
