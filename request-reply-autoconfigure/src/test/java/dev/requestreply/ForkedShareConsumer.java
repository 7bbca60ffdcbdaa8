package dev.requestreply;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A share consumer in a JVM of its own, run by {@link ForkedJvm}: it acquires records, answers
 * {@code acquired} with their offsets and holds them, unacknowledged, until it is killed (or its
 * standard input closes). Arguments: bootstrap servers, share group, topic.
 */
public final class ForkedShareConsumer {

	private ForkedShareConsumer() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
				ConsumerConfig.GROUP_ID_CONFIG, args[1], ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
				ByteArrayDeserializer.class, ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
		try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config)) {
			consumer.subscribe(List.of(args[2]));
			List<Long> offsets = new ArrayList<>();
			while (offsets.isEmpty()) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
					offsets.add(record.offset());
				}
			}
			System.out.println(ForkedJvm.PREFIX + "acquired " + offsets);
			new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
		}
	}

}
