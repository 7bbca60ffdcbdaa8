package dev.requestreply.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.springframework.util.Assert;

/**
 * Counts occurrences of something worth a log line, and says when to write one: at the first,
 * then at most once per interval, with the number of occurrences since the last line. So a
 * condition that repeats for every request shows in the log without flooding it. Cheap to call
 * from many threads.
 *
 * @since 0.4.0
 */
public final class LogThrottle {

	private static final long NONE_YET = Long.MIN_VALUE;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private final AtomicLong unreported = new AtomicLong();

	private final AtomicLong total = new AtomicLong();

	// When the next line may be written; NONE_YET until the first.
	private final AtomicLong nextNanos = new AtomicLong(NONE_YET);

	/**
	 * Create a throttle.
	 * @param interval the least time between two log lines
	 */
	public LogThrottle(Duration interval) {
		this(interval, System::nanoTime);
	}

	/**
	 * Create a throttle on a clock of the caller's.
	 * @param interval the least time between two log lines
	 * @param nanoClock the clock ({@link System#nanoTime()} but in tests)
	 */
	public LogThrottle(Duration interval, LongSupplier nanoClock) {
		Assert.isTrue(!interval.isNegative(), "'interval' must not be negative");
		this.intervalNanos = interval.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Count one occurrence.
	 * @return the number of occurrences to write a line about now (this one and those since the
	 * last line), or 0 when this one is only counted
	 */
	public long occurred() {
		return occurredAt(this.nanoClock.getAsLong());
	}

	/**
	 * Count one occurrence at a time the caller read from its own clock.
	 * @param nowNanos the time now, as {@link System#nanoTime()} or the caller's clock gives it
	 * @return the number of occurrences to write a line about now (this one and those since the
	 * last line), or 0 when this one is only counted
	 */
	public long occurredAt(long nowNanos) {
		this.total.incrementAndGet();
		this.unreported.incrementAndGet();
		long next = this.nextNanos.get();
		boolean due = next == NONE_YET || nowNanos - next >= 0;
		if (!due || !this.nextNanos.compareAndSet(next, nowNanos + this.intervalNanos)) {
			return 0;
		}
		return this.unreported.getAndSet(0);
	}

	/**
	 * Return the number of occurrences counted so far.
	 * @return the count
	 */
	public long total() {
		return this.total.get();
	}

}
