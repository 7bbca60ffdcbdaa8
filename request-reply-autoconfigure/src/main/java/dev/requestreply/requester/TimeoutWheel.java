package dev.requestreply.requester;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import dev.requestreply.support.LogThrottle;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A hashed timing wheel that expires pending requests, swept by one thread: registering and
 * removing a request are O(1) under a lock striped by the registering thread, so neither allocates
 * a timer task nor contends on one queue, and a removed request leaves nothing behind. A stripe of
 * a slot links the requests of one thread (or of a few) in the order they were registered, which
 * is mostly the order they lie in memory: a tick that expires thousands walks its memory in order
 * (striped by correlation id, one request in every few of each stripe, the walk missed the caches
 * on most requests: the timer took about 1.5x the time).
 * <p>
 * Tick {@code t} is swept once the clock has passed {@code origin + t * tick}; a sweep expires the
 * entries of its slot whose deadline has passed and leaves those of later rotations in place.
 * Expired requests are chained through the requests themselves, oldest first: a tick allocates
 * nothing per request, however many share its deadline.
 * <p>
 * The thread starts on {@link #start()}, once its owner is fully built (its callbacks may read the
 * owner's fields), and survives whatever an expiry or a tick throws: it logs and goes on.
 */
final class TimeoutWheel implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(TimeoutWheel.class);

	private final LogThrottle failures = new LogThrottle(Duration.ofMinutes(1));

	private final long tickNanos;

	private final int slotMask;

	private final int stripeMask;

	private final int slotShift;

	private final Bucket[] buckets;

	private final long originNanos;

	private final Expiry onExpiry;

	private final Runnable onTick;

	private final Thread thread;

	private volatile long sweepingTick;

	private volatile boolean running = true;

	/**
	 * Create a wheel.
	 * @param tickNanos the resolution
	 * @param slots the number of slots (rounded up to a power of two)
	 * @param stripes the number of stripes per slot (rounded up to a power of two)
	 * @param onExpiry ends an expired request, on the timer's thread
	 * @param onTick runs after each tick's expiries, on the timer's thread
	 * @param threadName the timer thread's name
	 */
	TimeoutWheel(long tickNanos, int slots, int stripes, Expiry onExpiry, Runnable onTick, String threadName) {
		this.tickNanos = tickNanos;
		this.slotMask = powerOfTwo(slots) - 1;
		int stripeCount = powerOfTwo(stripes);
		this.stripeMask = stripeCount - 1;
		this.slotShift = Integer.numberOfTrailingZeros(this.slotMask + 1);
		// Stripe-major: the buckets of one slot, locked by threads registering requests at the same
		// time, are allocated far apart, so that their locks and heads do not share a cache line.
		this.buckets = new Bucket[(this.slotMask + 1) * stripeCount];
		for (int i = 0; i < this.buckets.length; i++) {
			this.buckets[i] = new Bucket();
		}
		this.onExpiry = onExpiry;
		this.onTick = onTick;
		this.originNanos = System.nanoTime();
		this.sweepingTick = 0;
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
	}

	/**
	 * Start sweeping. Called once, by the owner, when the callbacks can run.
	 */
	void start() {
		this.thread.start();
	}

	private static int powerOfTwo(int n) {
		return (n <= 1) ? 1 : Integer.highestOneBit(n - 1) << 1;
	}

	void schedule(PendingRequest<?> request) {
		long deadlineTick = Math.floorDiv(request.deadlineNanos - this.originNanos + this.tickNanos - 1,
				this.tickNanos);
		// The registering thread's stripe: the requests one thread registers are linked together, so that a
		// tick that expires many walks memory in the order it was allocated, not one request in every stripe.
		int stripe = Thread.currentThread().hashCode() & this.stripeMask;
		for (;;) {
			long tick = Math.max(deadlineTick, this.sweepingTick + 1);
			Bucket bucket = this.buckets[(stripe << this.slotShift) | ((int) tick & this.slotMask)];
			synchronized (bucket) {
				bucket.link(request);
			}
			// The sweeper publishes the tick before it locks the tick's buckets: if it has not reached
			// this tick yet, it will see the entry.
			if (this.sweepingTick < tick) {
				return;
			}
			synchronized (bucket) {
				if (request.bucket != bucket) {
					return; // swept or removed meanwhile
				}
				bucket.unlink(request);
			}
		}
	}

	void remove(PendingRequest<?> request) {
		Bucket bucket;
		while ((bucket = request.bucket) != null) {
			synchronized (bucket) {
				if (request.bucket == bucket) {
					bucket.unlink(request);
					return;
				}
			}
		}
	}

	private void run() {
		while (this.running) {
			long tick = this.sweepingTick + 1;
			long due = this.originNanos + tick * this.tickNanos;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(this, wait);
				continue;
			}
			this.sweepingTick = tick;
			sweep((int) tick & this.slotMask, System.nanoTime());
			try {
				this.onTick.run();
			}
			catch (Throwable ex) {
				failed("a tick", ex);
			}
		}
	}

	// Take and end the expired requests of the slot, stripe by stripe.
	private void sweep(int slot, long now) {
		for (int stripe = 0; stripe <= this.stripeMask; stripe++) {
			Bucket bucket = this.buckets[(stripe << this.slotShift) | slot];
			PendingRequest<?> request;
			synchronized (bucket) {
				request = bucket.takeExpired(now);
			}
			while (request != null) {
				PendingRequest<?> next = request.expiredNext;
				request.expiredNext = null;
				try {
					this.onExpiry.expire(request, now);
				}
				catch (Throwable ex) {
					failed("an expiry", ex);
				}
				request = next;
			}
		}
	}

	// Nothing may stop the sweep: a timer that died would leave every later request without its timeout.
	private void failed(String what, Throwable ex) {
		long count = this.failures.occurred();
		if (count > 0) {
			logger.error("The request-reply timer failed in " + what + " (" + count
					+ " failure(s) since the last line); it goes on sweeping", ex);
		}
	}

	/**
	 * Return how many times an expiry or a tick failed.
	 * @return the count
	 */
	long failures() {
		return this.failures.total();
	}

	@Override
	public void close() {
		this.running = false;
		LockSupport.unpark(this.thread);
	}

	/**
	 * Ends an expired request.
	 */
	@FunctionalInterface
	interface Expiry {

		/**
		 * End a request whose deadline passed.
		 * @param request the request, out of the wheel
		 * @param now the time of the tick that found it expired, in nanoseconds
		 */
		void expire(PendingRequest<?> request, long now);

	}

	/**
	 * A doubly linked list of entries, guarded by its own monitor.
	 */
	static final class Bucket {

		private @Nullable PendingRequest<?> head;

		void link(PendingRequest<?> request) {
			request.previous = null;
			request.next = this.head;
			if (this.head != null) {
				this.head.previous = request;
			}
			this.head = request;
			request.bucket = this;
		}

		void unlink(PendingRequest<?> request) {
			PendingRequest<?> previous = request.previous;
			PendingRequest<?> next = request.next;
			if (previous != null) {
				previous.next = next;
			}
			else {
				this.head = next;
			}
			if (next != null) {
				next.previous = previous;
			}
			request.previous = null;
			request.next = null;
			request.bucket = null;
		}

		// Unlink the expired entries and return them chained by expiredNext, the first linked first.
		@Nullable PendingRequest<?> takeExpired(long now) {
			PendingRequest<?> chain = null;
			PendingRequest<?> request = this.head;
			while (request != null) {
				PendingRequest<?> next = request.next;
				if (request.deadlineNanos - now <= 0) {
					unlink(request);
					request.expiredNext = chain;
					chain = request;
				}
				request = next;
			}
			return chain;
		}

	}

}
