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
import dev.requestreply.wire.ErrorHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Hands outcomes to their listeners, on threads of its own (never a consumer's or the pending
 * reader's): a listener that throws is called again with backoff, at most {@link #MAX_ATTEMPTS}
 * times, then the failure is logged at ERROR and counted and the outcome ends all the same. An
 * outcome ends with its tombstone on the pending topic, acknowledged, and then its reply's offset
 * becomes committable.
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

	OutcomeDelivery(KafkaTemplate<byte[], byte[]> kafkaTemplate, String pendingTopic, int threads,
			DurableFigures figures) {
		this.figures = figures;
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
	 * @param listener the listener of its kind
	 * @param outcome the outcome of a delivery attempt
	 * @param ended run once the tombstone is written (not when this delivery is dropped at
	 * shutdown: the partition's next owner delivers it again)
	 */
	void deliver(String id, int partition, DurableListenerMethod listener, IntFunction<DurableOutcome<?>> outcome,
			Runnable ended) {
		try {
			this.executor.execute(() -> run(id, partition, listener, outcome, ended));
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
				try {
					Thread.sleep(FIRST_BACKOFF.toMillis() << (attempt - 1));
				}
				catch (InterruptedException interrupted) {
					// Shutting down: not ended, so its next owner delivers it again.
					Thread.currentThread().interrupt();
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

}
