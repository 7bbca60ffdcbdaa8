package dev.requestreply.responder;

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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import dev.requestreply.TestBroker;
import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.FinishedOffsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Each kind of action the responder hands to Kafka, carried out against a real broker, one
 * client call each, as the engine makes it: a commit with metadata and pause/resume through the
 * consumer's mailbox, a commit inside the revoke callback, a transactional commit fenced by a new
 * generation, and a share consumer's ACCEPT, RENEW and RELEASE. Its broker has short share
 * acquisition locks, so that a renewal can be shown to outlast one.
 */
class KafkaActionsTests {

	private static final Duration BOUND = Duration.ofSeconds(15);

	private static final int LOCK_MILLIS = 1_000;

	private static EmbeddedKafkaKraftBroker broker;

	private static Admin admin;

	@BeforeAll
	static void startBroker() {
		// One partition for the offsets and the share state: quicker to create than 50. The most
		// deliveries the brokers allow (10, not 5): a released record may be acquired again by its
		// own consumer's fetches before another member's, each a delivery; at 5 it was once archived
		// before the other member got it (in about one run of 15; seen delivered at its 5th twice).
		broker = TestBroker.start("test.actions.brokers",
				Map.of("group.share.min.record.lock.duration.ms", String.valueOf(LOCK_MILLIS),
						"group.share.record.lock.duration.ms", String.valueOf(LOCK_MILLIS),
						"group.share.delivery.count.limit", "10", "offsets.topic.num.partitions", "1",
						"share.coordinator.state.topic.num.partitions", "1"));
		admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
	}

	@AfterAll
	static void stopBroker() {
		admin.close();
		broker.destroy();
	}

