package dev.requestreply.durable;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.requestreply.responder.PartitionLedger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaResourceHolder;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Exactly one committed outcome per durable request, when the application's producer factory is
 * transactional: each attempt at an outcome is one Kafka transaction that holds the listener's own
 * writes through the application's {@code KafkaTemplate} (the transaction is bound to the
 * application's producer factory while the listener runs), the tombstones of the request's pending
 * state and of its delivery marker, and the offset of its reply (or, for an outcome without one, the partition's current
 * offset), committed with the durable consumer group's metadata so that an owner that lost the
 * partition is fenced. The offsets of a partition are committed one transaction at a time, so
 * that the committed offset never goes back.
 */
final class OutcomeTransactions implements AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(OutcomeTransactions.class);

	private final ProducerFactory<?, ?> applicationFactory;

	private final DefaultKafkaProducerFactory<Object, Object> factory;

	private final String pendingTopic;

	private final String replyTopic;

	private volatile Owner owner = Owner.NONE;

	private final Map<Integer, Object> commitLocks = new ConcurrentHashMap<>();

	/**
	 * @param applicationFactory the application's transactional producer factory, which its
	 * {@code KafkaTemplate} sends through
	 * @param settings the durable settings
	 */
	OutcomeTransactions(ProducerFactory<?, ?> applicationFactory, DurableSettings settings) {
		String prefix = applicationFactory.getTransactionIdPrefix();
		Assert.state(applicationFactory.transactionCapable() && prefix != null,
				"The application's producer factory is not transactional");
		this.applicationFactory = applicationFactory;
		this.pendingTopic = settings.pendingTopic();
		this.replyTopic = settings.replyTopic();
		Map<String, Object> config = new HashMap<>(applicationFactory.getConfigurationProperties());
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		boolean configure = !(applicationFactory instanceof DefaultKafkaProducerFactory<?, ?> given)
				|| given.isConfigureSerializers();
		Supplier<? extends Serializer<?>> keys = applicationFactory.getKeySerializerSupplier();
		Supplier<? extends Serializer<?>> values = applicationFactory.getValueSerializerSupplier();
		this.factory = new DefaultKafkaProducerFactory<>(config,
				() -> new OutcomeSerializer((keys != null) ? keys.get() : null, configure),
				() -> new OutcomeSerializer((values != null) ? values.get() : null, configure));
		// A prefix of its own, so that its producers never fence the application's or the handlers'.
		this.factory.setTransactionIdPrefix(prefix + "request-reply-durable-");
	}

	/**
	 * Set what tells which durable partitions this instance owns now.
	 * @param owner the durable reply consumer
	 */
	void ownedBy(Owner owner) {
		this.owner = owner;
	}

	/**
	 * Try to end an outcome in one transaction.
	 * @param id the request's id
	 * @param partition its durable partition
	 * @param ledger the ledger of the partition when the outcome was decided
	 * @param replyOffset the offset of the reply (or cancel marker) the outcome ends, or -1
	 * @param listener the listener's call, or {@code null} to end the outcome without it
	 * @return how the attempt ended
	 */
	Attempt attempt(String id, int partition, PartitionLedger ledger, long replyOffset,
			@Nullable ListenerCall listener) {
		if (this.owner.ledger(partition) != ledger) {
			return Attempt.MOVED;
		}
		Producer<Object, Object> producer;
		try {
			producer = this.factory.createProducer();
		}
		catch (RuntimeException ex) {
			return new Attempt(Ending.FAILED, ex);
		}
		try {
			producer.beginTransaction();
			if (listener != null) {
				Throwable failed = call(producer, listener);
				if (failed != null) {
					abort(producer);
					return new Attempt(Ending.LISTENER_FAILED, failed);
				}
			}
			producer.send(new ProducerRecord<>(this.pendingTopic, partition,
					new OutcomeSerializer.Raw(DurableIds.key(id)), new OutcomeSerializer.Raw(null)));
			producer.send(new ProducerRecord<>(this.pendingTopic, partition,
					new OutcomeSerializer.Raw(DurableIds.deliveryKey(id)), new OutcomeSerializer.Raw(null)));
			commit(producer, partition, ledger, replyOffset);
			return Attempt.COMMITTED;
		}
		catch (RuntimeException ex) {
			abort(producer);
			if (this.owner.ledger(partition) != ledger) {
				return Attempt.MOVED;
			}
			return new Attempt(Ending.FAILED, ex);
		}
		finally {
			producer.close();
		}
	}

	private @Nullable Throwable call(Producer<Object, Object> producer, ListenerCall listener) {
		// The application's KafkaTemplate sends through the transaction's producer.
		KafkaResourceHolder<Object, Object> holder = new KafkaResourceHolder<>(producer, Duration.ofSeconds(5));
		TransactionSynchronizationManager.bindResource(this.applicationFactory, holder);
		try {
			listener.call();
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
		finally {
			TransactionSynchronizationManager.unbindResourceIfPossible(this.applicationFactory);
		}
	}

	// One commit at a time per partition: the offset committed never goes back.
	private void commit(Producer<Object, Object> producer, int partition, PartitionLedger ledger, long replyOffset) {
		synchronized (this.commitLocks.computeIfAbsent(partition, (number) -> new Object())) {
			if (replyOffset >= 0) {
				ledger.finish(replyOffset);
			}
			try {
				OffsetAndMetadata point = ledger.commitPoint();
				if (point == null) {
					// Nothing read on the partition yet: its position, so that the commit is fenced all
					// the same when the partition moved.
					long position = this.owner.readTo(partition);
					point = (position >= 0) ? new OffsetAndMetadata(position) : null;
				}
				ConsumerGroupMetadata group = this.owner.groupMetadata();
				if (point != null && group != null) {
					producer.sendOffsetsToTransaction(Map.of(new TopicPartition(this.replyTopic, partition), point),
							group);
				}
				if (this.owner.ledger(partition) != ledger) {
					throw new IllegalStateException("Durable partition " + partition + " was taken away");
				}
				producer.commitTransaction();
			}
			catch (RuntimeException ex) {
				if (replyOffset >= 0) {
					ledger.unfinish(replyOffset);
				}
				throw ex;
			}
		}
	}

	private static void abort(Producer<Object, Object> producer) {
		try {
			producer.abortTransaction();
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not abort the transaction of a durable outcome");
		}
	}

	@Override
	public void close() {
		this.factory.destroy();
	}

	/**
	 * A listener's call inside the transaction.
	 */
	@FunctionalInterface
	interface ListenerCall {

		void call() throws Throwable;

	}

	/**
	 * What tells which durable partitions this instance owns, from its durable reply consumer.
	 */
	interface Owner {

		Owner NONE = new Owner() {

			@Override
			public @Nullable PartitionLedger ledger(int partition) {
				return null;
			}

			@Override
			public @Nullable ConsumerGroupMetadata groupMetadata() {
				return null;
			}

			@Override
			public long readTo(int partition) {
				return -1;
			}

		};

		/**
		 * Return the ledger of an owned partition.
		 * @param partition the partition
		 * @return its ledger, or {@code null} when not owned
		 */
		@Nullable PartitionLedger ledger(int partition);

		/**
		 * Return the consumer's group metadata as of its last poll.
		 * @return the metadata, or {@code null} before the first
		 */
		@Nullable ConsumerGroupMetadata groupMetadata();

		/**
		 * Return the offset after the last reply read on a partition.
		 * @param partition the partition
		 * @return the offset, or -1 when not known
		 */
		long readTo(int partition);

	}

	enum Ending {

		/** Committed: the outcome ended. */
		COMMITTED,
		/** The listener threw; nothing was committed. */
		LISTENER_FAILED,
		/** The transaction failed; nothing was committed. */
		FAILED,
		/** The partition moved to another owner; its new owner ends the outcome. */
		MOVED

	}

	/**
	 * How an attempt ended.
	 *
	 * @param ending how
	 * @param failure the listener's or the transaction's failure, or {@code null}
	 */
	record Attempt(Ending ending, @Nullable Throwable failure) {

		static final Attempt COMMITTED = new Attempt(Ending.COMMITTED, null);

		static final Attempt MOVED = new Attempt(Ending.MOVED, null);

		Throwable cause() {
			Throwable cause = this.failure;
			return (cause != null) ? cause : new IllegalStateException("Outcome " + this.ending);
		}

	}

}
