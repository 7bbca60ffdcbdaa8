package dev.requestreply.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.springframework.core.log.LogAccessor;

/**
 * Reads the cancel records of the handlers' topics as they arrive, so that they reach requests in
 * hand at once. A handler's own consumer cannot: while a request is in hand (an asynchronous
 * result) its partition is paused until the request is acknowledged, and a cancel record follows
 * its request on that partition. One consumer without group for all handlers, positioned at the
 * end of every partition, looking at headers only; the price is that the handlers' topics are
 * fetched twice.
 */
final class CancelReader implements Runnable {

	private static final LogAccessor logger = new LogAccessor(CancelReader.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

	private static final long TOPIC_REFRESH_NANOS = Duration.ofSeconds(5).toNanos();

	private final Map<String, Object> consumerConfig;

	private final Map<String, List<InFlightRequests>> byTopic = new HashMap<>();

	private final List<String> unassigned = new CopyOnWriteArrayList<>();

	private volatile KafkaConsumer<byte[], byte[]> consumer;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private volatile Thread thread;

	// Counted down once the topics that exist at start are positioned at their end.
	private final CountDownLatch positioned = new CountDownLatch(1);

	/**
	 * @param consumerConfig the handlers' consumer configuration (connection, security); its group
	 * id is dropped
	 */
	CancelReader(Map<String, Object> consumerConfig) {
		Map<String, Object> config = new HashMap<>(consumerConfig);
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		config.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "request-reply-cancels");
		this.consumerConfig = config;
	}

	void register(List<String> topics, InFlightRequests requests) {
		for (String topic : topics) {
			this.byTopic.computeIfAbsent(topic, (name) -> {
				this.unassigned.add(name);
				return new ArrayList<>();
			}).add(requests);
		}
	}

	void start() {
		if (this.byTopic.isEmpty()) {
			return;
		}
		this.consumer = new KafkaConsumer<>(this.consumerConfig);
		Thread reader = new Thread(this, "request-reply-cancels");
		reader.setDaemon(true);
		this.thread = reader;
		reader.start();
		// A cancel record written before the reader has its positions would be missed: start the
		// handlers only once it has them (bounded, so a slow broker does not hold start-up).
		try {
			if (!this.positioned.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn(() -> "Cancel records reader not positioned within " + START_TIMEOUT.toMillis()
						+ " ms; cancels sent meanwhile may not reach handlers");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void stop() {
		KafkaConsumer<byte[], byte[]> current = this.consumer;
		Thread reader = this.thread;
		if (current == null || reader == null) {
			return;
		}
		current.wakeup();
		try {
			reader.join(Duration.ofSeconds(10).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void run() {
		KafkaConsumer<byte[], byte[]> reader = this.consumer;
		long nextRefresh = System.nanoTime();
		try (reader) {
			while (!Thread.currentThread().isInterrupted()) {
				if (!this.unassigned.isEmpty() && System.nanoTime() - nextRefresh >= 0) {
					assignNewTopics(reader);
					nextRefresh = System.nanoTime() + TOPIC_REFRESH_NANOS;
				}
				this.positioned.countDown();
				if (reader.assignment().isEmpty()) {
					// Nothing to read yet: wait as a poll would.
					Thread.sleep(POLL_TIMEOUT.toMillis());
					continue;
				}
				for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL_TIMEOUT)) {
					byte[] cancelled = WireFormat.cancelledRequest(record.headers());
					if (cancelled != null) {
						for (InFlightRequests requests : this.byTopic.getOrDefault(record.topic(), List.of())) {
							requests.cancel(cancelled);
						}
					}
				}
			}
		}
		catch (WakeupException | InterruptedException ex) {
			// Stopped.
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Reading cancel records stopped; cancellations reach handlers only through their "
					+ "own consumers");
		}
	}

	private void assignNewTopics(KafkaConsumer<byte[], byte[]> reader) {
		Set<TopicPartition> added = new HashSet<>();
		for (String topic : this.unassigned) {
			List<PartitionInfo> partitions = reader.partitionsFor(topic, Duration.ofSeconds(5));
			if (partitions != null && !partitions.isEmpty()) {
				partitions.forEach((info) -> added.add(new TopicPartition(topic, info.partition())));
				this.unassigned.remove(topic);
			}
		}
		if (!added.isEmpty()) {
			Set<TopicPartition> all = new HashSet<>(reader.assignment());
			all.addAll(added);
			reader.assign(all);
			reader.seekToEnd(added);
			// Resolve the end now rather than at the next poll, after which cancels could be missed.
			added.forEach((partition) -> reader.position(partition, Duration.ofSeconds(5)));
		}
	}

}