	@Test
	void whenTheMailboxCommitsAnOffsetWithMetadataThenTheGroupHoldsBothAsEncoded() throws Exception {
		String topic = createTopic("actions-commit", 1);
		TopicPartition partition = new TopicPartition(topic, 0);
		send(topic, 0, 6);
		String group = TestBroker.uniqueTopic("actions-commit-group");
		// 2 and 4 unfinished, 3 and 5 finished.
		CommitMetadata.Encoded metadata = CommitMetadata.encode(2, new long[] { 2, 4 }, 2, 6, 4096);
		ConsumerMailbox mailbox = new ConsumerMailbox();
		CompletableFuture<String> told = new CompletableFuture<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(group))) {
			consumer.subscribe(List.of(topic));
			pollUntil(consumer, mailbox, (records) -> consumer.assignment().contains(partition));
			mailbox.post(new ConsumerMailbox.Commit(Map.of(partition, new OffsetAndMetadata(2, metadata.text())),
					(offsets, ex) -> {
						if (ex != null) {
							told.completeExceptionally(ex);
						}
						else {
							told.complete(Thread.currentThread().getName());
						}
					}));
			// The broker's answer comes at a poll, on the consumer's thread.
			pollUntil(consumer, mailbox, (records) -> told.isDone());
		}
		// ConsumerLedgers relies on it: its commit callback runs on the consumer's own thread.
		assertThat(told.get(0, TimeUnit.SECONDS)).isEqualTo(Thread.currentThread().getName());
		OffsetAndMetadata committed = committed(group).get(partition);
		// PartitionLedger relies on it: the committed offset and its metadata come back as committed.
		assertThat(committed.offset()).isEqualTo(2);
		assertThat(committed.metadata()).isEqualTo(metadata.text()).startsWith(CommitMetadata.PREFIX);
		FinishedOffsets finished = CommitMetadata.decode(committed.offset(), committed.metadata());
		assertThat(finished).isNotNull();
		assertThat(LongStream.range(2, 6).filter(finished::contains)).containsExactly(3L, 5L);
	}

	@Test
	void whenTheMailboxPausesAPartitionThenItsRecordsAreNotFetchedWhileAnothersAreUntilItResumes() {
		String topic = createTopic("actions-pause", 2);
		TopicPartition paused = new TopicPartition(topic, 0);
		TopicPartition other = new TopicPartition(topic, 1);
		ConsumerMailbox mailbox = new ConsumerMailbox();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				consumerConfig(TestBroker.uniqueTopic("actions-pause-group")))) {
			consumer.subscribe(List.of(topic));
			pollUntil(consumer, mailbox, (records) -> consumer.assignment().size() == 2);
			mailbox.post(new ConsumerMailbox.Pause(List.of(paused)));
			mailbox.drain(consumer);
			// The paused partition's records are written first.
			send(topic, 0, 3);
			send(topic, 1, 3);
			List<ConsumerRecord<byte[], byte[]>> whilePaused = pollUntil(consumer, mailbox,
					(records) -> count(records, other) == 3);
			// ConsumerLedgers relies on it: a partition it paused takes nothing new while the others do.
			assertThat(whilePaused).allSatisfy((record) -> assertThat(record.partition()).isEqualTo(1));
			assertThat(consumer.paused()).containsExactly(paused);
			mailbox.post(new ConsumerMailbox.Resume(List.of(paused)));
			List<ConsumerRecord<byte[], byte[]>> resumed = pollUntil(consumer, mailbox,
					(records) -> count(records, paused) == 3);
			assertThat(resumed).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L);
			assertThat(consumer.paused()).isEmpty();
		}
	}

	@Test
	void whenASecondMemberJoinsThenTheRevokeCallbackCommitsWhatFinishedAndTheNewOwnerStartsThere()
			throws Exception {
		String topic = createTopic("actions-revoke", 2);
		send(topic, 0, 10);
		send(topic, 1, 10);
		String group = TestBroker.uniqueTopic("actions-revoke-group");
		// What had finished on each partition when it was taken away, as its ledger would say.
		Map<TopicPartition, Long> finished = Map.of(new TopicPartition(topic, 0), 4L, new TopicPartition(topic, 1),
				7L);
		ConsumerMailbox mailbox = new ConsumerMailbox();
		CompletableFuture<Collection<TopicPartition>> assigned = new CompletableFuture<>();
		CompletableFuture<Collection<TopicPartition>> revoked = new CompletableFuture<>();
		AtomicBoolean inCallback = new AtomicBoolean();
		CompletableFuture<Boolean> committedInCallback = new CompletableFuture<>();
		KafkaConsumer<byte[], byte[]> first = new KafkaConsumer<>(consumerConfig(group));
		first.subscribe(List.of(topic), new ConsumerRebalanceListener() {

			@Override
			public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
				if (!partitions.isEmpty()) {
					assigned.complete(List.copyOf(partitions));
				}
			}

			@Override
			public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
				if (partitions.isEmpty()) {
					return;
				}
				Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
				partitions.forEach((partition) -> offsets.put(partition, new OffsetAndMetadata(finished.get(partition))));
				// As ConsumerLedgers.revoked does it.
				mailbox.post(new ConsumerMailbox.Commit(offsets, (asked, ex) -> {
					if (ex != null) {
						committedInCallback.completeExceptionally(ex);
					}
					else {
						committedInCallback.complete(inCallback.get());
					}
				}));
				inCallback.set(true);
				mailbox.drainSync(first, BOUND);
				inCallback.set(false);
				revoked.complete(List.copyOf(partitions));
			}

		});
		List<ConsumerRecord<byte[], byte[]>> secondRecords = new CopyOnWriteArrayList<>();
		AtomicBoolean running = new AtomicBoolean(true);
		CompletableFuture<Void> firstLoop = CompletableFuture.runAsync(() -> loop(first, mailbox, running, null));
		KafkaConsumer<byte[], byte[]> second = new KafkaConsumer<>(consumerConfig(group));
		CompletableFuture<Void> secondLoop = CompletableFuture.completedFuture(null);
		try {
			assertThat(assigned.get(BOUND.toSeconds(), TimeUnit.SECONDS)).hasSize(2);
			second.subscribe(List.of(topic));
			secondLoop = CompletableFuture.runAsync(() -> loop(second, new ConsumerMailbox(), running, secondRecords));
			Collection<TopicPartition> moved = revoked.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			// ConsumerLedgers.revoked relies on it: the commit is done before the callback returns.
			assertThat(committedInCallback.get(0, TimeUnit.SECONDS)).isTrue();
			TopicPartition partition = moved.iterator().next();
			await().atMost(BOUND)
				.until(() -> secondRecords.stream().anyMatch((record) -> record.partition() == partition.partition()));
			// Revocations relies on it: the next owner starts from what the revoke callback committed.
			assertThat(secondRecords.stream().filter((record) -> record.partition() == partition.partition()))
				.first()
				.extracting(ConsumerRecord::offset)
				.isEqualTo(finished.get(partition));
			assertThat(committed(group).get(partition).offset()).isEqualTo(finished.get(partition));
		}
		finally {
			running.set(false);
			firstLoop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			secondLoop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			first.close(Duration.ofSeconds(5));
			second.close(Duration.ofSeconds(5));
		}
	}

	@Test
	void whenTheGroupsGenerationChangedThenATransactionCommittingWithTheOldMetadataIsFenced() throws Exception {
		String topic = createTopic("actions-fenced", 2);
		String replies = createTopic("actions-fenced-replies", 1);
		TopicPartition partition = new TopicPartition(topic, 0);
		send(topic, 0, 3);
		String group = TestBroker.uniqueTopic("actions-fenced-group");
		Set<TopicPartition> secondAssigned = ConcurrentHashMap.newKeySet();
		AtomicBoolean running = new AtomicBoolean(true);
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()), new ByteArraySerializer(),
				new ByteArraySerializer());
		factory.setTransactionIdPrefix(TestBroker.uniqueTopic("actions-fenced-tx-"));
		KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(factory);
		CompletableFuture<Void> secondLoop = null;
		KafkaConsumer<byte[], byte[]> second = new KafkaConsumer<>(consumerConfig(group));
		try (KafkaConsumer<byte[], byte[]> first = new KafkaConsumer<>(consumerConfig(group))) {
			ConsumerMailbox mailbox = new ConsumerMailbox();
			first.subscribe(List.of(topic));
			pollUntil(first, mailbox, (records) -> first.assignment().size() == 2);
			// As ConsumerLedgers takes it at assignment, for PartitionTransactions.
			ConsumerGroupMetadata old = first.groupMetadata();
			second.subscribe(List.of(topic), new ConsumerRebalanceListener() {

				@Override
				public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
					secondAssigned.addAll(partitions);
				}

				@Override
				public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
				}

			});
			secondLoop = CompletableFuture.runAsync(() -> loop(second, new ConsumerMailbox(), running, null));
			pollUntil(first, mailbox, (records) -> !secondAssigned.isEmpty() && first.assignment().size() == 1
					&& first.groupMetadata().generationId() > old.generationId() && stable(group));
			ConsumerGroupMetadata current = first.groupMetadata();
			// PartitionTransactions relies on it: the rebalance fences a transaction of the old generation.
			assertThatExceptionOfType(CommitFailedException.class)
				.isThrownBy(() -> commitInTransaction(template, replies, partition, 3, old))
				.withMessageContaining("metadata mismatch");
			assertThat(committed(group)).doesNotContainKey(partition);
			// The same transaction with the current generation's metadata commits.
			commitInTransaction(template, replies, partition, 2, current);
			// A transaction's offsets show once the coordinator wrote its commit marker.
			await().atMost(BOUND).until(() -> committed(group).containsKey(partition));
			assertThat(committed(group).get(partition).offset()).isEqualTo(2);
		}
		finally {
			running.set(false);
			if (secondLoop != null) {
				secondLoop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			}
			second.close(Duration.ofSeconds(5));
			factory.destroy();
		}
	}

	@Test
	void whenAShareConsumerAcceptsRenewsAndReleasesThenOnlyTheReleasedRecordGoesToAnotherMember() throws Exception {
		String topic = createTopic("actions-share", 1);
		String group = TestBroker.uniqueTopic("actions-share-group");
		earliest(group);
		send(topic, 0, 3);
		List<ConsumerRecord<byte[], byte[]>> otherRecords = new CopyOnWriteArrayList<>();
		AtomicLong otherGotNanos = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		CompletableFuture<Void> otherLoop = null;
		ShareConsumer<byte[], byte[]> other = shareConsumer(group, "other");
		try (ShareConsumer<byte[], byte[]> holder = shareConsumer(group, "holder")) {
			holder.subscribe(List.of(topic));
			List<ConsumerRecord<byte[], byte[]>> acquired = new ArrayList<>();
			long end = System.nanoTime() + BOUND.toNanos();
			while (acquired.size() < 3) {
				assertThat(System.nanoTime() - end).as("the holder acquired 3 records").isNegative();
				holder.poll(Duration.ofMillis(100)).forEach(acquired::add);
			}
			assertThat(acquired).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L);
			// The other member only now: the holder acquired all three.
			other.subscribe(List.of(topic));
			otherLoop = CompletableFuture.runAsync(() -> {
				while (running.get()) {
					for (ConsumerRecord<byte[], byte[]> record : other.poll(Duration.ofMillis(100))) {
						otherRecords.add(record);
						otherGotNanos.set(System.nanoTime());
						other.acknowledge(record, AcknowledgeType.ACCEPT);
					}
				}
			});
			holder.acknowledge(acquired.get(0), AcknowledgeType.ACCEPT);
			holder.acknowledge(acquired.get(1), AcknowledgeType.RENEW);
			holder.acknowledge(acquired.get(2), AcknowledgeType.RELEASE);
			long releasedNanos = System.nanoTime();
			// As ShareRequestReader does: renewed on each poll that brings the record back, here
			// for two locks, then accepted.
			long heldSince = System.nanoTime();
			long holdNanos = TimeUnit.MILLISECONDS.toNanos(2L * LOCK_MILLIS);
			int renewals = 0;
			long heldMillis = -1;
			while (heldMillis < 0) {
				assertThat(System.nanoTime() - heldSince).as("the renewed record came back").isLessThan(BOUND.toNanos());
				for (ConsumerRecord<byte[], byte[]> record : holder.poll(Duration.ofMillis(LOCK_MILLIS / 4))) {
					assertThat(record.offset()).as("the accepted record never comes back").isNotZero();
					if (record.offset() == 2) {
						// The released record, acquired again by this consumer's own fetch: let it go.
						holder.acknowledge(record, AcknowledgeType.RELEASE);
					}
					else if (System.nanoTime() - heldSince < holdNanos) {
						holder.acknowledge(record, AcknowledgeType.RENEW);
						renewals++;
					}
					else {
						heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heldSince);
						holder.acknowledge(record, AcknowledgeType.ACCEPT);
					}
				}
			}
			holder.commitSync(BOUND);
			await().atMost(BOUND).until(() -> !otherRecords.isEmpty());
			// ShareRequestReader relies on it: a released record goes to another member (its 2nd
			// delivery), an accepted one never comes again, a renewed one stays held past its lock.
			assertThat(otherRecords).extracting(ConsumerRecord::offset).containsExactly(2L);
			// Its 2nd delivery, or a later one when a fetch of the holder acquired it again (and, not
			// returned, it went back at the end of that lock): seen both ways.
			assertThat(otherRecords.get(0).deliveryCount()).hasValueSatisfying(
					(count) -> assertThat(count).isGreaterThanOrEqualTo((short) 2));
			assertThat(renewals).isPositive();
			System.out.println("Share: held record 1 for " + heldMillis + " ms (lock " + LOCK_MILLIS + " ms) with "
					+ renewals + " renewal(s); the other member got the released one "
					+ TimeUnit.NANOSECONDS.toMillis(otherGotNanos.get() - releasedNanos) + " ms after its release, delivery "
					+ otherRecords.get(0).deliveryCount().orElse((short) 0));
			running.set(false);
			otherLoop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			assertThat(otherRecords).hasSize(1);
		}
		finally {
			running.set(false);
			if (otherLoop != null) {
				otherLoop.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			}
			other.close(Duration.ofSeconds(5));
		}
	}

	private static void commitInTransaction(KafkaTemplate<byte[], byte[]> template, String replies,
			TopicPartition partition, long offset, ConsumerGroupMetadata group) {
		// As PartitionTransactions does: the replies and the partition's offset in one transaction.
		template.executeInTransaction((operations) -> {
			operations.send(replies, new byte[0]);
			operations.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(offset)), group);
			return null;
		});
	}

	private static void loop(Consumer<byte[], byte[]> consumer, ConsumerMailbox mailbox, AtomicBoolean running,
			@Nullable List<ConsumerRecord<byte[], byte[]>> into) {
		while (running.get()) {
			mailbox.drain(consumer);
			for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
				if (into != null) {
					into.add(record);
				}
			}
			mailbox.drain(consumer);
		}
	}

	// Poll on this thread, drained before and after each poll as the engine does, until done.
	private static List<ConsumerRecord<byte[], byte[]>> pollUntil(Consumer<byte[], byte[]> consumer,
			ConsumerMailbox mailbox, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		long end = System.nanoTime() + BOUND.toNanos();
		while (!done.test(records)) {
			assertThat(System.nanoTime() - end).as("polled until done within %s", BOUND).isNegative();
			mailbox.drain(consumer);
			consumer.poll(Duration.ofMillis(50)).forEach(records::add);
			mailbox.drain(consumer);
		}
		return records;
	}

	private static long count(List<ConsumerRecord<byte[], byte[]>> records, TopicPartition partition) {
		return records.stream().filter((record) -> record.partition() == partition.partition()).count();
	}

	private static Map<String, Object> consumerConfig(String group) {
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		// The engine's defaults, but for a shorter heartbeat: members learn of a rebalance sooner.
		config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
		config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
		config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
		return config;
	}

	private static ShareConsumer<byte[], byte[]> shareConsumer(String group, String clientId) {
		Map<String, Object> base = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
		return new KafkaShareConsumer<>(ShareClientConfig.of(base, group, clientId, 10));
	}

	private static void earliest(String group) throws Exception {
		ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
		admin
			.incrementalAlterConfigs(Map.of(resource,
					List.of(new AlterConfigOp(new ConfigEntry(ShareGroupSetup.AUTO_OFFSET_RESET, "earliest"),
							AlterConfigOp.OpType.SET))))
			.all()
			.get(BOUND.toSeconds(), TimeUnit.SECONDS);
	}

	private static boolean stable(String group) {
		try {
			return admin.describeConsumerGroups(List.of(group))
				.describedGroups()
				.get(group)
				.get(BOUND.toSeconds(), TimeUnit.SECONDS)
				.groupState() == GroupState.STABLE;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not describe group " + group, ex);
		}
	}

	private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(BOUND.toSeconds(), TimeUnit.SECONDS);
		Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
		offsets.forEach((partition, offset) -> {
			if (offset != null) {
				present.put(partition, offset);
			}
		});
		return present;
	}

	private static String createTopic(String prefix, int partitions) {
		String name = TestBroker.uniqueTopic(prefix);
		broker.addTopics(new NewTopic(name, partitions, (short) 1));
		return name;
	}

	private static void send(String topic, int partition, int count) {
		KafkaTemplate<byte[], byte[]> template = TestBroker.rawTemplate(broker.getBrokersAsString());
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
