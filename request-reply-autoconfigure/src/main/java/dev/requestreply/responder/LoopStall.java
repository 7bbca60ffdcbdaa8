package dev.requestreply.responder;

import java.time.Duration;

import org.springframework.core.log.LogAccessor;

/**
 * Whether a {@link HandlerLoop} is stuck, judged on the watchdog's thread from the age of its
 * oldest unprocessed event: past its bound the handler's intake pauses, and resumes once the
 * loop caught up (each told once, with a log line).
 */
final class LoopStall {

	private static final LogAccessor logger = new LogAccessor(LoopStall.class);

	private final String handlerId;

	private final LoopIntake intake;

	private final long boundNanos;

	// The watchdog's thread only.
	private boolean stalled;

	/**
	 * @param handlerId the handler's id
	 * @param intake what to pause while the loop is stuck
	 * @param bound how long the loop may leave an event unprocessed
	 */
	LoopStall(String handlerId, LoopIntake intake, Duration bound) {
		this.handlerId = handlerId;
		this.intake = intake;
		this.boundNanos = bound.toNanos();
	}

	/**
	 * Whether a lag is past the bound.
	 * @param lagNanos the age of the loop's oldest unprocessed event
	 */
	boolean past(long lagNanos) {
		return lagNanos > this.boundNanos;
	}

	/**
	 * Pause the intake when the lag passed the bound, resume it once the lag is back within it.
	 * @param lagNanos the age of the loop's oldest unprocessed event
	 */
	void check(long lagNanos) {
		if (past(lagNanos) && !this.stalled) {
			this.stalled = true;
			logger.warn(() -> "@ReplyHandler " + this.handlerId + ": its event loop has left an event unprocessed for "
					+ Duration.ofNanos(lagNanos).toSeconds() + " s (an action blocks?); its handler takes no more "
					+ "requests until it catches up");
			this.intake.pause();
		}
		else if (!past(lagNanos) && this.stalled) {
			this.stalled = false;
			logger.info(() -> "@ReplyHandler " + this.handlerId + ": its event loop caught up; it takes requests again");
			this.intake.resume();
		}
	}

}
