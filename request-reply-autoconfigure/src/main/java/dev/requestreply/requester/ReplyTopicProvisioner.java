package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.RequestReplyException;
import dev.requestreply.support.AdminRetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * Creates the reply topic if asked and missing, and finds the end of each of its partitions, where
 * the reply consumer starts: replies written after that point are never missed.
 */
final class ReplyTopicProvisioner {

	private static final LogAccessor logger = new LogAccessor(ReplyTopicProvisioner.class);

	private final Map<String, Object> adminConfig;

	private final ReplyTopicSettings settings;

	ReplyTopicProvisioner(Map<String, Object> adminConfig, ReplyTopicSettings settings) {
		this.adminConfig = adminConfig;
		this.settings = settings;
	}

	List<TopicPartitionOffset> positionsAtEnd() {
		String topic = this.settings.topic();
		Duration startupTimeout = this.settings.startupTimeout();
		long timeoutMs = startupTimeout.toMillis();
		long deadline = System.nanoTime() + startupTimeout.toNanos();
		try (Admin admin = Admin.create(this.adminConfig)) {
			if (this.settings.create()) {
				create(admin, timeoutMs);
			}
			// A topic just created has no leader for a moment: retry until the start-up timeout.
			return AdminRetry.untilDeadline(deadline, () -> endOffsets(admin, timeoutMs));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RequestReplyException("Interrupted while preparing reply topic '" + topic + "'", ex);
		}
		catch (Exception ex) {
			if (NestedExceptionUtils.getRootCause(ex) instanceof AuthorizationException) {
				throw new RequestReplyException("Not authorized to prepare reply topic '" + topic
						+ "': this application's principal needs READ and DESCRIBE on it, and CREATE while it is"
						+ " missing and request-reply.create-reply-topic is true", ex);
			}
			throw new RequestReplyException("Cannot prepare reply topic '" + topic + "' within " + timeoutMs
					+ " ms; check spring.kafka.bootstrap-servers, that the topic exists or may be created"
					+ " (request-reply.create-reply-topic), and request-reply.startup-timeout", ex);
		}
	}

	private List<TopicPartitionOffset> endOffsets(Admin admin, long timeoutMs) throws Exception {
		String topic = this.settings.topic();
		TopicDescription description = admin.describeTopics(Set.of(topic))
			.allTopicNames()
			.get(timeoutMs, TimeUnit.MILLISECONDS)
			.get(topic);
		if (description == null) {
			throw new IllegalStateException("Reply topic '" + topic + "' was not described");
		}
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		description.partitions()
			.forEach((partition) -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
		Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest)
			.all()
			.get(timeoutMs, TimeUnit.MILLISECONDS);
		List<TopicPartitionOffset> positions = new ArrayList<>();
		ends.forEach((partition, end) -> positions.add(new TopicPartitionOffset(topic, partition.partition(),
				end.offset())));
		return positions;
	}

	private void create(Admin admin, long timeoutMs) throws Exception {
		ReplyTopicSettings settings = this.settings;
		NewTopic topic = new NewTopic(settings.topic(), Optional.of(settings.partitions()),
				Optional.of(settings.replicationFactor()).filter((factor) -> factor > 0));
		try {
			admin.createTopics(List.of(topic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
			logger.info(() -> "Created reply topic '" + settings.topic() + "' with " + settings.partitions()
					+ " partition(s)");
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw ex;
			}
		}
	}

}
