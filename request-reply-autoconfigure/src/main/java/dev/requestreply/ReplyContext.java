package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The call a {@link ReplyHandler @ReplyHandler} method is handling: the request's deadline and
 * record metadata, whether the requester gave up, and the headers of the reply. A handler method
 * receives it by declaring a parameter of this type (in any position).
 * <p>
 * While the method runs on its handler thread, the context is also the <em>current</em> one
 * ({@link #current()}): a request sent through {@code RequestReplyTemplate} from there inherits its
 * deadline (its timeout is cut to the time left, and its {@code rr_deadline} is never later). To
 * carry the context to another thread, wrap the task with {@link #wrap(Runnable)} or
 * {@link #wrap(Callable)}.
 *
 * @since 0.2.0
 */
public interface ReplyContext {

	/**
	 * Return the correlation id of the request, as sent.
	 * @return the correlation id bytes
	 */
	byte[] correlationId();

	/**
	 * Return the request's deadline: after it nobody waits for the reply.
	 * @return the deadline, or empty if the request named none
	 */
	Optional<Instant> deadline();

	/**
	 * Return the time left until the deadline.
	 * @return the time left (negative once passed), or empty without a deadline
	 */
	default Optional<Duration> timeLeft() {
		return deadline().map((deadline) -> Duration.between(Instant.now(), deadline));
	}

	/**
	 * Return whether the requester gave up on the request (its future was cancelled or timed
	 * out), or the request ended otherwise (its deadline, the handler's max handling time,
	 * shutdown): the reply is of no use to anyone, so the handler may stop. True before the
	 * handler's thread is interrupted for that end.
	 * @return whether the request was cancelled
	 */
	boolean isCancelled();

	/**
	 * Register an action run once the request is cancelled (see {@link #isCancelled()}), on a
	 * handler thread, before the handler's thread is interrupted; at once, on the calling thread,
	 * if it already was. Actions must be quick and not block: the interrupt waits for them.
	 * @param action the action
	 */
	void onCancel(Runnable action);

	/**
	 * Return the topic the request was read from.
	 * @return the topic
	 */
	String topic();

	/**
	 * Return the partition the request was read from.
	 * @return the partition
	 */
	int partition();

	/**
	 * Return the offset of the request.
	 * @return the offset
	 */
	long offset();

	/**
	 * Return the request's key, as sent.
	 * @return the key bytes, or {@code null} for a request sent without a key
	 */
	byte @Nullable [] key();

	/**
	 * Return the request's headers, all of them (read-only).
	 * @return the headers
	 */
	Headers headers();

	/**
	 * Return one request header as UTF-8 text.
	 * @param name the header name
	 * @return the last header of that name, or empty
	 */
	default Optional<String> header(String name) {
		org.apache.kafka.common.header.Header header = headers().lastHeader(name);
		return (header != null && header.value() != null)
				? Optional.of(new String(header.value(), StandardCharsets.UTF_8)) : Optional.empty();
	}

	/**
	 * Add a header to the reply (and to every reply of a stream sent after). Names starting with
	 * {@code kafka_} or {@code rr_} belong to the wire format and are not sent.
	 * @param name the header name
	 * @param value the header value
	 */
	void addReplyHeader(String name, byte[] value);

	/**
	 * Add a UTF-8 header to the reply.
	 * @param name the header name
	 * @param value the header value
	 */
	default void addReplyHeader(String name, String value) {
		Assert.notNull(value, "'value' must not be null");
		addReplyHeader(name, value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Return the context of the request handled on this thread.
	 * @return the current context, or empty outside a handler (and outside a wrapped task)
	 */
	static Optional<ReplyContext> current() {
		return Optional.ofNullable(CurrentReplyContext.get());
	}

	/**
	 * Return a task that runs the given one with the current context (taken now) as the current
	 * context of the thread that runs it, so that requests it sends inherit the deadline.
	 * @param task the task
	 * @return the wrapped task, or the task itself outside a handler
	 */
	static Runnable wrap(Runnable task) {
		Assert.notNull(task, "'task' must not be null");
		ReplyContext context = CurrentReplyContext.get();
		if (context == null) {
			return task;
		}
		return () -> CurrentReplyContext.runWith(context, () -> {
			task.run();
			return null;
		});
	}

	/**
	 * Return a task that calls the given one with the current context (taken now) as the current
	 * context of the thread that calls it.
	 * @param <V> the result type
	 * @param task the task
	 * @return the wrapped task, or the task itself outside a handler
	 */
	static <V> Callable<V> wrap(Callable<V> task) {
		Assert.notNull(task, "'task' must not be null");
		ReplyContext context = CurrentReplyContext.get();
		if (context == null) {
			return task;
		}
		return () -> CurrentReplyContext.callWith(context, task);
	}

}
