package dev.requestreply.durable;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

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
 * times, then the failure is logged at ERROR and counted and the outcome ends all the same. Before
 * each call, a delivery marker (key {@code <id>:delivery}, value the attempt) is written to the
 * pending topic and acknowledged, so that an owner that delivers the outcome again after a crash or
 * a hand-over knows it repeats one: its attempts go on from there, and it is counted. An outcome
 * ends with its tombstones (the pending record's and the marker's) on the pending topic,
 * acknowledged, and then its reply's offset becomes committable. With transactions, each attempt
 * (after its marker) is one transaction instead ({@link OutcomeTransactions}), holding both
 * tombstones, and the outcome ends when one commits.
 */
final class OutcomeDelivery implements AutoCloseable {

	/**
	 * How many times a listener is called for one outcome when it throws.
	 */
	static final int MAX_ATTEMPTS = 3;

	static final String THREAD_PREFIX = "request-reply-durable-";

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

	private static final LogAccessor logger = new LogAccessor(OutcomeDelivery.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final String pendingTopic;

	private final ThreadPoolTaskExecutor executor;

	private final DurableFigures figures;

	private final @Nullable OutcomeTransactions transactions;

	private final ListenerObservations observations;

	OutcomeDelivery(KafkaTemplate<byte[], byte[]> kafkaTemplate, String pendingTopic, int threads,
			DurableFigures figures, @Nullable OutcomeTransactions transactions, ListenerObservations observations) {
		this.figures = figures;
		this.transactions = transactions;
		this.observations = observations;
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
	 * @param earlier the listener calls that began for it before (its delivery marker), 0 when none
	 * @param ledger the partition's ledger when the outcome was decided
	 * @param replyOffset the offset of the reply (or cancel marker) it ends, or -1
	 * @param listener the listener of its kind
	 * @param trace the trace context of the call that submitted it (empty when none)
	 * @param outcome the outcome of a delivery attempt
	 * @param ended run once the tombstone is written (not when this delivery is dropped at
	 * shutdown or its partition moved: the partition's next owner delivers it again)
	 */
	void deliver(String id, int partition, int earlier, PartitionLedger ledger, long replyOffset,
			DurableListenerMethod listener, Map<String, String> trace, IntFunction<DurableOutcome<?>> outcome,
			Runnable ended) {
		OutcomeTransactions transactional = this.transactions;
		try {
			this.executor.execute(() -> {
				if (transactional != null) {
					runInTransactions(transactional, new Ending(id, partition, earlier, ledger, replyOffset), listener,
							trace, outcome, ended);
				}
				else {
					run(id, partition, earlier, listener, trace, outcome, ended);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug(() -> "Outcome of durable request " + id + " not delivered: shutting down");
		}
	}

	private void run(String id, int partition, int earlier, DurableListenerMethod listener,
			Map<String, String> trace, IntFunction<DurableOutcome<?>> outcome, Runnable ended) {
		if (earlier > 0) {
			this.figures.redelivered();
		}
		DurableOutcome<?> current = outcome.apply(earlier + 1);
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			current = (attempt == 1) ? current : outcome.apply(earlier + attempt);
			DurableOutcome<?> called = current;
			try {
				mark(id, partition, earlier + attempt);
			}
			catch (InterruptedException ex) {
				// Shutting down: not ended, so its next owner delivers it again.
				Thread.currentThread().interrupt();
				return;
			}
			try {
				this.observations.invoke(listener, current, partition, trace);
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
			// The pending state's first: a crash between the two leaves a marker of no request.
			CompletableFuture<?> pendingEnd = send(partition, DurableIds.key(id), null);
			CompletableFuture<?> markerEnd = send(partition, DurableIds.deliveryKey(id), null);
			await(pendingEnd, () -> "Could not end the pending state of durable request " + id
					+ " after its outcome; a later owner of partition " + partition
					+ " may end it again (as TimedOut at its deadline)");
			await(markerEnd, () -> "Could not end the delivery marker of durable request " + id);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		ended.run();
	}

	private void runInTransactions(OutcomeTransactions transactional, Ending ending, DurableListenerMethod listener,
			Map<String, String> trace, IntFunction<DurableOutcome<?>> outcome, Runnable ended) {
		if (ending.earlier() > 0) {
			this.figures.redelivered();
		}
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			int deliveryAttempt = ending.earlier() + attempt;
			DurableOutcome<?> called = outcome.apply(deliveryAttempt);
			try {
				// Outside the transaction and acknowledged: a crash during the call still leaves it.
				mark(ending.id(), ending.partition(), deliveryAttempt);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			OutcomeTransactions.Attempt result = transactional.attempt(ending.id(), ending.partition(), ending.ledger(),
					ending.replyOffset(), () -> this.observations.invoke(listener, called, ending.partition(), trace));
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

	private void mark(String id, int partition, int attempt) throws InterruptedException {
		byte[] value = Integer.toString(attempt).getBytes(StandardCharsets.US_ASCII);
		await(send(partition, DurableIds.deliveryKey(id), value),
				() -> "Could not write the delivery marker of durable request " + id + " on partition " + partition
						+ "; should its outcome be delivered again, it would not be known as a repeat");
	}

	private CompletableFuture<?> send(int partition, byte[] key, byte @Nullable [] value) {
		return this.kafkaTemplate.send(this.pendingTopic, partition, key, value);
	}

	// Waits for the acknowledgement; a failure is logged.
	private static void await(CompletableFuture<?> write, Supplier<String> failure) throws InterruptedException {
		try {
			write.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn(ex, failure);
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
	 * @param earlier the listener calls that began for it before, 0 when none
	 * @param ledger the partition's ledger when the outcome was decided
	 * @param replyOffset the offset of the reply it ends, or -1
	 */
	private record Ending(String id, int partition, int earlier, PartitionLedger ledger, long replyOffset) {

	}

}
