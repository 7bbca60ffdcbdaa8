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
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
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

	private static final long TOPIC_REFRESH_NANOS = Duration.ofSeconds(1).toNanos();

	private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

	// Clocks of requesters and responders may differ a little: a topic found after start is read
	// from this much before the reader started.
	private static final long CLOCK_SKEW_MILLIS = Duration.ofSeconds(10).toMillis();

	private final Map<String, Object> consumerConfig;

	private final Map<String, List<InFlightRequests>> byTopic = new HashMap<>();

	private final List<String> unassigned = new CopyOnWriteArrayList<>();

	private volatile KafkaConsumer<byte[], byte[]> consumer;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private volatile Thread thread;

	private volatile long startedAtMillis;

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
		this.startedAtMillis = System.currentTimeMillis();
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
		boolean started = false;
		try (reader) {
			while (!Thread.currentThread().isInterrupted()) {
				if (!this.unassigned.isEmpty() && System.nanoTime() - nextRefresh >= 0) {
					assignNewTopics(reader, started);
					nextRefresh = System.nanoTime() + TOPIC_REFRESH_NANOS;
				}
				started = true;
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

	/**
	 * Assign the partitions of the topics that now exist. At start they are read from their end;
	 * a topic found later (created by the first request sent to it, say) is read from the records
	 * written since the reader started, so that the cancel of a request sent meanwhile is not
	 * missed.
	 */
	private void assignNewTopics(KafkaConsumer<byte[], byte[]> reader, boolean afterStart) {
		Set<TopicPartition> added = new HashSet<>();
		for (String topic : this.unassigned) {
			List<PartitionInfo> partitions = reader.partitionsFor(topic, METADATA_TIMEOUT);
			if (partitions != null && !partitions.isEmpty()) {
				partitions.forEach((info) -> added.add(new TopicPartition(topic, info.partition())));
				this.unassigned.remove(topic);
			}
		}
		if (added.isEmpty()) {
			return;
		}
		Set<TopicPartition> all = new HashSet<>(reader.assignment());
		all.addAll(added);
		reader.assign(all);
		Map<TopicPartition, Long> ends = reader.endOffsets(added, METADATA_TIMEOUT);
		Map<TopicPartition, OffsetAndTimestamp> sinceStart = afterStart ? sinceStart(reader, added) : Map.of();
		for (TopicPartition partition : added) {
			OffsetAndTimestamp first = sinceStart.get(partition);
			// No record since start when the end was read: none was written in between either.
			reader.seek(partition, (first != null) ? first.offset() : ends.get(partition));
		}
	}

	private Map<TopicPartition, OffsetAndTimestamp> sinceStart(KafkaConsumer<byte[], byte[]> reader,
			Set<TopicPartition> partitions) {
		Map<TopicPartition, Long> timestamps = new HashMap<>();
		long from = this.startedAtMillis - CLOCK_SKEW_MILLIS;
		partitions.forEach((partition) -> timestamps.put(partition, from));
		Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
		reader.offsetsForTimes(timestamps, METADATA_TIMEOUT).forEach((partition, offset) -> {
			if (offset != null) {
				found.put(partition, offset);
			}
		});
		return found;
	}

}
