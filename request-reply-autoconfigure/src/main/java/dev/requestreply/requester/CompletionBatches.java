package dev.requestreply.requester;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The completions of the requests a tick expires, handed to the completion executor in batches of
 * at most {@value #BATCH_SIZE} rather than one task each: many timeouts at once (one deadline
 * shared by thousands of requests) cost the timer one hand-off per batch, and the completion
 * threads start on the first batch while the timer still ends the rest.
 * <p>
 * Only the timing wheel's thread calls {@link #execute}, {@link #flush()} and {@link #check(long)}.
 * A batch's completions run one after the other on a completion thread; should one of them block
 * (a callback waiting for another request, maybe of the same batch), {@link #check(long)} sees the
 * batch stalled for {@value Completions#STALL_MILLIS} ms and hands its rest to another completion
 * thread, as many times as it stalls, so a blocking callback holds its own thread only (the pool
 * grows while every thread is held, see {@link Completions}).
 */
final class CompletionBatches implements Executor {

	static final int BATCH_SIZE = 64;

	private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(Completions.STALL_MILLIS);

	private static final LogAccessor logger = new LogAccessor(CompletionBatches.class);

	private final Completions completions;

	// Batches handed over and not yet wholly taken (read by check, on the timer's thread).
	private final ConcurrentLinkedQueue<Batch> handedOver = new ConcurrentLinkedQueue<>();

	private @Nullable Runnable[] filling = new Runnable[BATCH_SIZE];

	private int filled;

	CompletionBatches(Completions completions) {
		this.completions = completions;
	}

	/**
	 * Add a completion to the batch being filled, handed over once full.
	 * @param completion the completion (user code)
	 */
	@Override
	public void execute(Runnable completion) {
		this.filling[this.filled++] = completion;
		if (this.filled == BATCH_SIZE) {
			flush();
		}
	}

	/**
	 * Hand over the batch being filled, if it holds any completion. Called at the end of each tick.
	 */
	void flush() {
		if (this.filled == 0) {
			return;
		}
		if (this.filled == 1) {
			Runnable single = this.filling[0];
			this.filling[0] = null;
			this.filled = 0;
			if (single != null) {
				this.completions.execute(single);
			}
			return;
		}
		Batch batch = new Batch(this.filling, this.filled, this.completions);
		this.filling = new Runnable[BATCH_SIZE];
		this.filled = 0;
		this.handedOver.add(batch);
		this.completions.execute(batch);
	}

	/**
	 * Hand the rest of each batch that stalls (one of its completions blocks) to another
	 * completion thread; forget the batches wholly taken. Called once a tick.
	 * @param now the time, in nanoseconds
	 */
	void check(long now) {
		for (Iterator<Batch> batches = this.handedOver.iterator(); batches.hasNext();) {
			Batch batch = batches.next();
			int taken = batch.get();
			if (taken >= batch.size) {
				batches.remove();
			}
			else if (taken > 0 && batch.stalled(taken, now)) {
				this.completions.execute(batch);
			}
		}
	}

	/**
	 * Return how many batches were handed over and still have completions not yet taken.
	 * @return the count
	 */
	int pendingBatches() {
		return this.handedOver.size();
	}

	/**
	 * Completions taken one at a time, by index, by as many completion threads as run the batch.
	 * The index taken next is this object's value: it starts at 0 and stays there while the batch
	 * waits for a thread (the executor's own backlog, not a stall).
	 */
	@SuppressWarnings("serial")
	private static final class Batch extends AtomicInteger implements Runnable {

		private final @Nullable Runnable[] completions;

		private final int size;

		private final Completions progress;

		// Read and written by the timer's thread only.
		private int seenTaken;

		private long seenSince;

		private int seenChecks;

		Batch(@Nullable Runnable[] completions, int size, Completions progress) {
			this.completions = completions;
			this.size = size;
			this.progress = progress;
		}

		@Override
		public void run() {
			int index;
			while ((index = getAndIncrement()) < this.size) {
				Runnable completion = this.completions[index];
				this.completions[index] = null;
				if (completion == null) {
					continue;
				}
				try {
					completion.run();
				}
				catch (Throwable ex) {
					// The rest of the batch still completes.
					logger.warn(ex, "A request-reply completion failed");
				}
				// A batch that runs long while its completions end is no stall of the pool.
				this.progress.ranBatched();
			}
		}

		// Whether no completion was taken since the last checks: two in a row and STALL_NANOS,
		// since a pause of the whole JVM stops the completion threads and the timer alike.
		boolean stalled(int taken, long now) {
			if (taken != this.seenTaken) {
				this.seenTaken = taken;
				this.seenSince = now;
				this.seenChecks = 0;
				return false;
			}
			if (++this.seenChecks < 2 || now - this.seenSince < STALL_NANOS) {
				return false;
			}
			this.seenSince = now;
			this.seenChecks = 0;
			return true;
		}

	}

}
