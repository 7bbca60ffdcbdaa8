package dev.requestreply.actuate;

import java.time.Duration;

import dev.requestreply.durable.DurableRequests;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of durable requests, meant for the readiness group (not liveness): OUT_OF_SERVICE while
 * this instance restores a durable partition (the outcomes there wait until it ends), else UP.
 *
 * @since 0.4.0
 */
public class DurableRequestsHealthIndicator extends AbstractHealthIndicator {

	private final DurableRequests durable;

	/**
	 * Create an indicator.
	 * @param durable the durable requests of the application
	 */
	public DurableRequestsHealthIndicator(DurableRequests durable) {
		super("Durable requests health check failed");
		this.durable = durable;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("readingOutcomes", this.durable.isReadingOutcomes());
		builder.withDetail("replyTopic", this.durable.getSettings().replyTopic());
		builder.withDetail("pendingTopic", this.durable.getSettings().pendingTopic());
		builder.withDetail("pending", this.durable.getPendingCount());
		int restoring = this.durable.getRestoringPartitions();
		builder.withDetail("restoringPartitions", restoring);
		Duration lastRestore = this.durable.getLastRestoreTime();
		if (lastRestore != null) {
			builder.withDetail("lastRestore", lastRestore.toString());
		}
		builder.status((restoring > 0) ? Status.OUT_OF_SERVICE : Status.UP);
	}

}
