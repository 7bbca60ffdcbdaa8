package dev.requestreply.actuate;

import java.time.Duration;
import java.util.Map;

import dev.requestreply.durable.DurableRequests;
import org.jspecify.annotations.Nullable;

/**
 * The {@code durable} section of the {@code requestreply} endpoint: the durable requests of the
 * partitions this instance owns, and the outcomes it ended. Kinds, counts and times only.
 *
 * @param readingOutcomes whether this instance reads outcomes (it has
 * {@code @DurableReplyListener} methods and runs)
 * @param replyTopic the durable reply topic
 * @param pendingTopic the durable pending topic
 * @param pending durable requests pending on the partitions this instance owns
 * @param oldestPendingAgeMillis milliseconds since the oldest of them was submitted, or
 * {@code null} when none is pending
 * @param pendingByKind the pending requests by kind (counted at most every 200 ms)
 * @param restoringPartitions durable partitions this instance is restoring (their outcomes wait)
 * @param lastRestoreMillis milliseconds the last restore of a durable partition took, or
 * {@code null} before the first
 * @param outcomes outcomes ended on this instance, by kind (each listener kind, and any other that
 * had one) then type ({@code replied}, {@code failed}, {@code timed_out}, {@code cancelled})
 * @param listenerFailures outcomes ended without their listener, which failed every attempt
 * @param unknownReplies replies on the durable reply topic that named no pending request
 * @since 0.4.0
 */
public record DurableRequestsDescriptor(boolean readingOutcomes, String replyTopic, String pendingTopic, int pending,
		@Nullable Long oldestPendingAgeMillis, Map<String, Integer> pendingByKind, int restoringPartitions,
		@Nullable Long lastRestoreMillis, Map<String, Map<String, Long>> outcomes, long listenerFailures,
		long unknownReplies) {

	/**
	 * Describe the durable requests of an application.
	 * @param durable the durable requests
	 * @return the description
	 */
	public static DurableRequestsDescriptor of(DurableRequests durable) {
		Duration oldest = durable.getOldestPendingAge();
		Duration lastRestore = durable.getLastRestoreTime();
		return new DurableRequestsDescriptor(durable.isReadingOutcomes(), durable.getSettings().replyTopic(),
				durable.getSettings().pendingTopic(), durable.getPendingCount(),
				(oldest != null) ? oldest.toMillis() : null, durable.getPendingByKind(),
				durable.getRestoringPartitions(), (lastRestore != null) ? lastRestore.toMillis() : null,
				durable.getOutcomesByKind(), durable.getListenerFailures(), durable.getUnknownReplies());
	}

}
