package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.requestreply.autoconfigure.TestClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the responder assumes of Kafka (and of spring-kafka's container) that no action of its own
 * decides, checked against the shared broker, with the settings of a handler's consumers: which
 * callbacks a consumer dropped from its group gets, that a commit it tries then fails while the
 * partition's new owner starts from the last commit, that a moving partition is revoked (its
 * commit done) before its next owner is assigned it, and what becomes of the records a share
 * consumer held when its JVM dies.
 */
class KafkaAssumptionsTests {

	private static final Duration BOUND = Duration.ofSeconds(15);

	// Members learn of a rebalance sooner than with the handlers' 2 s.
	private static final Map<String, String> SHORT_HEARTBEAT = Map.of(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
			"300");

	// A member that stops polling leaves its group after a second, and learns it at its next poll.
	private static final Map<String, String> SHORT_POLL_INTERVAL = Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
			"1000", ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");

	private static Admin admin;

	@BeforeAll
	static void connect() {
		admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers()));
	}

	@AfterAll
	static void disconnect() {
		admin.close();
	}

	@Test
	void whenAMemberMissesItsPollIntervalThenItsPartitionsAreLostThenRevokedBeforeTheyAreAssignedAgain() {
		String topic = TestBroker.createTopic("assumptions-lost", 1);
		String group = TestBroker.uniqueTopic("assumptions-lost-group");
		TopicPartition partition = new TopicPartition(topic, 0);
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
		config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
		config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
		config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1_000);
		List<String> callbacks = new CopyOnWriteArrayList<>();
		List<String> times = new CopyOnWriteArrayList<>();
		long startNanos = System.nanoTime();
		ContainerProperties properties = new ContainerProperties(topic);
		properties.setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {

			@Override
			public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
				record("assigned", partitions);
			}

			@Override
			public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer,
					Collection<TopicPartition> partitions) {
				record("revoked", partitions);
			}

			@Override
			public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
				record("lost", partitions);
			}

			private void record(String callback, Collection<TopicPartition> partitions) {
				if (!partitions.isEmpty()) {
					callbacks.add(callback + " " + partitions);
					times.add(callback + " at " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
				}
			}

		});
		AtomicBoolean stalled = new AtomicBoolean();
		properties.setMessageListener((MessageListener<byte[], byte[]>) (record) -> {
			if (stalled.compareAndSet(false, true)) {
				// Past max.poll.interval.ms without a poll: the client leaves the group.
				await().atMost(BOUND).until(() -> members(group) == 0);
				times.add("left the group at " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
			}
		});
		KafkaMessageListenerContainer<byte[], byte[]> container = new KafkaMessageListenerContainer<>(
				new DefaultKafkaConsumerFactory<>(config), properties);
		List<String> seen;
		container.start();
		try {
			send(topic, 1);
			await().atMost(BOUND).until(() -> callbacks.stream().filter((call) -> call.startsWith("assigned")).count() == 2);
			seen = List.copyOf(callbacks);
		}
		finally {
			container.stop();
		}
		System.out.println("Lost: callbacks " + times);
		// RequestPump and Revocations rely on it: a dropped member's partitions are lost (nothing
		// committed, nothing waited for), then spring-kafka revokes the same partitions, then the
		// member joins again.
		assertThat(seen).containsExactly("assigned [" + partition + "]", "lost [" + partition + "]",
				"revoked [" + partition + "]", "assigned [" + partition + "]");
	}

	@Test
	void whenAShareConsumersJvmIsKilledThenItsAcquiredRecordsGoToAnotherMemberLongBeforeTheirLockEnds()
			throws Exception {
		String topic = TestBroker.createTopic("assumptions-share-kill", 1);
		String group = TestBroker.uniqueTopic("assumptions-share-kill-group");
		ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
		admin
			.incrementalAlterConfigs(Map.of(resource,
					List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
							AlterConfigOp.OpType.SET))))
			.all()
			.get(BOUND.toSeconds(), TimeUnit.SECONDS);
		send(topic, 3);
		long startNanos = System.nanoTime();
		ForkedJvm holder = ForkedJvm.start("share-holder", ForkedShareConsumer.class,
				List.of(TestBroker.bootstrapServers(), group, topic));
		List<ConsumerRecord<byte[], byte[]>> received = new CopyOnWriteArrayList<>();
		AtomicBoolean running = new AtomicBoolean(true);
		CompletableFuture<Void> otherLoop = CompletableFuture.completedFuture(null);
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
				ByteArrayDeserializer.class, ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
		ShareConsumer<byte[], byte[]> other = new KafkaShareConsumer<>(config);
		try {
			String acquired = holder.await("acquired", BOUND);
			other.subscribe(List.of(topic));
			otherLoop = CompletableFuture.runAsync(() -> {
				while (running.get()) {
					for (ConsumerRecord<byte[], byte[]> record : other.poll(Duration.ofMillis(100))) {
						received.add(record);
						other.acknowledge(record, AcknowledgeType.ACCEPT);
					}
				}
			});
			await().atMost(BOUND).until(() -> shareMembers(group) == 2);
			assertThat(received).as("nothing for the other member while the holder lives").isEmpty();
			long killedNanos = System.nanoTime();
			long setUpMillis = TimeUnit.NANOSECONDS.toMillis(killedNanos - startNanos);
			holder.kill();
			await().atMost(BOUND).until(() -> acquired.equals(offsets(received)));
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNanos);
			System.out.println("Share: the records " + acquired + " held by a killed JVM went to another member "
					+ tookMillis + " ms after the kill (fork, acquire and join took " + setUpMillis + " ms)");
			// ShareRequestReader relies on it (it releases only on a clean close): a dead member's
			// records come back when its connection drops, not after the acquisition lock (30 s).
			assertThat(received).allSatisfy((record) -> assertThat(record.deliveryCount()).contains((short) 2));
			assertThat(tookMillis).isLessThan(10_000);
		}
		finally {
			running.set(false);
			otherLoop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			other.close(Duration.ofSeconds(5));
			holder.kill();
		}
	}

	@Test
	void whenAMemberMissesItsPollIntervalThenItsPartitionComesToItAsLostOnlyAfterTheNewOwnerStartedFromTheLastCommitAndItsCommitThenFails()
			throws Exception {
		String topic = TestBroker.createTopic("assumptions-lost-commit", 1);
		String group = TestBroker.uniqueTopic("assumptions-lost-commit-group");
		TopicPartition partition = new TopicPartition(topic, 0);
		send(topic, 5);
		List<String> callbacks = new CopyOnWriteArrayList<>();
		CompletableFuture<@Nullable Exception> commitOnLoss = new CompletableFuture<>();
		try (KafkaConsumer<byte[], byte[]> first = new KafkaConsumer<>(handlerConfig(group, SHORT_POLL_INTERVAL));
				KafkaConsumer<byte[], byte[]> second = new KafkaConsumer<>(handlerConfig(group, SHORT_HEARTBEAT))) {
			first.subscribe(List.of(topic), new ConsumerRebalanceListener() {

				@Override
				public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
					record("assigned", partitions);
				}

				@Override
				public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
					record("revoked", partitions);
				}

				@Override
				public void onPartitionsLost(Collection<TopicPartition> partitions) {
					record("lost", partitions);
					try {
						first.commitSync(Map.of(partition, new OffsetAndMetadata(5)), BOUND);
						commitOnLoss.complete(null);
					}
					catch (RuntimeException ex) {
						commitOnLoss.complete(ex);
					}
				}

				private void record(String callback, Collection<TopicPartition> partitions) {
					if (!partitions.isEmpty()) {
						callbacks.add(callback + " " + partitions);
					}
				}

			});
			List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
			pollUntil(first, read, () -> read.size() == 5);
			first.commitSync(Map.of(partition, new OffsetAndMetadata(2)), BOUND);
			// It polls no more: past max.poll.interval.ms its heartbeat thread leaves the group.
			await().atMost(BOUND).until(() -> members(group) == 0);
			second.subscribe(List.of(topic));
			List<ConsumerRecord<byte[], byte[]>> taken = new ArrayList<>();
			pollUntil(second, taken, () -> !taken.isEmpty());
			// The partition's new owner starts from the last commit, the first member not told yet.
			assertThat(taken.get(0).offset()).isEqualTo(2);
			assertThat(callbacks).containsExactly("assigned [" + partition + "]");
			// Its next poll tells it: lost, not revoked (Revocations commits nothing then, ends the
			// requests at once), and a commit it tries then fails rather than overwrite the new owner's.
			pollUntil(first, new ArrayList<>(), commitOnLoss::isDone);
			assertThat(callbacks).containsExactly("assigned [" + partition + "]", "lost [" + partition + "]");
			assertThat(commitOnLoss.get()).isInstanceOf(CommitFailedException.class);
			assertThat(committed(group).get(partition).offset()).isEqualTo(2);
		}
	}

	@Test
	void whenAPartitionMovesToAJoiningMemberThenItIsRevokedAloneAndTheCommitOfTheRevokeCallbackIsWhatTheNewOwnerIsAssignedWith()
			throws Exception {
		String topic = TestBroker.createTopic("assumptions-revoke-order", 2);
		String group = TestBroker.uniqueTopic("assumptions-revoke-order-group");
		send(topic, 0, 3);
		send(topic, 1, 3);
		AtomicInteger step = new AtomicInteger();
		Map<TopicPartition, Integer> revokedAt = new ConcurrentHashMap<>();
		Map<TopicPartition, Integer> assignedAt = new ConcurrentHashMap<>();
		Map<TopicPartition, OffsetAndMetadata> seenByNewOwner = new ConcurrentHashMap<>();
		try (KafkaConsumer<byte[], byte[]> first = new KafkaConsumer<>(handlerConfig(group, SHORT_HEARTBEAT));
				KafkaConsumer<byte[], byte[]> second = new KafkaConsumer<>(handlerConfig(group, SHORT_HEARTBEAT))) {
			first.subscribe(List.of(topic), new ConsumerRebalanceListener() {

				@Override
				public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
				}

				@Override
				public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
					for (TopicPartition partition : partitions) {
						// As the core's last commit, carried out synchronously in the callback.
						first.commitSync(Map.of(partition, new OffsetAndMetadata(1, "revoked-" + partition)), BOUND);
						revokedAt.put(partition, step.incrementAndGet());
					}
				}

			});
			List<ConsumerRecord<byte[], byte[]>> firstRead = new ArrayList<>();
			pollUntil(first, firstRead, () -> firstRead.size() == 6);
			second.subscribe(List.of(topic), new ConsumerRebalanceListener() {

				@Override
				public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
					// As AssignedOffsets reads where the previous owner left each partition.
					second.committed(Set.copyOf(partitions), BOUND).forEach((partition, committed) -> {
						assignedAt.put(partition, step.incrementAndGet());
						if (committed != null) {
							seenByNewOwner.put(partition, committed);
						}
					});
				}

				@Override
				public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
				}

			});
			// One thread polls both, as two members would, until the moved partition's records reach the second.
			List<ConsumerRecord<byte[], byte[]>> secondRead = new ArrayList<>();
			long end = System.nanoTime() + BOUND.toNanos();
			while (secondRead.isEmpty()) {
				assertThat(System.nanoTime() - end).as("moved within %s", BOUND).isNegative();
				first.poll(Duration.ofMillis(50)).forEach(firstRead::add);
				second.poll(Duration.ofMillis(50)).forEach(secondRead::add);
			}
			// Cooperative: only the partition that moves is revoked, the other stays with the first.
			assertThat(revokedAt).hasSize(1);
			TopicPartition moved = revokedAt.keySet().iterator().next();
			assertThat(assignedAt).containsOnlyKeys(moved);
			assertThat(first.assignment()).doesNotContain(moved).hasSize(1);
			// The core relies on it: the next owner is assigned the partition only after the revoke
			// callback returned, and reads its commit there, metadata and all.
			assertThat(assignedAt.get(moved)).isGreaterThan(revokedAt.get(moved));
			assertThat(seenByNewOwner.get(moved)).isEqualTo(new OffsetAndMetadata(1, "revoked-" + moved));
			assertThat(secondRead).allSatisfy((record) -> assertThat(record.partition()).isEqualTo(moved.partition()))
				.extracting(ConsumerRecord::offset)
				.startsWith(1L);
		}
	}

	private static Map<String, Object> handlerConfig(String group, Map<String, String> consumerProperties) {
		return TestClients.handlerConsumerConfig(TestBroker.bootstrapServers(), group, consumerProperties);
	}

	private static void pollUntil(KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> into,
			BooleanSupplier done) {
		long end = System.nanoTime() + BOUND.toNanos();
		while (!done.getAsBoolean()) {
			assertThat(System.nanoTime() - end).as("polled until done within %s", BOUND).isNegative();
			consumer.poll(Duration.ofMillis(50)).forEach(into::add);
		}
	}

	private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
		admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(BOUND.toSeconds(), TimeUnit.SECONDS)
			.forEach((partition, offset) -> {
				if (offset != null) {
					committed.put(partition, offset);
				}
			});
		return committed;
	}

	private static String offsets(List<ConsumerRecord<byte[], byte[]>> records) {
		return records.stream().map(ConsumerRecord::offset).toList().toString();
	}

	private static int members(String group) throws Exception {
		return admin.describeConsumerGroups(List.of(group))
			.describedGroups()
			.get(group)
			.get(BOUND.toSeconds(), TimeUnit.SECONDS)
			.members()
			.size();
	}

	private static int shareMembers(String group) throws Exception {
		return admin.describeShareGroups(List.of(group))
			.describedGroups()
			.get(group)
			.get(BOUND.toSeconds(), TimeUnit.SECONDS)
			.members()
			.size();
	}

	private static void send(String topic, int count) {
		send(topic, 0, count);
	}

	private static void send(String topic, int partition, int count) {
		KafkaTemplate<byte[], byte[]> template = TestBroker.rawTemplate(TestBroker.bootstrapServers());
		try {
			for (int i = 0; i < count; i++) {
				template.send(new ProducerRecord<>(topic, partition, null, ("record-" + i).getBytes()));
			}
			template.flush();
		}
		finally {
			((DefaultKafkaProducerFactory<byte[], byte[]>) template.getProducerFactory()).destroy();
		}
	}

}
