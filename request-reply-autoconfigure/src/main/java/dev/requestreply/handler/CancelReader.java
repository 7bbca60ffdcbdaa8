package dev.requestreply.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.springframework.core.log.LogAccessor;

/**
 * Reads the cancel records of the handlers' topics, so that they reach requests held in hand at
 * once. A handler's own consumer meets a cancel record after its request on the partition, but
 * not while it cannot poll: a handler that works on the consumer's thread, a partition paused
 * while requests are in hand. One consumer without group for all handlers, looking at headers
 * only.
 * <p>
 * It reads only while a request has been in hand for longer than {@link #READ_AFTER}: the
 * handlers' topics are not fetched a second time while requests come and go quickly. When it
 * starts reading, each partition is positioned at the first record no older than the oldest
 * request in hand (a cancel record follows its request), so that no cancel of a request in hand
 * is missed, however late it started; when nothing is held any more, its partitions are paused.
 */
final class CancelReader implements Runnable {

	private static final LogAccessor logger = new LogAccessor(CancelReader.class);

	/**
	 * How long a request is in hand before cancel records are read for it.
	 */
	static final Duration READ_AFTER = Duration.ofMillis(100);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

	private static final long IDLE_CHECK_MILLIS = 20;

	private static final long TOPIC_REFRESH_NANOS = Duration.ofSeconds(1).toNanos();

	private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

	// Clocks may move: read from this much before the oldest request in hand.
	private static final long CLOCK_SKEW_MILLIS = Duration.ofSeconds(1).toMillis();

	private final Map<String, Object> consumerConfig;

	private final Map<String, List<InFlightRequests>> byTopic = new HashMap<>();

	// Each handler once, however many topics it serves.
	private final List<InFlightRequests> handlers = new ArrayList<>();

	private final List<String> unassigned = new CopyOnWriteArrayList<>();

	private volatile KafkaConsumer<byte[], byte[]> consumer;

	private volatile Thread thread;

	// The consumer's thread only: the timestamp read from while reading, else -1.
	private long readingSince = -1;

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
		this.handlers.add(requests);
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
	}

	void stop() {
		KafkaConsumer<byte[], byte[]> current = this.consumer;
		Thread reader = this.thread;
		if (current == null || reader == null) {
			return;
		}
		reader.interrupt();
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
				long oldest = oldestInHand();
				if (oldest != Long.MAX_VALUE && this.readingSince < 0) {
					startReading(reader, oldest - CLOCK_SKEW_MILLIS);
				}
				else if (oldest == Long.MAX_VALUE && this.readingSince >= 0) {
					reader.pause(reader.assignment());
					this.readingSince = -1;
				}
				if (this.readingSince < 0 || reader.assignment().isEmpty()) {
					// Nothing held, or nothing to read yet: look again shortly.
					Thread.sleep(IDLE_CHECK_MILLIS);
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
		catch (WakeupException | InterruptedException | InterruptException ex) {
			// Stopped.
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Reading cancel records stopped; cancellations reach handlers only through their "
					+ "own consumers");
		}
	}

	// The oldest record timestamp of the requests in hand for longer than READ_AFTER.
	private long oldestInHand() {
		long takenBefore = System.nanoTime() - READ_AFTER.toNanos();
		long oldest = Long.MAX_VALUE;
		for (InFlightRequests inFlight : this.handlers) {
			oldest = Math.min(oldest, inFlight.oldestTimestampInHandBefore(takenBefore));
		}
		return oldest;
	}

	private void startReading(KafkaConsumer<byte[], byte[]> reader, long sinceMillis) {
		Set<TopicPartition> partitions = reader.assignment();
		if (!partitions.isEmpty()) {
			seekToTime(reader, partitions, sinceMillis);
			reader.resume(partitions);
		}
		this.readingSince = sinceMillis;
	}

	/**
	 * Assign the partitions of the topics that now exist: paused while nothing is read, else
	 * positioned as the others were.
	 */
	private void assignNewTopics(KafkaConsumer<byte[], byte[]> reader) {
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
		if (this.readingSince >= 0) {
			seekToTime(reader, added, this.readingSince);
		}
		else {
			reader.pause(added);
		}
	}

	// Position each partition at its first record no older than the time, else at its end.
	private static void seekToTime(KafkaConsumer<byte[], byte[]> reader, Set<TopicPartition> partitions,
			long sinceMillis) {
		Map<TopicPartition, Long> ends = reader.endOffsets(partitions, METADATA_TIMEOUT);
		Map<TopicPartition, Long> timestamps = new HashMap<>();
		partitions.forEach((partition) -> timestamps.put(partition, Math.max(0, sinceMillis)));
		Map<TopicPartition, OffsetAndTimestamp> found = reader.offsetsForTimes(timestamps, METADATA_TIMEOUT);
		for (TopicPartition partition : partitions) {
			OffsetAndTimestamp first = found.get(partition);
			// None that recent when the end was read: none was written in between either.
			reader.seek(partition, (first != null) ? first.offset() : ends.get(partition));
		}
	}

}
