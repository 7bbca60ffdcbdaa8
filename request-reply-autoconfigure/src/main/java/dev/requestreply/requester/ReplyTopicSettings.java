package dev.requestreply.requester;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How the reply topic is prepared on start.
 *
 * @param topic the reply topic
 * @param create whether to create it when missing
 * @param partitions the partitions of a created topic
 * @param replicationFactor the replication factor of a created topic, -1 for the broker's default
 * @param startupTimeout how long start may wait for the broker to create and describe it
 * @since 0.2.0
 */
public record ReplyTopicSettings(String topic, boolean create, int partitions, short replicationFactor,
		Duration startupTimeout) {

	/**
	 * Default partitions of a created reply topic: enough for each of a dozen instances to read a
	 * partition of its own.
	 */
	public static final int DEFAULT_PARTITIONS = 12;

	/**
	 * Create new settings.
	 * @param topic the reply topic
	 * @param create whether to create it when missing
	 * @param partitions the partitions of a created topic
	 * @param replicationFactor the replication factor of a created topic
	 * @param startupTimeout the start-up timeout
	 */
	public ReplyTopicSettings {
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.isTrue(partitions > 0, "'partitions' must be positive");
		Assert.notNull(startupTimeout, "'startupTimeout' must not be null");
	}

}
