package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.requestreply.support.LoopThreads;
import dev.requestreply.support.SupervisedLoop;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the cancel records of the handlers' topics, so that they reach requests held in hand at
 * once, wherever they were written. A handler's own consumer meets a cancel record that follows
 * its request on the same partition within a poll, but not on a partition it paused (too much in
 * hand), nor a cancel written to another partition (by a requester of 0.2, or another client that
 * does not key it like its request), which another instance may own. One consumer without group
 * for all handlers, looking at headers only, as a supervised loop: after a failure (a broker
 * outage, say) it starts again with a new consumer after a backoff.
 * <p>
 * It reads only while a request has been in hand for longer than {@link #READ_AFTER}: the
 * handlers' topics are not fetched a second time while requests come and go quickly. When it
 * starts reading, each partition is positioned at the first record no older than the oldest
 * request in hand (a cancel record follows its request), so that no cancel of a request in hand
 * is missed, however late it started; when nothing is held any more, its partitions are paused.
 * Partitions added to a topic later are assigned once its metadata shows them (within
 * {@link #METADATA_MAX_AGE} while reading, unless the handlers' consumers set
 * {@code metadata.max.age.ms}), and read from the same time.
 */
final class CancelReader {

	/**
	 * How long a request is in hand before cancel records are read for it.
	 */
	static final Duration READ_AFTER = Duration.ofMillis(100);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

	private static final long IDLE_CHECK_MILLIS = 20;

	private static final long TOPIC_REFRESH_NANOS = Duration.ofSeconds(1).toNanos();

	private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * How old the reader's metadata may grow (Kafka's default is 5 minutes), so that partitions
	 * added to a handler's topic are read soon.
	 */
	static final Duration METADATA_MAX_AGE = Duration.ofSeconds(10);

	// Clocks may move: read from this much before the oldest request in hand.
	private static final long CLOCK_SKEW_MILLIS = Duration.ofSeconds(1).toMillis();

	private final Map<String, Object> consumerConfig;

	private final Map<String, List<RequestsInHand>> byTopic = new HashMap<>();

	private final Map<RequestsInHand, WireFormat> wires = new IdentityHashMap<>();

	// Each handler once, however many topics it serves.
	private final List<RequestsInHand> handlers = new ArrayList<>();

	private final SupervisedLoop loop;

	/**
	 * @param consumerConfig the handlers' consumer configuration (connection, security); its group
	 * id is dropped
	 * @param threads the kind of thread the reader runs on
	 */
	CancelReader(Map<String, Object> consumerConfig, LoopThreads threads) {
		this.loop = new SupervisedLoop("request-reply-cancels", this::read, Duration.ofMillis(500),
				Duration.ofSeconds(30), threads);
		Map<String, Object> config = new HashMap<>(consumerConfig);
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		config.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
		config.remove(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
		config.remove(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
		config.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "request-reply-cancels");
		config.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) METADATA_MAX_AGE.toMillis());
		this.consumerConfig = config;
	}

	// A handler's cancel records name the request under its own correlation id header.
	void register(List<String> topics, RequestsInHand requests, WireFormat wire) {
		this.wires.put(requests, wire);
		this.handlers.add(requests);
		for (String topic : topics) {
			this.byTopic.computeIfAbsent(topic, (name) -> new ArrayList<>()).add(requests);
		}
	}

	void start() {
		if (!this.byTopic.isEmpty()) {
			this.loop.start();
		}
	}

	void stop() {
		this.loop.stop(Duration.ofSeconds(10));
	}

	SupervisedLoop.Status status() {
		return this.loop.status();
	}

	private void read(SupervisedLoop loop) throws InterruptedException {
		try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(this.consumerConfig)) {
			new Reading(reader, Set.copyOf(this.byTopic.keySet())).run(loop);
		}
	}

	// The oldest record timestamp of the requests in hand for longer than READ_AFTER.
	private long oldestInHand() {
		long takenBefore = System.nanoTime() - READ_AFTER.toNanos();
		long oldest = Long.MAX_VALUE;
		for (RequestsInHand requests : this.handlers) {
			oldest = Math.min(oldest, requests.oldestTimestampInHandBefore(takenBefore));
		}
		return oldest;
	}

	/**
	 * One run of the loop, with one consumer.
	 */
	private final class Reading {

		private final KafkaConsumer<byte[], byte[]> reader;

		private final Set<String> topics;

		// The timestamp read from while reading, else -1.
		private long readingSince = -1;

		Reading(KafkaConsumer<byte[], byte[]> reader, Set<String> topics) {
			this.reader = reader;
			this.topics = topics;
		}

		void run(SupervisedLoop loop) throws InterruptedException {
			long nextRefresh = System.nanoTime();
			while (loop.isRunning()) {
				if (System.nanoTime() - nextRefresh >= 0) {
					assignNewPartitions();
					nextRefresh = System.nanoTime() + TOPIC_REFRESH_NANOS;
				}
				long oldest = oldestInHand();
				if (oldest != Long.MAX_VALUE && this.readingSince < 0) {
					startReading(oldest - CLOCK_SKEW_MILLIS);
				}
				else if (oldest == Long.MAX_VALUE && this.readingSince >= 0) {
					this.reader.pause(this.reader.assignment());
					this.readingSince = -1;
				}
				if (this.readingSince < 0 || this.reader.assignment().isEmpty()) {
					// Nothing held, or nothing to read yet: look again shortly.
					Thread.sleep(IDLE_CHECK_MILLIS);
					continue;
				}
				for (ConsumerRecord<byte[], byte[]> record : this.reader.poll(POLL_TIMEOUT)) {
					for (RequestsInHand requests : CancelReader.this.byTopic.getOrDefault(record.topic(), List.of())) {
						byte[] cancelled = CancelReader.this.wires.getOrDefault(requests, WireFormat.standard())
							.cancelledRequest(record.headers());
						if (cancelled != null) {
							requests.cancel(cancelled);
						}
					}
				}
			}
		}

		private void startReading(long sinceMillis) {
			Set<TopicPartition> partitions = this.reader.assignment();
			if (!partitions.isEmpty()) {
				seekToTime(partitions, sinceMillis);
				this.reader.resume(partitions);
			}
			this.readingSince = sinceMillis;
		}

		/**
		 * Assign the partitions that now exist and are not assigned yet (of a topic created, or
		 * added to one): paused while nothing is read, else positioned as the others were. The
		 * partitions of a topic the reader knows come from its metadata, without a request.
		 */
		private void assignNewPartitions() {
			Set<TopicPartition> assigned = this.reader.assignment();
			Set<TopicPartition> added = new HashSet<>();
			for (String topic : this.topics) {
				List<PartitionInfo> partitions = this.reader.partitionsFor(topic, METADATA_TIMEOUT);
				if (partitions != null) {
					for (PartitionInfo info : partitions) {
						TopicPartition partition = new TopicPartition(topic, info.partition());
						if (!assigned.contains(partition)) {
							added.add(partition);
						}
					}
				}
			}
			if (added.isEmpty()) {
				return;
			}
			Set<TopicPartition> all = new HashSet<>(assigned);
			all.addAll(added);
			this.reader.assign(all);
			if (this.readingSince >= 0) {
				seekToTime(added, this.readingSince);
			}
			else {
				this.reader.pause(added);
			}
		}

		// Position each partition at its first record no older than the time, else at its end.
		private void seekToTime(Set<TopicPartition> partitions, long sinceMillis) {
			Map<TopicPartition, Long> ends = this.reader.endOffsets(partitions, METADATA_TIMEOUT);
			Map<TopicPartition, Long> timestamps = new HashMap<>();
			partitions.forEach((partition) -> timestamps.put(partition, Math.max(0, sinceMillis)));
			Map<TopicPartition, OffsetAndTimestamp> found = this.reader.offsetsForTimes(timestamps, METADATA_TIMEOUT);
			for (TopicPartition partition : partitions) {
				OffsetAndTimestamp first = found.get(partition);
				// None that recent when the end was read: none was written in between either.
				this.reader.seek(partition, (first != null) ? first.offset() : ends.getOrDefault(partition, 0L));
			}
		}

	}

}
