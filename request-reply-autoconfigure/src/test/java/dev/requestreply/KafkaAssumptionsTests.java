package dev.requestreply;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * decides, checked against the shared broker: which callbacks a consumer dropped from its group
 * gets, and what becomes of the records a share consumer held when its JVM dies.
 */
class KafkaAssumptionsTests {

	private static final Duration BOUND = Duration.ofSeconds(15);

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
		KafkaTemplate<byte[], byte[]> template = TestBroker.rawTemplate(TestBroker.bootstrapServers());
		try {
			for (int i = 0; i < count; i++) {
				template.send(new ProducerRecord<>(topic, 0, null, ("record-" + i).getBytes()));
			}
			template.flush();
		}
		finally {
			((DefaultKafkaProducerFactory<byte[], byte[]>) template.getProducerFactory()).destroy();
		}
	}

}
