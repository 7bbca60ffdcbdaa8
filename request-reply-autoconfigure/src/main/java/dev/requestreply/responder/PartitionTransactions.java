package dev.requestreply.responder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The transactions of one partition, one after the other on a handler thread: each sends every
 * last reply of the partition that is ready and commits the partition's new offset (the lowest
 * unfinished one, counting those replies as finished) with the group's metadata, so that the
 * committed offset never goes back. A transaction that fails is tried again with a new producer,
 * {@value #ATTEMPTS} times in all while the partition is still owned. Once the partition moved (a
 * rebalance fences the commit), its requests stay unfinished here and are handled again by the
 * partition's next owner. After the last attempt, they end without a reply, as a reply that cannot
 * be sent does without transactions: the partition's next transaction commits past them, so that
 * they do not hold its offset back for as long as this consumer owns it.
 */
final class PartitionTransactions {

	static final int ATTEMPTS = 10;

	static final long MAX_BACKOFF_MILLIS = 2_000;

	private static final LogAccessor logger = new LogAccessor(PartitionTransactions.class);

	private final TopicPartition partition;

	private final KafkaTemplate<byte[], byte[]> template;

	private final Executor executor;

	// Guarded by itself.
	private final ArrayDeque<Pending> queue = new ArrayDeque<>();

	private final long maxBackoffMillis;

	// Guarded by queue.
	private boolean draining;

	PartitionTransactions(TopicPartition partition, KafkaTemplate<byte[], byte[]> template, Executor executor) {
		this(partition, template, executor, MAX_BACKOFF_MILLIS);
	}

	/**
	 * @param maxBackoffMillis the longest wait before a failed transaction is tried again
	 */
	PartitionTransactions(TopicPartition partition, KafkaTemplate<byte[], byte[]> template, Executor executor,
			long maxBackoffMillis) {
		this.partition = partition;
		this.template = template;
		this.executor = executor;
		this.maxBackoffMillis = maxBackoffMillis;
	}

	/**
	 * Commit a request's last reply in the partition's next transaction.
	 */
	void add(Pending pending) {
		synchronized (this.queue) {
			this.queue.add(pending);
			if (this.draining) {
				return;
			}
			this.draining = true;
		}
		this.executor.execute(this::drain);
	}

	private void drain() {
		while (true) {
			List<Pending> singles = new ArrayList<>();
			List<Pending> streams = new ArrayList<>();
			synchronized (this.queue) {
				if (this.queue.isEmpty()) {
					this.draining = false;
					return;
				}
				for (Pending pending : this.queue) {
					((pending.stream() != null) ? streams : singles).add(pending);
				}
				this.queue.clear();
			}
			streams.forEach(this::commitStream);
			if (!singles.isEmpty()) {
				commitSingles(singles);
			}
		}
	}

	private void commitSingles(List<Pending> batch) {
		List<Pending> owned = batch;
		for (int attempt = 1;; attempt++) {
			owned = owned(owned);
			if (owned.isEmpty()) {
				return;
			}
			List<Pending> replies = owned;
			// Known once the consumer polled, before any request was in hand.
			ConsumerGroupMetadata group = Objects.requireNonNull(replies.get(0).request().owner().groupMetadata());
			try {
				this.template.executeInTransaction((operations) -> {
					replies.forEach((pending) -> operations.send(pending.reply()));
					operations.sendOffsetsToTransaction(Map.of(this.partition, pointWith(replies)), group);
					return null;
				});
				replies.forEach((pending) -> pending.committed().complete(null));
				return;
			}
			catch (RuntimeException ex) {
				replies.forEach((pending) -> pending.request().ledger().unfinish(pending.request().record.offset()));
				if (attempt == ATTEMPTS) {
					giveUp(replies, ex, ATTEMPTS);
					return;
				}
				logger.debug(ex, () -> "Transaction of " + replies.size() + " reply(ies) on " + this.partition
						+ " failed; trying again");
				backOff(attempt, this.maxBackoffMillis);
			}
		}
	}

	private void commitStream(Pending pending) {
		// A stream's transaction has its own producer.
		Producer<byte[], byte[]> producer = Objects.requireNonNull(pending.stream());
		if (owned(List.of(pending)).isEmpty()) {
			abort(producer);
			return;
		}
		try {
			producer.send(pending.reply());
			producer.sendOffsetsToTransaction(Map.of(this.partition, pointWith(List.of(pending))),
					pending.request().owner().groupMetadata());
			producer.commitTransaction();
			producer.close();
			pending.committed().complete(null);
		}
		catch (RuntimeException ex) {
			pending.request().ledger().unfinish(pending.request().record.offset());
			abort(producer);
			// Its elements went with the transaction, which cannot be tried again.
			giveUp(List.of(pending), ex, 1);
		}
	}

	// The partition's offset with these requests counted as finished.
	private @Nullable OffsetAndMetadata pointWith(List<Pending> replies) {
		PartitionLedger ledger = replies.get(0).request().ledger();
		replies.forEach((pending) -> ledger.finish(pending.request().record.offset()));
		return ledger.commitPoint();
	}

	// The pending replies whose partition this consumer still owns; the others stay unfinished.
	private List<Pending> owned(List<Pending> pending) {
		List<Pending> owned = new ArrayList<>();
		List<Pending> moved = new ArrayList<>();
		for (Pending reply : pending) {
			InHandRequest request = reply.request();
			(request.owner().ledgers().get(this.partition) == request.ledger ? owned : moved).add(reply);
		}
		if (!moved.isEmpty()) {
			IllegalStateException ex = new IllegalStateException("Partition " + this.partition + " was taken away");
			logger.warn(ex, () -> "Could not commit the transaction of " + moved.size() + " reply(ies) on "
					+ this.partition + "; their requests are handled again by the partition's next owner");
			for (Pending reply : moved) {
				reply.request().keepUnfinished();
				reply.committed().completeExceptionally(ex);
			}
		}
		return owned;
	}

	// The partition is still owned: its requests end without a reply (each counted and logged as
	// a reply that could not be sent) and no longer hold its offset back.
	private void giveUp(List<Pending> replies, RuntimeException ex, int attempts) {
		logger.warn(ex, () -> "Could not commit the transaction of " + replies.size() + " reply(ies) on "
				+ this.partition + " after " + attempts + " attempt(s); their requests end without a reply, and the "
				+ "partition's next transaction commits past them");
		for (Pending pending : replies) {
			pending.committed().completeExceptionally(ex);
		}
	}

	private static void backOff(int attempt, long maxMillis) {
		try {
			Thread.sleep(Math.min(maxMillis, 50L << attempt));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Abort a producer's transaction, and close it (a failed producer is closed for good).
	 */
	static void abort(@Nullable Producer<byte[], byte[]> producer) {
		if (producer == null) {
			return;
		}
		try {
			producer.abortTransaction();
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not abort a reply transaction");
		}
		finally {
			producer.close();
		}
	}

	/**
	 * A request's last reply waiting for its transaction.
	 *
	 * @param request the request
	 * @param reply its last reply
	 * @param stream the producer whose open transaction holds its stream's elements, or
	 * {@code null}
	 * @param committed completed once committed, failed when it could not be
	 */
	record Pending(InHandRequest request, ProducerRecord<byte[], byte[]> reply,
			@Nullable Producer<byte[], byte[]> stream,
			CompletableFuture<Object> committed) {

	}

}
