package dev.requestreply.requester;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The checks of {@link RequesterSettings} as they are made, each failing with an
 * {@link IllegalArgumentException} that names the setting.
 */
final class SettingsChecks {

	private SettingsChecks() {
	}

	/**
	 * Check the settings, in the order of the record's components: nothing required missing, the
	 * durations positive (the drain timeout and the late reply window not negative, the responder
	 * check interval positive if set), the limits positive, the instance named.
	 */
	static void check(ReplyTopicSettings replyTopic, ReplyPartitionMode replyPartitions, Duration defaultTimeout,
			Duration drainTimeout, Duration replyPathTimeout, @Nullable Duration responderCheckInterval,
			Supplier<Set<String>> localResponderTopics, int streamBuffer, int maxPending, Duration lateReplyWindow,
			String instanceId, ObservationRegistry observationRegistry) {
		Assert.notNull(replyTopic, "'replyTopic' must not be null");
		Assert.notNull(replyPartitions, "'replyPartitions' must not be null");
		assertPositive(defaultTimeout, "defaultTimeout");
		Assert.isTrue(drainTimeout != null && !drainTimeout.isNegative(), "'drainTimeout' must not be negative");
		assertPositive(replyPathTimeout, "replyPathTimeout");
		Assert.isTrue(responderCheckInterval == null || responderCheckInterval.toMillis() > 0,
				"'responderCheckInterval' must be positive");
		Assert.notNull(localResponderTopics, "'localResponderTopics' must not be null");
		Assert.isTrue(streamBuffer > 0, "'streamBuffer' must be positive");
		Assert.isTrue(maxPending > 0, "'maxPending' must be positive");
		Assert.isTrue(lateReplyWindow != null && !lateReplyWindow.isNegative(),
				"'lateReplyWindow' must not be negative");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
	}

	private static void assertPositive(Duration duration, String name) {
		Assert.isTrue(duration != null && duration.toNanos() > 0, () -> "'" + name + "' must be positive");
	}

}
