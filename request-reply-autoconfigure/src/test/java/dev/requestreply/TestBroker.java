package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One embedded KRaft broker for the whole test run, started on first use; tests keep apart by
 * using topics of their own.
 */
public final class TestBroker {

	private static final String REPLIES = "-replies";

	private static final AtomicInteger counter = new AtomicInteger();

	private static EmbeddedKafkaKraftBroker broker;

	private TestBroker() {
	}

	public static synchronized EmbeddedKafkaKraftBroker get() {
		if (broker == null) {
			EmbeddedKafkaKraftBroker started = start("test.kafka.brokers", Map.of());
			Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
			broker = started;
		}
		return broker;
	}

	/**
	 * Start a broker of its own (for a test class that needs broker settings of its own), with the
	 * settings every one-node test broker needs; the caller destroys it.
	 * @param brokersProperty the system property its address is written to
	 * @param properties broker settings of the test's own, over the defaults
	 * @return the started broker
	 */
	public static EmbeddedKafkaKraftBroker start(String brokersProperty, Map<String, String> properties) {
		EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 1);
		started.brokerProperty("group.initial.rebalance.delay.ms", "0");
		// One broker: transactional replies need a transaction log it can hold alone.
		started.brokerProperty("transaction.state.log.replication.factor", "1");
		started.brokerProperty("transaction.state.log.min.isr", "1");
		started.brokerProperty("transaction.state.log.num.partitions", "1");
		// One broker: share groups (queue mode) need a share state topic it can hold alone.
		started.brokerProperty("share.coordinator.state.topic.replication.factor", "1");
		started.brokerProperty("share.coordinator.state.topic.min.isr", "1");
		// Lets a test lower the acquisition lock of its own share group (share.record.lock.duration.ms,
		// a group config) below the 15 s minimum; the broker's default lock stays 30 s.
		started.brokerProperty("group.share.min.record.lock.duration.ms", "1000");
		properties.forEach(started::brokerProperty);
		started.brokerListProperty(brokersProperty);
		started.afterPropertiesSet();
		return started;
	}

	/**
	 * Return a template of plain byte records to the given brokers, as any other client would
	 * write; destroy its factory when done.
	 */
	public static KafkaTemplate<byte[], byte[]> rawTemplate(String bootstrapServers) {
		return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 0),
				new ByteArraySerializer(), new ByteArraySerializer()));
	}

	/**
	 * Read every record of a topic of the shared broker, from its beginning to its current end.
	 */
	public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
		return readAll(topic, "read_uncommitted");
	}

	/**
	 * Read every committed record of a topic of the shared broker (records of aborted transactions
	 * left out), from its beginning to its last stable offset.
	 */
	public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
		return readAll(topic, "read_committed");
	}

	private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < ends.get(partition))) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("Could not read " + topic + " to its end within 10 s");
				}
				consumer.poll(Duration.ofMillis(100)).forEach(records::add);
			}
			return records;
		}
	}

	public static String bootstrapServers() {
		return get().getBrokersAsString();
	}

	/**
	 * Return a topic name not used before in this run. A name ending in {@code -replies} keeps that
	 * ending, so that it stays a reply topic handlers may answer to by default.
	 */
	public static String uniqueTopic(String prefix) {
		String unique = "-" + counter.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
		return prefix.endsWith(REPLIES) ? prefix.substring(0, prefix.length() - REPLIES.length()) + unique + REPLIES
				: prefix + unique;
	}

	/**
	 * Create a topic with the given number of partitions and return its name.
	 */
	public static String createTopic(String prefix, int partitions) {
		String name = uniqueTopic(prefix);
		get().addTopics(new NewTopic(name, partitions, (short) 1));
		return name;
	}

}
