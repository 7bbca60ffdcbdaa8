package dev.requestreply.responder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * At most one warning per interval for one cause, standing for every occurrence since the last
 * one: so that a flood of what causes it (forged requests, say) cannot flood the log.
 */
final class WarningPace {

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private final AtomicLong nextNanos;

	private final LongAdder unreported = new LongAdder();

	/**
	 * @param interval the shortest time between two warnings
	 * @param nanoClock the clock ({@link System#nanoTime()} but in tests)
	 */
	WarningPace(Duration interval, LongSupplier nanoClock) {
		this.intervalNanos = interval.toNanos();
		this.nanoClock = nanoClock;
		this.nextNanos = new AtomicLong(nanoClock.getAsLong());
	}

	/**
	 * Count one occurrence.
	 * @return how many occurred since the last warning, this one included, when a warning is due
	 * now (the caller logs it), else 0
	 */
	long occurred() {
		this.unreported.increment();
		long now = this.nanoClock.getAsLong();
		long next = this.nextNanos.get();
		if (now - next >= 0 && this.nextNanos.compareAndSet(next, now + this.intervalNanos)) {
			return this.unreported.sumThenReset();
		}
		return 0;
	}

}
