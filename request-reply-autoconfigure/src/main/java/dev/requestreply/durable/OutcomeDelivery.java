package dev.requestreply.durable;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import dev.requestreply.DurableOutcome;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.convert.PayloadConversionException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.responder.PartitionLedger;
import dev.requestreply.wire.ErrorHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Hands outcomes to their listeners, on threads of its own (never a consumer's or the pending
 * reader's): a listener that throws is called again with backoff, at most {@link #MAX_ATTEMPTS}
 * times, then the failure is logged at ERROR and counted and the outcome ends all the same. An
 * outcome ends with its tombstone on the pending topic, acknowledged, and then its reply's offset
 * becomes committable. With transactions, each attempt is one transaction instead
 * ({@link OutcomeTransactions}), and the outcome ends when one commits.
 */
final class OutcomeDelivery implements AutoCloseable {

	/**
	 * How many times a listener is called for one outcome when it throws.
	 */
	static final int MAX_ATTEMPTS = 3;

	static final String THREAD_PREFIX = "request-reply-durable-";

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

	private static final Duration TOMBSTONE_TIMEOUT = Duration.ofSeconds(10);

	private static final LogAccessor logger = new LogAccessor(OutcomeDelivery.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final String pendingTopic;

	private final ThreadPoolTaskExecutor executor;

	private final DurableFigures figures;

	private final @Nullable OutcomeTransactions transactions;

	OutcomeDelivery(KafkaTemplate<byte[], byte[]> kafkaTemplate, String pendingTopic, int threads,
			DurableFigures figures, @Nullable OutcomeTransactions transactions) {
		this.figures = figures;
		this.transactions = transactions;
		this.kafkaTemplate = kafkaTemplate;
		this.pendingTopic = pendingTopic;
		this.executor = new ThreadPoolTaskExecutorBuilder().corePoolSize(threads)
			.maxPoolSize(threads)
			.threadNamePrefix(THREAD_PREFIX)
			.build();
		this.executor.initialize();
	}

	/**
	 * Deliver an outcome, then end its pending state and run {@code ended}.
	 * @param id the request's id
	 * @param partition its durable partition
	 * @param ledger the partition's ledger when the outcome was decided
	 * @param replyOffset the offset of the reply (or cancel marker) it ends, or -1
	 * @param listener the listener of its kind
	 * @param outcome the outcome of a delivery attempt
	 * @param ended run once the tombstone is written (not when this delivery is dropped at
	 * shutdown or its partition moved: the partition's next owner delivers it again)
	 */
	void deliver(String id, int partition, PartitionLedger ledger, long replyOffset,
			DurableListenerMethod listener, IntFunction<DurableOutcome<?>> outcome, Runnable ended) {
		OutcomeTransactions transactional = this.transactions;
		try {
			this.executor.execute(() -> {
				if (transactional != null) {
					runInTransactions(transactional, new Ending(id, partition, ledger, replyOffset), listener, outcome,
							ended);
				}
				else {
					run(id, partition, listener, outcome, ended);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug(() -> "Outcome of durable request " + id + " not delivered: shutting down");
		}
	}

	private void run(String id, int partition, DurableListenerMethod listener, IntFunction<DurableOutcome<?>> outcome,
			Runnable ended) {
		DurableOutcome<?> current = outcome.apply(1);
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			current = (attempt == 1) ? current : outcome.apply(attempt);
			DurableOutcome<?> called = current;
			try {
				listener.invoke(current);
				break;
			}
			catch (Throwable ex) {
				if (attempt == MAX_ATTEMPTS) {
					this.figures.listenerFailed();
					logger.error(ex, () -> "@DurableReplyListener '" + listener.id() + "' failed " + MAX_ATTEMPTS
							+ " times on the outcome of durable request " + id + " (" + called.getClass().getSimpleName()
							+ "); the outcome ends without it");
					break;
				}
				if (!backOff(attempt)) {
					return;
				}
			}
		}
		this.figures.delivered(current);
		try {
			this.kafkaTemplate.send(this.pendingTopic, partition, DurableIds.key(id), null)
				.get(TOMBSTONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (Exception ex) {
			logger.warn(ex, () -> "Could not end the pending state of durable request " + id + " after its outcome; "
					+ "a later owner of partition " + partition + " may end it again (as TimedOut at its deadline)");
		}
		ended.run();
	}

	private void runInTransactions(OutcomeTransactions transactional, Ending ending, DurableListenerMethod listener,
			IntFunction<DurableOutcome<?>> outcome, Runnable ended) {
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			DurableOutcome<?> called = outcome.apply(attempt);
			OutcomeTransactions.Attempt result = transactional.attempt(ending.id(), ending.partition(), ending.ledger(),
					ending.replyOffset(), () -> listener.invoke(called));
			if (result.ending() == OutcomeTransactions.Ending.COMMITTED) {
				this.figures.delivered(called);
				ended.run();
				return;
			}
			if (result.ending() == OutcomeTransactions.Ending.MOVED) {
				moved(ending);
				return;
			}
			if (attempt == MAX_ATTEMPTS) {
				this.figures.listenerFailed();
				logger.error(result.cause(), () -> "@DurableReplyListener '" + listener.id() + "' failed "
						+ MAX_ATTEMPTS + " times on the outcome of durable request " + ending.id() + " ("
						+ called.getClass().getSimpleName() + ") or its transaction did; the outcome ends without it");
				endWithoutListener(transactional, ending, called, ended);
				return;
			}
			if (!backOff(attempt)) {
				return;
			}
		}
	}

	// After the last attempt: the outcome ends in a transaction of its own, without the listener.
	private void endWithoutListener(OutcomeTransactions transactional, Ending ending, DurableOutcome<?> outcome,
			Runnable ended) {
		OutcomeTransactions.Attempt result = transactional.attempt(ending.id(), ending.partition(), ending.ledger(),
				ending.replyOffset(), null);
		if (result.ending() == OutcomeTransactions.Ending.COMMITTED) {
			this.figures.delivered(outcome);
			ended.run();
		}
		else if (result.ending() == OutcomeTransactions.Ending.MOVED) {
			moved(ending);
		}
		else {
			logger.warn(result.cause(), () -> "Could not end the pending state of durable request " + ending.id()
					+ "; it stays pending until partition " + ending.partition() + " has a new owner, which ends it");
		}
	}

	private static void moved(Ending ending) {
		logger.info(() -> "Outcome of durable request " + ending.id() + " not committed: durable partition "
				+ ending.partition() + " moved to another owner, which delivers it");
	}

	// False when interrupted (shutting down: not ended, so the next owner delivers it again).
	private static boolean backOff(int attempt) {
		try {
			Thread.sleep(FIRST_BACKOFF.toMillis() << (attempt - 1));
			return true;
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static DurableOutcome<?> fromReply(String id, PendingState state, int attempt, ConsumerRecord<byte[], byte[]> reply,
			Type replyType, PayloadConverter converter) {
		RemoteHandlerException failure = ErrorHeaders.remoteFailure(state.topic(), reply.headers());
		if (failure != null) {
			return new DurableOutcome.Failed<>(id, state.kind(), state.context(), attempt, failure.getErrorCode(),
					failure.getErrorType(), failure.getRemoteMessage());
		}
		try {
			return new DurableOutcome.Replied<>(id, state.kind(), state.context(), attempt,
					converter.fromBytes(reply.value(), replyType));
		}
		catch (PayloadConversionException ex) {
			return new DurableOutcome.Failed<>(id, state.kind(), state.context(), attempt,
					ReplyErrorCodes.INVALID_ARGUMENT, ex.getClass().getName(), ex.getMessage());
		}
	}

	@Override
	public void close() {
		this.executor.shutdown();
	}

	/**
	 * An outcome to end in a transaction.
	 *
	 * @param id the request's id
	 * @param partition its durable partition
	 * @param ledger the partition's ledger when the outcome was decided
	 * @param replyOffset the offset of the reply it ends, or -1
	 */
	private record Ending(String id, int partition, PartitionLedger ledger, long replyOffset) {

	}

}
