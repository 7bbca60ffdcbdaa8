package dev.requestreply.durable;

import java.time.Duration;
import java.util.Map;

import dev.requestreply.wire.HeaderNames;

import org.springframework.util.Assert;

/**
 * Settings of durable requests.
 *
 * @param replyTopic the durable reply topic, read by the application's consumer group
 * @param pendingTopic the compacted pending topic, with as many partitions as the reply topic
 * @param groupId the consumer group of the application that reads the durable reply topic
 * @param createTopics whether both topics are created at start-up when missing
 * @param partitions the partitions of both topics when created
 * @param replicationFactor the replication factor of both topics when created; -1 for the
 * broker's default
 * @param defaultTimeout the timeout of a durable request that names none
 * @param startupTimeout how long start-up may take to prepare the topics
 * @param headerNames the header names of request topics that use other names than the default
 * @since 0.4.0
 */
public record DurableSettings(String replyTopic, String pendingTopic, String groupId, boolean createTopics,
		int partitions, short replicationFactor, Duration defaultTimeout, Duration startupTimeout,
		Map<String, HeaderNames> headerNames) {

	/**
	 * Check and copy the settings.
	 */
	public DurableSettings {
		Assert.hasText(replyTopic, "'replyTopic' must not be empty");
		Assert.hasText(pendingTopic, "'pendingTopic' must not be empty");
		Assert.isTrue(!replyTopic.equals(pendingTopic), "The durable reply and pending topics must differ");
		Assert.hasText(groupId, "'groupId' must not be empty");
		Assert.isTrue(partitions > 0, "'partitions' must be positive");
		Assert.isTrue(defaultTimeout != null && defaultTimeout.toMillis() > 0, "'defaultTimeout' must be positive");
		headerNames = Map.copyOf(headerNames);
	}

}
