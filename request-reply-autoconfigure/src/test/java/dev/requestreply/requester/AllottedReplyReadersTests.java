package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.requestreply.TestBroker;
import dev.requestreply.security.AuthorizationMonitor;
import dev.requestreply.support.LoopThreads;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.TopicPartitionOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reply readers of {@code reply-partitions=auto} against the broker: a partition handed over
 * late is taken over where the draining reader stopped, never past replies it had not read.
 */
class AllottedReplyReadersTests {

	// Longer than the group's reader waits for a hand-over before it goes on polling.
	private static final long SLOW_DISPATCH_NANOS = TimeUnit.SECONDS.toNanos(3);

	@Test
	void whenTheDrainingReaderHandsAPartitionOverLateThenNoReplyIsSkipped() throws Exception {
		String topic = TestBroker.createTopic("handover-replies", 2);
		Map<String, Integer> seen = new ConcurrentHashMap<>();
		AllottedReplyReaders readers = new AllottedReplyReaders(consumerFactory(), topic, (record) -> {
			String value = StandardCharsets.UTF_8.decode(record.value()).toString();
			seen.merge(value, 1, Integer::sum);
			// The first reply keeps the draining reader busy: the group's assignment comes meanwhile.
			if (value.equals("slow") && Thread.currentThread().getName().endsWith("-draining")) {
				LockSupport.parkNanos(SLOW_DISPATCH_NANOS);
			}
		}, new AuthorizationMonitor("test", () -> {
		}), true, LoopThreads.PLATFORM);
		KafkaTemplate<byte[], byte[]> producer = TestBroker.rawTemplate(TestBroker.bootstrapServers());
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers()))) {
			readers.start(List.of(new TopicPartitionOffset(topic, 0, 0L), new TopicPartitionOffset(topic, 1, 0L)),
					Duration.ofSeconds(10));
			send(producer, topic, 0, "slow");
			await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey("slow"));
			// Assigned while the draining reader still dispatches: replies keep coming on both partitions.
			await().atMost(Duration.ofSeconds(20)).until(() -> !assigned(admin, topic).isEmpty());
			for (int i = 0; i < 20; i++) {
				send(producer, topic, i % 2, "reply-" + i);
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> readers.partitions().owned().size() == 2);
			for (int i = 20; i < 30; i++) {
				send(producer, topic, i % 2, "reply-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				for (int i = 0; i < 30; i++) {
					assertThat(seen).containsKey("reply-" + i);
				}
			});
			assertThat(seen.values()).allSatisfy((times) -> assertThat(times).isOne());
		}
		finally {
			readers.stop();
			((DefaultKafkaProducerFactory<?, ?>) producer.getProducerFactory()).destroy();
		}
	}

	private static Set<Integer> assigned(Admin admin, String topic) throws Exception {
		String group = AllottedReplyReaders.groupId(topic);
		Set<Integer> partitions = new HashSet<>();
		for (MemberDescription member : admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()) {
			member.assignment().topicPartitions().forEach((partition) -> partitions.add(partition.partition()));
		}
		return partitions;
	}

	private static void send(KafkaTemplate<byte[], byte[]> producer, String topic, int partition, String value)
			throws Exception {
		producer.send(new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8)))
			.get(10, TimeUnit.SECONDS);
	}

	private static DefaultKafkaConsumerFactory<ByteBuffer, ByteBuffer> consumerFactory() {
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		return new DefaultKafkaConsumerFactory<>(config);
	}


}
