package dev.requestreply.durable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.RequestReplyException;
import dev.requestreply.support.AdminRetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.log.LogAccessor;

/**
 * Prepares the durable topics at start-up: creates them when missing (if asked), the pending
 * topic compacted with settings that let compaction keep up, and checks that both have the same
 * partition count.
 */
final class DurableTopicProvisioner {

	/**
	 * The pending topic's settings when the library creates it: compacted; a segment rolled
	 * every 10 minutes and cleaned once a tenth of it is dirty, so that ended requests'
	 * records go soon; tombstones kept a day, so that a restore (which reads the topic from its
	 * start) never misses the end of a request it saw begin.
	 */
	static final Map<String, String> PENDING_TOPIC_CONFIG = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
			TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.SEGMENT_MS_CONFIG, "600000",
			TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1", TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000");

	private static final LogAccessor logger = new LogAccessor(DurableTopicProvisioner.class);

	private final Map<String, Object> adminConfig;

	private final DurableSettings settings;

	DurableTopicProvisioner(Map<String, Object> adminConfig, DurableSettings settings) {
		this.adminConfig = adminConfig;
		this.settings = settings;
	}

	/**
	 * Prepare both topics.
	 * @return their partition count
	 */
	int prepare() {
		String replyTopic = this.settings.replyTopic();
		String pendingTopic = this.settings.pendingTopic();
		long timeoutMs = this.settings.startupTimeout().toMillis();
		long deadline = System.nanoTime() + this.settings.startupTimeout().toNanos();
		try (Admin admin = Admin.create(this.adminConfig)) {
			if (this.settings.createTopics()) {
				create(admin, timeoutMs);
			}
			Map<String, TopicDescription> topics = AdminRetry.untilDeadline(deadline,
					() -> admin.describeTopics(Set.of(replyTopic, pendingTopic))
						.allTopicNames()
						.get(timeoutMs, TimeUnit.MILLISECONDS));
			TopicDescription reply = topics.get(replyTopic);
			TopicDescription pending = topics.get(pendingTopic);
			if (reply == null || pending == null) {
				throw new IllegalStateException("The durable topics were not described");
			}
			return partitions(reply, pending);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RequestReplyException("Interrupted while preparing the durable topics", ex);
		}
		catch (RequestReplyException ex) {
			throw ex;
		}
		catch (Exception ex) {
			if (NestedExceptionUtils.getRootCause(ex) instanceof AuthorizationException) {
				throw new RequestReplyException("Not authorized to prepare the durable topics '" + replyTopic
						+ "' and '" + pendingTopic + "': this application's principal needs DESCRIBE, READ and WRITE "
						+ "on both, and CREATE while they are missing and request-reply.durable.create-topics is true",
						ex);
			}
			throw new RequestReplyException("Cannot prepare the durable topics '" + replyTopic + "' and '"
					+ pendingTopic + "' within " + timeoutMs + " ms; check that they exist or may be created "
					+ "(request-reply.durable.create-topics) and request-reply.startup-timeout", ex);
		}
	}

	private int partitions(TopicDescription reply, TopicDescription pending) {
		int replyPartitions = reply.partitions().size();
		int pendingPartitions = pending.partitions().size();
		if (replyPartitions != pendingPartitions) {
			throw new RequestReplyException("The durable reply topic '" + reply.name() + "' has " + replyPartitions
					+ " partition(s) and the durable pending topic '" + pending.name() + "' has " + pendingPartitions
					+ ": they must have the same count (a request's pending state and its reply share a partition "
					+ "number); add partitions to the smaller one only while no durable request is pending");
		}
		return replyPartitions;
	}

	private void create(Admin admin, long timeoutMs) throws Exception {
		Optional<Short> replication = Optional.of(this.settings.replicationFactor()).filter((factor) -> factor > 0);
		Optional<Integer> partitions = Optional.of(this.settings.partitions());
		List<NewTopic> topics = new ArrayList<>();
		topics.add(new NewTopic(this.settings.replyTopic(), partitions, replication));
		topics.add(new NewTopic(this.settings.pendingTopic(), partitions, replication).configs(PENDING_TOPIC_CONFIG));
		for (NewTopic topic : topics) {
			try {
				admin.createTopics(List.of(topic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
				logger.info(() -> "Created durable topic '" + topic.name() + "' with " + topic.numPartitions()
						+ " partition(s)");
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw ex;
				}
			}
		}
	}

}
