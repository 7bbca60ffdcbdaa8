package dev.requestreply.durable;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.responder.PartitionLedger;
import dev.requestreply.wire.HeaderNames;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.BatchAcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The listener of the durable reply topic's consumer: on its thread, it passes each reply to the
 * pending reader, keeps a {@link PartitionLedger} per partition (the responder's: only contiguous
 * finished offsets are committed, with the finished ones above them in the commit's metadata),
 * commits before each poll, and tells the pending reader which partitions it owns. With
 * transactions it commits nothing itself: each outcome's transaction commits its partition's
 * offset ({@link OutcomeTransactions}), with the group metadata this keeps as of the last poll.
 */
final class DurableReplyPump implements BatchAcknowledgingConsumerAwareMessageListener<byte[], byte[]>,
		BatchInterceptor<byte[], byte[]>, ConsumerAwareRebalanceListener, OutcomeTransactions.Owner {

	private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

	// The broker's default offset.metadata.max.bytes is 4096.
	private static final int MAX_METADATA_CHARS = 4000;

	private static final LogAccessor logger = new LogAccessor(DurableReplyPump.class);

	private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();

	// The consumer's thread only.
	private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();

	private final PendingOwner owner;

	// Per partition, the offset after the last reply received (or the committed one before any):
	// the pending reader fires a deadline only once it reaches the partition's end.
	private final Map<Integer, Long> readTo = new ConcurrentHashMap<>();

	private final List<WireFormat> formats;

	private final String topic;

	private final boolean transactional;

	private volatile @Nullable ConsumerGroupMetadata groupMetadata;

	/**
	 * @param owner the pending reader
	 * @param settings the durable settings
	 * @param transactional whether outcomes' transactions commit the offsets
	 */
	DurableReplyPump(PendingOwner owner, DurableSettings settings, boolean transactional) {
		this.owner = owner;
		this.topic = settings.replyTopic();
		this.transactional = transactional;
		Map<String, HeaderNames> headerNames = settings.headerNames();
		Map<String, WireFormat> byCorrelationHeader = new HashMap<>();
		byCorrelationHeader.put(HeaderNames.DEFAULT.correlationId(), WireFormat.standard());
		headerNames.values()
			.forEach((names) -> byCorrelationHeader.putIfAbsent(names.correlationId(), new WireFormat(names)));
		this.formats = List.copyOf(byCorrelationHeader.values());
	}

	@Override
	public void onMessage(List<ConsumerRecord<byte[], byte[]>> records, @Nullable Acknowledgment acknowledgment,
			@Nullable Consumer<?, ?> consumer) {
		for (ConsumerRecord<byte[], byte[]> record : records) {
			PartitionLedger ledger = this.ledgers.get(new TopicPartition(record.topic(), record.partition()));
			if (ledger == null) {
				continue;
			}
			if (ledger.receive(record.offset())) {
				String cancelled = DurableCancels.cancelledId(record.headers());
				this.owner.post(new OwnerEvent.Reply(record, ledger,
						(cancelled != null) ? cancelled : id(record.headers()), cancelled != null));
			}
			// After the reply is posted: a deadline never fires before a reply read ahead of it.
			this.readTo.put(record.partition(), record.offset() + 1);
		}
	}

	private @Nullable String id(Headers headers) {
		for (WireFormat format : this.formats) {
			String id = DurableIds.fromCorrelationId(format.correlationId(headers));
			if (id != null) {
				return id;
			}
		}
		return null;
	}

	@Override
	public ConsumerRecords<byte[], byte[]> intercept(ConsumerRecords<byte[], byte[]> records,
			Consumer<byte[], byte[]> consumer) {
		return records;
	}

	@Override
	public void setupThreadState(Consumer<?, ?> consumer) {
		// Before every poll, on the consumer's thread: every record before the position was posted.
		for (TopicPartition partition : this.ledgers.keySet()) {
			try {
				this.readTo.put(partition.partition(), consumer.position(partition, Duration.ZERO));
			}
			catch (RuntimeException ex) {
				// No position yet: known at a later poll.
			}
		}
		this.groupMetadata = consumer.groupMetadata();
		Map<TopicPartition, OffsetAndMetadata> due = due(this.ledgers.keySet());
		if (!due.isEmpty()) {
			consumer.commitAsync(due, (offsets, ex) -> {
				if (ex == null) {
					offsets.forEach((partition, offset) -> {
						if (this.ledgers.containsKey(partition)) {
							this.committed.put(partition, offset);
						}
					});
				}
				else {
					logger.debug(ex, () -> "Commit of " + offsets + " failed; it is tried again");
				}
			});
		}
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> offsets;
		try {
			offsets = consumer.committed(new HashSet<>(partitions), SYNC_TIMEOUT);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not read the committed offsets of " + partitions
					+ "; outcomes delivered before may be delivered again");
			offsets = Map.of();
		}
		Map<Integer, PartitionLedger> assigned = new HashMap<>();
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = offsets.get(partition);
			PartitionLedger ledger = new PartitionLedger(partition, offset, MAX_METADATA_CHARS);
			assigned.put(partition.partition(), ledger);
			this.ledgers.put(partition, ledger);
			if (offset != null) {
				this.committed.put(partition, offset);
			}
		}
		this.groupMetadata = consumer.groupMetadata();
		this.owner.post(new OwnerEvent.Assigned(assigned));
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> due = due(partitions);
		if (!due.isEmpty()) {
			try {
				consumer.commitSync(due, SYNC_TIMEOUT);
			}
			catch (RuntimeException ex) {
				logger.warn(ex, () -> "Could not commit " + due + " on revocation; outcomes delivered after the last "
						+ "commit may be delivered again by the partitions' new owners");
			}
		}
		forget(partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		forget(partitions);
	}

	private void forget(Collection<TopicPartition> partitions) {
		partitions.forEach((partition) -> {
			this.ledgers.remove(partition);
			this.committed.remove(partition);
			this.readTo.remove(partition.partition());
		});
		this.owner.post(new OwnerEvent.Revoked(partitions.stream().map(TopicPartition::partition).toList()));
	}

	/**
	 * Return the offset after the last reply received on a partition.
	 * @param partition the partition
	 * @return the offset, or -1 when the partition is not owned
	 */
	@Override
	public long readTo(int partition) {
		return this.readTo.getOrDefault(partition, -1L);
	}

	private Map<TopicPartition, OffsetAndMetadata> due(Collection<TopicPartition> partitions) {
		// With transactions, only outcomes' transactions commit.
		return this.transactional ? Map.of() : PartitionLedger.due(this.ledgers, partitions, this.committed);
	}

	@Override
	public @Nullable PartitionLedger ledger(int partition) {
		return this.ledgers.get(new TopicPartition(this.topic, partition));
	}

	@Override
	public @Nullable ConsumerGroupMetadata groupMetadata() {
		return this.groupMetadata;
	}

}
