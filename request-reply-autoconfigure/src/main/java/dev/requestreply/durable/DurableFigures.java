package dev.requestreply.durable;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.DurableOutcome;

/**
 * The counts of durable requests' outcomes and skips, kept across restarts of the instance's
 * durable parts.
 */
final class DurableFigures {

	// Outcome types, as meters tag them.
	static final String REPLIED = "replied";

	static final String FAILED = "failed";

	static final String TIMED_OUT = "timed_out";

	static final String CANCELLED = "cancelled";

	private final Map<String, LongAdder> outcomes = Map.of(REPLIED, new LongAdder(), FAILED, new LongAdder(),
			TIMED_OUT, new LongAdder(), CANCELLED, new LongAdder());

	private final LongAdder listenerFailures = new LongAdder();

	private final LongAdder unknownReplies = new LongAdder();

	private final LongAdder redeliveries = new LongAdder();

	private volatile long lastRestoreMillis = -1;

	void delivered(DurableOutcome<?> outcome) {
		String type = (outcome instanceof DurableOutcome.Replied<?>) ? REPLIED
				: (outcome instanceof DurableOutcome.Failed<?>) ? FAILED
						: (outcome instanceof DurableOutcome.TimedOut<?>) ? TIMED_OUT : CANCELLED;
		LongAdder count = this.outcomes.get(type);
		if (count != null) {
			count.increment();
		}
	}

	long outcomes(String type) {
		LongAdder count = this.outcomes.get(type.toLowerCase(Locale.ROOT));
		return (count != null) ? count.sum() : 0;
	}

	void listenerFailed() {
		this.listenerFailures.increment();
	}

	long listenerFailures() {
		return this.listenerFailures.sum();
	}

	void unknownReply() {
		this.unknownReplies.increment();
	}

	long unknownReplies() {
		return this.unknownReplies.sum();
	}

	void redelivered() {
		this.redeliveries.increment();
	}

	long redeliveries() {
		return this.redeliveries.sum();
	}

	void restored(long millis) {
		this.lastRestoreMillis = millis;
	}

	long lastRestoreMillis() {
		return this.lastRestoreMillis;
	}

}
