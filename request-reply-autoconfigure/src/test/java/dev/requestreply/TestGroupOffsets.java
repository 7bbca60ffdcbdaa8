package dev.requestreply;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import static org.awaitility.Awaitility.await;

/**
 * Reads what consumer groups committed on the shared test broker, to check where a handler's
 * group got to.
 */
public final class TestGroupOffsets implements AutoCloseable {

	private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
			TestBroker.bootstrapServers()));

	/**
	 * Return what a group committed on each partition.
	 */
	public Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
		this.admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(10, TimeUnit.SECONDS)
			.forEach((partition, offset) -> {
				if (offset != null) {
					committed.put(partition, offset);
				}
			});
		return committed;
	}

	/**
	 * Return the end offset of each partition of a topic.
	 */
	public Map<TopicPartition, Long> ends(String topic) throws Exception {
		int partitions = this.admin.describeTopics(List.of(topic))
			.allTopicNames()
			.get(10, TimeUnit.SECONDS)
			.get(topic)
			.partitions()
			.size();
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int i = 0; i < partitions; i++) {
			latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
		}
		Map<TopicPartition, Long> ends = new HashMap<>();
		this.admin.listOffsets(latest)
			.all()
			.get(10, TimeUnit.SECONDS)
			.forEach((partition, info) -> ends.put(partition, info.offset()));
		return ends;
	}

	/**
	 * Wait until a group committed every partition of a topic to its end.
	 */
	public void awaitCommittedToEnd(String group, String topic, Duration timeout) {
		await().atMost(timeout).until(() -> {
			Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
			return ends(topic).entrySet()
				.stream()
				.allMatch((end) -> committed.containsKey(end.getKey())
						&& committed.get(end.getKey()).offset() == end.getValue());
		});
	}

	@Override
	public void close() {
		this.admin.close();
	}

}
