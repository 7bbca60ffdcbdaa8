package dev.requestreply.observation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.requestreply.durable.DurableRequests;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Meters of durable requests, published whether or not the application has listeners (then
 * zero): the pending requests and restoring partitions of this instance, the last restore's time,
 * outcomes by type, outcomes delivered again, listeners that failed every attempt, and replies
 * that named no pending request.
 *
 * @since 0.4.0
 */
public class DurableRequestsMeterBinder implements MeterBinder {

	/**
	 * Durable requests pending on the partitions this instance owns.
	 */
	public static final String PENDING = "requestreply.durable.pending";

	/**
	 * Durable partitions this instance is restoring.
	 */
	public static final String RESTORING = "requestreply.durable.restoring";

	/**
	 * Seconds the last restore of a durable partition took.
	 */
	public static final String RESTORE_TIME = "requestreply.durable.restore.last";

	/**
	 * Outcomes ended, by {@code type}.
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
		Gauge.builder(PENDING, this.durable, DurableRequests::getPendingCount)
			.description("Durable requests pending on the partitions this instance owns")
			.register(registry);
		Gauge.builder(RESTORING, this.durable, DurableRequests::getRestoringPartitions)
			.description("Durable partitions this instance is restoring (their outcomes wait)")
			.register(registry);
		Gauge.builder(RESTORE_TIME, this.durable, DurableRequestsMeterBinder::lastRestoreSeconds)
			.description("Time the last restore of a durable partition took")
			.baseUnit("seconds")
			.register(registry);
		for (String type : TYPES) {
			FunctionCounter.builder(OUTCOMES, this.durable, (durable) -> durable.getOutcomes(type))
				.description("Outcomes of durable requests ended, by type")
				.tag("type", type)
				.register(registry);
		}
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

	private static double lastRestoreSeconds(DurableRequests durable) {
		Duration time = durable.getLastRestoreTime();
		return (time != null) ? time.toNanos() / (double) TimeUnit.SECONDS.toNanos(1) : 0;
	}

}
