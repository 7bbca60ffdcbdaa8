package dev.requestreply.handler;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.TestBroker;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handlers' commit coalescing, against the real broker.
 */
class CommitCoalescingConsumerTests {

	private static KafkaConsumer<byte[], byte[]> consumer(String group) {
		return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
	}

	private static long committed(String group, TopicPartition partition) {
		try (KafkaConsumer<byte[], byte[]> reader = consumer(group)) {
			OffsetAndMetadata offset = reader.committed(Set.of(partition), Duration.ofSeconds(10)).get(partition);
			return (offset != null) ? offset.offset() : -1;
		}
	}

	@Test
	void whenCommitsComeFasterThanTheIntervalThenTheLatestIsCommittedAtALaterPoll() {
		String group = TestBroker.uniqueTopic("coalescing-group");
		TopicPartition partition = new TopicPartition(TestBroker.createTopic("coalescing", 1), 0);
		AtomicInteger callbacks = new AtomicInteger();
		try (Consumer<byte[], byte[]> consumer = CommitCoalescingConsumer.wrap(consumer(group),
				Duration.ofMillis(300))) {
			consumer.assign(List.of(partition));
			for (long offset = 1; offset <= 5; offset++) {
				consumer.commitAsync(Map.of(partition, new OffsetAndMetadata(offset)),
						(offsets, ex) -> callbacks.incrementAndGet());
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				consumer.poll(Duration.ofMillis(50));
				return callbacks.get() >= 2;
			});
			// Five commits asked for, two sent: the first, then the merged rest.
			assertThat(callbacks.get()).isEqualTo(2);
		}
		assertThat(committed(group, partition)).isEqualTo(5);
	}

	@Test
	void whenClosedWithCommitsWaitingThenTheyAreCommitted() {
		String group = TestBroker.uniqueTopic("coalescing-close-group");
		TopicPartition partition = new TopicPartition(TestBroker.createTopic("coalescing-close", 1), 0);
		try (Consumer<byte[], byte[]> consumer = CommitCoalescingConsumer.wrap(consumer(group), Duration.ofMinutes(5))) {
			consumer.assign(List.of(partition));
			consumer.commitAsync(Map.of(partition, new OffsetAndMetadata(3)), null);
			consumer.commitAsync(Map.of(partition, new OffsetAndMetadata(7)), null);
		}
		assertThat(committed(group, partition)).isEqualTo(7);
	}

}
