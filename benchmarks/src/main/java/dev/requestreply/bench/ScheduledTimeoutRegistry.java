package dev.requestreply.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import dev.requestreply.CorrelationId;

import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The baseline: pending requests kept the way Spring Kafka's {@code ReplyingKafkaTemplate} keeps
 * them, a {@link ConcurrentHashMap} of futures plus one task per request on a
 * {@link ThreadPoolTaskScheduler} (one thread, as the template creates it) that fails the future
 * at its deadline.
 * <p>
 * Unlike {@code ReplyingKafkaTemplate} (which leaves the task queued until the timeout passes
 * even after the reply arrived), the task is cancelled on completion and removed from the queue
 * at once ({@code removeOnCancelPolicy}): the kinder baseline, else a register-and-complete loop
 * fills the queue with tasks that wait for their whole timeout.
 */
public final class ScheduledTimeoutRegistry implements AutoCloseable {

	private final ConcurrentHashMap<CorrelationId, Pending<?>> futures = new ConcurrentHashMap<>();

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	public ScheduledTimeoutRegistry() {
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler.setThreadNamePrefix("baseline-timeouts-");
		this.scheduler.initialize();
	}

	public <T> Pending<T> register(String topic, Duration timeout) {
		Pending<T> request = new Pending<>(CorrelationId.random(), topic, System.nanoTime() + timeout.toNanos());
		this.futures.put(request.id, request);
		request.timeout = this.scheduler.schedule(() -> expire(request, timeout), Instant.now().plus(timeout));
		return request;
	}

	public Pending<?> take(CorrelationId id) {
		Pending<?> request = this.futures.remove(id);
		if (request != null) {
			ScheduledFuture<?> timeout = request.timeout;
			if (timeout != null) {
				timeout.cancel(false);
			}
		}
		return request;
	}

	private void expire(Pending<?> request, Duration timeout) {
		if (this.futures.remove(request.id, request)) {
			request.completeExceptionally(new KafkaReplyTimeoutException(
					"Reply timed out after " + timeout.toMillis() + " ms for request " + request.id));
		}
	}

	public int pendingCount() {
		return this.futures.size();
	}

	public void failAll() {
		for (CorrelationId id : this.futures.keySet()) {
			Pending<?> request = take(id);
			if (request != null) {
				request.completeExceptionally(new IllegalStateException("closed"));
			}
		}
	}

	@Override
	public void close() {
		failAll();
		this.scheduler.shutdown();
	}

	/**
	 * One pending request: its future, id and timer task.
	 * @param <T> the reply type
	 */
	public static final class Pending<T> extends CompletableFuture<T> {

		public final CorrelationId id;

		final String topic;

		public final long deadlineNanos;

		volatile ScheduledFuture<?> timeout;

		Pending(CorrelationId id, String topic, long deadlineNanos) {
			this.id = id;
			this.topic = topic;
			this.deadlineNanos = deadlineNanos;
		}

	}

}
