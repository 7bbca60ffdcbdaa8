package dev.requestreply.requester;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The threads that end the requests of one tick of the {@link TimeoutWheel} together, when many
 * expire at once (one deadline shared by thousands of requests): the timer's thread runs lane 0 and
 * a helper thread each other lane, and the tick goes on once every lane is done. The helpers are
 * the library's own threads (named after the timer's), started at the first tick that needs them,
 * and run the engine's part of each end only: what runs user code still goes to the completion
 * threads.
 * <p>
 * Only the timer's thread calls {@link #run(IntConsumer)}; whatever a lane's work writes is seen by
 * the timer's thread once it returns.
 */
final class ExpiryLanes implements AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(ExpiryLanes.class);

	private static final long AWAIT_CHECK_MILLIS = 100;

	private final String threadName;

	private final @Nullable Helper[] helpers;

	private volatile boolean running = true;

	/**
	 * Lanes whose helper threads are named {@code threadName-<lane>}.
	 * @param count how many lanes (1 for the timer's thread alone)
	 * @param threadName the timer thread's name
	 */
	ExpiryLanes(int count, String threadName) {
		this.threadName = threadName;
		this.helpers = new Helper[Math.max(0, count - 1)];
	}

	/**
	 * Return the number of lanes, the timer's thread's included.
	 * @return the number of lanes
	 */
	int count() {
		return this.helpers.length + 1;
	}

	/**
	 * Run the work of every lane, lane 0 on this thread and each other on its helper, and return
	 * once all are done. A lane whose helper cannot run (its thread failed to start, or the lanes
	 * are closed) runs on this thread.
	 * @param work the work of a lane, given its number; it must not throw
	 */
	void run(IntConsumer work) {
		CountDownLatch done = new CountDownLatch(this.helpers.length);
		for (int lane = 1; lane <= this.helpers.length; lane++) {
			Helper helper = helper(lane);
			if (helper == null || !helper.hand(work, done)) {
				runHere(work, lane, done);
			}
		}
		work.accept(0);
		boolean interrupted = false;
		for (;;) {
			try {
				if (done.await(AWAIT_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
					break;
				}
				// A helper that stopped before it took its work (the lanes closed meanwhile): run it here.
				for (Helper helper : this.helpers) {
					if (helper != null && !helper.thread.isAlive()) {
						helper.takeBack(done);
					}
				}
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private static void runHere(IntConsumer work, int lane, CountDownLatch done) {
		try {
			work.accept(lane);
		}
		finally {
			done.countDown();
		}
	}

	private @Nullable Helper helper(int lane) {
		Helper helper = this.helpers[lane - 1];
		if (helper == null && this.running) {
			try {
				helper = new Helper(lane, this.threadName + "-" + lane);
				helper.thread.start();
				this.helpers[lane - 1] = helper;
			}
			catch (RuntimeException | OutOfMemoryError ex) {
				// Unable to create a thread: this lane runs on the timer's thread, as if there were one lane.
				logger.warn(ex, () -> "Could not start a request-reply timer lane; the timer ends its requests");
				return null;
			}
		}
		return helper;
	}

	/**
	 * Stop the helper threads once their current work is done.
	 */
	@Override
	public void close() {
		this.running = false;
		for (Helper helper : this.helpers) {
			if (helper != null) {
				LockSupport.unpark(helper.thread);
			}
		}
	}

	/**
	 * A helper thread, waiting for the work of its lane.
	 */
	private final class Helper {

		private final int lane;

		private final Thread thread;

		// Set by the timer's thread, taken (cleared) by whichever thread runs it.
		private final AtomicReference<@Nullable IntConsumer> work = new AtomicReference<>();

		private volatile @Nullable CountDownLatch done;

		Helper(int lane, String name) {
			this.lane = lane;
			this.thread = new Thread(this::loop, name);
			this.thread.setDaemon(true);
		}

		boolean hand(IntConsumer work, CountDownLatch done) {
			if (!ExpiryLanes.this.running || !this.thread.isAlive()) {
				return false;
			}
			this.done = done;
			this.work.set(work);
			LockSupport.unpark(this.thread);
			return true;
		}

		// On the timer's thread, once this helper's thread ended: run its work there, if not taken.
		void takeBack(CountDownLatch latch) {
			IntConsumer handed = this.work.getAndSet(null);
			if (handed != null) {
				runHere(handed, this.lane, latch);
			}
		}

		private void loop() {
			while (ExpiryLanes.this.running || this.work.get() != null) {
				IntConsumer handed = this.work.getAndSet(null);
				CountDownLatch latch = this.done;
				if (handed == null || latch == null) {
					LockSupport.park(this);
					continue;
				}
				try {
					handed.accept(this.lane);
				}
				catch (Throwable ex) {
					// The lane's work catches what each end throws; this loop survives anything else.
					logger.error(ex, () -> "A request-reply timer lane failed; it goes on");
				}
				finally {
					latch.countDown();
				}
			}
		}

	}

}
