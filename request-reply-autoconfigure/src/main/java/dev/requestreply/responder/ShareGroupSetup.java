package dev.requestreply.responder;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

import org.springframework.core.log.LogAccessor;

/**
 * What queue mode asks of the cluster before a share consumer joins, through one admin client at
 * start-up: that the brokers run share groups ({@code share.version}), the delivery limit they
 * enforce, and where each new share group starts ({@code share.auto.offset.reset}), which must
 * be set before its first member joins.
 */
final class ShareGroupSetup implements AutoCloseable {

	static final String SHARE_VERSION = "share.version";

	static final String DELIVERY_LIMIT = "group.share.delivery.count.limit";

	static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";

	/**
	 * Kafka's default of {@code group.share.delivery.count.limit}.
	 */
	static final int DEFAULT_DELIVERY_LIMIT = 5;

	private static final LogAccessor logger = new LogAccessor(ShareGroupSetup.class);

	private static final long TIMEOUT_SECONDS = 10;

	private final Admin admin;

	ShareGroupSetup(Map<String, Object> adminConfig) {
		this.admin = Admin.create(adminConfig);
	}

	/**
	 * Fail unless the cluster runs share groups.
	 * @param handlers the handlers in queue mode, for the message
	 */
	void requireShareGroups(Collection<String> handlers) {
		FeatureMetadata features;
		try {
			features = get(this.admin.describeFeatures().featureMetadata());
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Could not learn whether the Kafka cluster runs share groups, which "
					+ "@ReplyHandler " + handlers + " need(s) in queue mode: " + ex.getMessage(), ex);
		}
		check(features.finalizedFeatures(), handlers);
	}

	static void check(Map<String, FinalizedVersionRange> finalized, Collection<String> handlers) {
		FinalizedVersionRange share = finalized.get(SHARE_VERSION);
		if (share == null || share.maxVersionLevel() < 1) {
			throw new IllegalStateException(QueueMode.NEEDS + " @ReplyHandler " + handlers + " run(s) in queue mode, "
					+ "but the Kafka cluster has no share groups (feature " + SHARE_VERSION + " is "
					+ ((share != null) ? share.maxVersionLevel() : "not finalized") + "): run brokers 4.2 or later "
					+ "with share groups enabled (kafka-features.sh upgrade --feature " + SHARE_VERSION + "=1), "
					+ "or set queue = false / request-reply.handler.queue=false");
		}
	}

	/**
	 * Return the delivery limit of the brokers, or Kafka's default when it cannot be read.
	 * @return the most deliveries of one record
	 */
	int deliveryLimit() {
		try {
			Collection<Node> nodes = get(this.admin.describeCluster().nodes());
			if (!nodes.isEmpty()) {
				ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER,
						String.valueOf(nodes.iterator().next().id()));
				Config config = get(this.admin.describeConfigs(List.of(broker)).all()).get(broker);
				ConfigEntry entry = (config != null) ? config.get(DELIVERY_LIMIT) : null;
				if (entry != null && entry.value() != null) {
					return Integer.parseInt(entry.value());
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not read " + DELIVERY_LIMIT + " of the brokers (DESCRIBE_CONFIGS on the "
					+ "cluster); taking Kafka's default, " + DEFAULT_DELIVERY_LIMIT);
		}
		return DEFAULT_DELIVERY_LIMIT;
	}

	/**
	 * Make a share group start at most {@code history} back in its topics, unless its
	 * {@code share.auto.offset.reset} was set already (by an earlier start, or an operator).
	 * @param groupId the share group
	 * @param history how far back
	 */
	void startFrom(String groupId, Duration history) {
		ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
		String value = "by_duration:" + history;
		try {
			Config config = get(this.admin.describeConfigs(List.of(group)).all()).get(group);
			ConfigEntry entry = (config != null) ? config.get(AUTO_OFFSET_RESET) : null;
			if (entry != null && entry.source() == ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG) {
				return;
			}
			get(this.admin.incrementalAlterConfigs(Map.of(group,
					List.of(new AlterConfigOp(new ConfigEntry(AUTO_OFFSET_RESET, value), AlterConfigOp.OpType.SET))))
				.all());
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not set " + AUTO_OFFSET_RESET + "=" + value + " on share group '" + groupId
					+ "' (ALTER_CONFIGS on the group): if it is new, it starts at the end of its topics, and requests "
					+ "sent before its first responder started are not answered");
		}
	}

	/**
	 * Warn when a queue handler's instances may not share each of its partitions
	 * ({@link ShareSpread}); nothing when its topics cannot be described.
	 * @param handlerId the handler
	 * @param topics its topics
	 * @param consumers its share consumers per instance
	 * @param setting where that number comes from
	 */
	void checkSpread(String handlerId, List<String> topics, int consumers, String setting) {
		int partitions;
		try {
			partitions = get(this.admin.describeTopics(topics).allTopicNames()).values()
				.stream()
				.mapToInt((topic) -> topic.partitions().size())
				.sum();
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not count the partitions of " + topics);
			return;
		}
		String warning = ShareSpread.warning(handlerId, topics, partitions, consumers, setting);
		if (warning != null) {
			logger.warn(warning);
		}
	}

	private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
		try {
			return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("No answer from the Kafka cluster within " + TIMEOUT_SECONDS + " s", ex);
		}
	}

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(5));
	}

}
