package dev.requestreply.observation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.requestreply.durable.DurableRequests;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Meters of durable requests: the pending requests (by kind) and restoring partitions of this
 * instance, the age of its oldest pending request, the last restore's time, outcomes by kind and
 * type, outcomes delivered again, listeners that failed every attempt, and replies that named no
 * pending request. The meters tagged {@code kind} exist for the kinds of the application's
 * listeners (none without listeners); the others are published whether or not it has listeners
 * (then zero).
 *
 * @since 0.4.0
 */
public class DurableRequestsMeterBinder implements MeterBinder {

	/**
	 * Durable requests pending on the partitions this instance owns, by {@code kind} (the kinds
	 * of this application's listeners).
	 */
	public static final String PENDING = "requestreply.durable.pending";

	/**
	 * Seconds since the oldest durable request pending on the partitions this instance owns was
	 * submitted; 0 when none is.
	 */
	public static final String OLDEST_PENDING = "requestreply.durable.pending.oldest";

	/**
	 * Durable partitions this instance is restoring.
	 */
	public static final String RESTORING = "requestreply.durable.restoring";

	/**
	 * Seconds the last restore of a durable partition took.
	 */
	public static final String RESTORE_TIME = "requestreply.durable.restore.last";

	/**
	 * Outcomes ended, by {@code kind} and {@code type}.
	 */
	public static final String OUTCOMES = "requestreply.durable.outcomes";

	/**
	 * Outcomes ended without their listener, which failed every attempt.
	 */
	public static final String LISTENER_FAILURES = "requestreply.durable.listener.failures";

	/**
	 * Replies on the durable reply topic that named no pending request.
	 */
	public static final String UNKNOWN_REPLIES = "requestreply.durable.replies.unknown";

	/**
	 * Outcomes delivered again after a crash or a hand-over: their listener had been called for
	 * them before.
	 */
	public static final String REDELIVERIES = "requestreply.durable.redeliveries";

	private static final List<String> TYPES = List.of("replied", "failed", "timed_out", "cancelled");

	private static final String KIND = "kind";

	private final DurableRequests durable;

	/**
	 * Create a binder.
	 * @param durable the durable requests of the application
	 */
	public DurableRequestsMeterBinder(DurableRequests durable) {
		Assert.notNull(durable, "'durable' must not be null");
		this.durable = durable;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		// The kinds are the application's listeners': a bounded set, known once its beans are.
		for (String kind : this.durable.getKinds()) {
			Gauge.builder(PENDING, this.durable, (durable) -> durable.getPendingByKind().getOrDefault(kind, 0))
				.description("Durable requests pending on the partitions this instance owns, by kind")
				.tag(KIND, kind)
				.register(registry);
			for (String type : TYPES) {
				FunctionCounter.builder(OUTCOMES, this.durable, (durable) -> durable.getOutcomes(kind, type))
					.description("Outcomes of durable requests ended, by kind and type")
					.tag(KIND, kind)
					.tag("type", type)
					.register(registry);
			}
		}
		Gauge.builder(OLDEST_PENDING, this.durable, DurableRequestsMeterBinder::oldestPendingSeconds)
			.description("Time since the oldest durable request pending on the partitions this instance owns was "
					+ "submitted")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder(RESTORING, this.durable, DurableRequests::getRestoringPartitions)
			.description("Durable partitions this instance is restoring (their outcomes wait)")
			.register(registry);
		Gauge.builder(RESTORE_TIME, this.durable, DurableRequestsMeterBinder::lastRestoreSeconds)
			.description("Time the last restore of a durable partition took")
			.baseUnit("seconds")
			.register(registry);
		FunctionCounter.builder(LISTENER_FAILURES, this.durable, DurableRequests::getListenerFailures)
			.description("Outcomes ended without their listener, which failed every attempt")
			.register(registry);
		FunctionCounter.builder(REDELIVERIES, this.durable, DurableRequests::getRedeliveries)
			.description("Outcomes delivered again: their listener had been called for them before")
			.register(registry);
		FunctionCounter.builder(UNKNOWN_REPLIES, this.durable, DurableRequests::getUnknownReplies)
			.description("Replies on the durable reply topic that named no pending durable request")
			.register(registry);
	}

	private static double oldestPendingSeconds(DurableRequests durable) {
		return seconds(durable.getOldestPendingAge());
	}

	private static double lastRestoreSeconds(DurableRequests durable) {
		return seconds(durable.getLastRestoreTime());
	}

	private static double seconds(@Nullable Duration time) {
		return (time != null) ? time.toNanos() / (double) TimeUnit.SECONDS.toNanos(1) : 0;
	}

}
