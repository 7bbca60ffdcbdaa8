package dev.requestreply;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Request-reply operations over Kafka: send a request and get a future of its typed reply.
 * <p>
 * Every returned future ends: with the reply converted to the requested type, or exceptionally
 * with a {@link RequestReplyException} as its direct cause: {@link RequestTimeoutException} when no
 * reply came in time, {@link RemoteHandlerException} when the handler failed, and a plain
 * {@link RequestReplyException} for any other failure (send failure, too many pending requests,
 * conversion, shutdown). Cancelling a returned future forgets the request.
 * <p>
 * Payload conversion: {@code String} is UTF-8, {@code byte[]} passes as is, every other type is
 * JSON; generic reply types are named with a {@link ParameterizedTypeReference}.
 * <p>
 * A request sent on a thread handling a request for a {@link ReplyHandler @ReplyHandler} (or on
 * one given its {@link ReplyContext}) inherits its deadline: its timeout is cut to the time left.
 * A timeout of zero or less given to {@code request} or {@code exchange} behaves as Spring Kafka's
 * {@code ReplyingKafkaTemplate}: the request is sent, and its future fails with a
 * {@link RequestTimeoutException} at once (a {@code @ReplyHandler} does not start on it, its
 * deadline having passed); streams and scatter-gathers need a positive timeout.
 * <p>
 * Which thread runs what: a returned future completes (by its reply, an error reply, its timeout,
 * a send failure, a cancellation by id, or shutdown) on one of the library's completion threads,
 * named {@code request-reply-completion-*}: virtual threads when
 * {@code spring.threads.virtual.enabled} is set on Java 21 or later, else a small pool of platform
 * threads. Callbacks chained without an executor ({@code thenApply}, {@code whenComplete},
 * {@code exceptionally} ...) run there, never on a Kafka consumer thread or the timer, and so
 * do the policy of a scatter-gather and the {@code onNext}, {@code onError} and
 * {@code onComplete} calls of a stream's subscriber (one at a time, in order; also on the
 * subscriber's own thread while it calls {@code request}). A callback that blocks holds one
 * completion thread and delays no other request; a pool whose threads are all blocked grows. Use
 * the {@code *Async} variants with an executor of your own for long blocking work all the same.
 * Three exceptions run on the caller's thread: a callback chained on a future that is already
 * complete, a future cancelled with {@code cancel} (completed by the cancelling thread), and a
 * request refused before it was sent (the future returned has already failed).
 * <p>
 * In Kotlin, the extensions {@code request<T>} and {@code requestOrNull<T>} (suspending until
 * the reply, of a reified type) and {@code requestFlow<T>} (a cold {@code Flow} of a stream's
 * replies) of package {@code dev.requestreply} call these methods; cancelling the calling
 * coroutine cancels the request, and their failures, of the same types, carry the caller's frames.
 *
 * @since 0.1.0
 */
public interface RequestReplyOperations {

	/**
	 * Send a request and return a future of its reply, with the default timeout.
	 * @param <T> the reply type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply to
	 * @return a future of the reply
	 */
	<T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType);

	/**
	 * Send a request and return a future of its reply.
	 * @param <T> the reply type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply to
	 * @param timeout how long to wait for the reply
	 * @return a future of the reply
	 */
	<T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout);

	/**
	 * Send a request and return a future of its reply of a generic type (such as
	 * {@code List<Quote>}), with the default timeout.
	 * <pre class="code">
	 * CompletableFuture&lt;List&lt;Quote&gt;&gt; quotes = template.request("quotes", "ACME",
	 *         new ParameterizedTypeReference&lt;List&lt;Quote&gt;&gt;() { });
	 * </pre>
	 * @param <T> the reply type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply to
	 * @return a future of the reply
	 * @since 0.2.0
	 */
	default <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType) {
		return request(topic, payload, rawClass(replyType));
	}

	/**
	 * Send a request and return a future of its reply of a generic type (such as
	 * {@code Map<String, Quote>}).
	 * @param <T> the reply type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply to
	 * @param timeout how long to wait for the reply
	 * @return a future of the reply
	 * @since 0.2.0
	 */
	default <T> CompletableFuture<T> request(String topic, Object payload, ParameterizedTypeReference<T> replyType,
			Duration timeout) {
		return request(topic, payload, rawClass(replyType), timeout);
	}

	/**
	 * Send a request and return a future of its reply with the reply record's headers, key and
	 * position.
	 * @param <T> the reply value type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply's value to
	 * @param timeout how long to wait for the reply
	 * @return a future of the reply and its metadata
	 * @since 0.2.0
	 */
	default <T> CompletableFuture<Reply<T>> exchange(String topic, Object payload, Class<T> replyType,
			Duration timeout) {
		return exchange(new ProducerRecord<>(topic, payload), ParameterizedTypeReference.forType(replyType), timeout);
	}

	/**
	 * Send a request given as a record and return a future of its reply with the reply record's
	 * headers, key and position.
	 * @param <T> the reply value type
	 * @param record the request
	 * @param replyType the type to convert the reply's value to
	 * @param timeout how long to wait for the reply
	 * @return a future of the reply and its metadata
	 * @since 0.2.0
	 */
	default <T> CompletableFuture<Reply<T>> exchange(ProducerRecord<?, ?> record,
			ParameterizedTypeReference<T> replyType, Duration timeout) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support exchange");
	}

	/**
	 * Send a request given as a record, so that its key, partition and headers are chosen by the
	 * caller, and return a future of its reply, with the default timeout. The record's key and
	 * value are converted like payloads; the request-reply headers are added to its own.
	 * @param <T> the reply type
	 * @param record the request
	 * @param replyType the type to convert the reply to
	 * @return a future of the reply
	 */
	<T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType);

	/**
	 * Send a request given as a record, so that its key, partition and headers are chosen by the
	 * caller, and return a future of its reply.
	 * @param <T> the reply type
	 * @param record the request
	 * @param replyType the type to convert the reply to
	 * @param timeout how long to wait for the reply
	 * @return a future of the reply
	 */
	<T> CompletableFuture<T> request(ProducerRecord<?, ?> record, Class<T> replyType, Duration timeout);

	/**
	 * Send a request and receive a stream of replies: the handler sends each element of what it
	 * returns ({@code Stream}, {@code Iterable}, array, {@code Flow.Publisher}) as a reply of its
	 * own, then an end marker. The request is sent at once; elements are buffered until the
	 * subscriber asks for them, and arrive in order, without duplicates. The publisher fails with
	 * {@link RequestTimeoutException} when no element comes within the idle timeout or the stream
	 * has not ended within the overall timeout, with {@link RemoteHandlerException} when the
	 * handler fails (after the elements sent before the failure). Cancelling the subscription
	 * forgets the request.
	 * @param <T> the element type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param elementType the type to convert each element to
	 * @param idleTimeout how long to wait for the first element, and between elements
	 * @param timeout how long the whole stream may take
	 * @return a single-subscriber publisher of the elements
	 */
	<T> Flow.Publisher<T> requestStream(String topic, Object payload, Class<T> elementType, Duration idleTimeout,
			Duration timeout);

	/**
	 * Send a request and receive a stream of replies of a generic element type; see
	 * {@link #requestStream(String, Object, Class, Duration, Duration)}.
	 * @param <T> the element type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param elementType the type to convert each element to
	 * @param idleTimeout how long to wait for the first element, and between elements
	 * @param timeout how long the whole stream may take
	 * @return a single-subscriber publisher of the elements
	 * @since 0.2.0
	 */
	default <T> Flow.Publisher<T> requestStream(String topic, Object payload, ParameterizedTypeReference<T> elementType,
			Duration idleTimeout, Duration timeout) {
		return requestStream(topic, payload, rawClass(elementType), idleTimeout, timeout);
	}

	/**
	 * Send one request to several responders (the topics given, each maybe read by several
	 * consumer groups) and gather their replies until the policy is satisfied or its timeout
	 * passes. The future completes normally in both cases, with the replies gathered so far
	 * (values and errors, each with its responder) and whether the timeout ended it; it fails
	 * when the request could not be sent, and with a {@link RequestTimeoutException} when the
	 * policy's {@link GatherPolicy#atTimeout() answer at the timeout} is no. Once it ends, a cancel record to each topic tells the
	 * responders still working to stop; replies arriving after the end count as late.
	 * @param <T> the reply type
	 * @param topics the topics to send the request to, with one correlation id
	 * @param payload the request payload
	 * @param replyType the type to convert each reply to
	 * @param policy when to stop gathering
	 * @return a future of the gathered replies
	 */
	<T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload, Class<T> replyType,
			GatherPolicy<T> policy);

	/**
	 * Send one request to several responders and gather their replies of a generic type; see
	 * {@link #scatterGather(Collection, Object, Class, GatherPolicy)}.
	 * @param <T> the reply type
	 * @param topics the topics to send the request to, with one correlation id
	 * @param payload the request payload
	 * @param replyType the type to convert each reply to
	 * @param policy when to stop gathering
	 * @return a future of the gathered replies
	 * @since 0.2.0
	 */
	default <T> CompletableFuture<GatherResult<T>> scatterGather(Collection<String> topics, Object payload,
			ParameterizedTypeReference<T> replyType, GatherPolicy<T> policy) {
		return scatterGather(topics, payload, rawClass(replyType), policy);
	}

	/**
	 * Send a request and wait for its reply, with the default timeout.
	 * @param <T> the reply type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply to
	 * @return the reply
	 * @throws RequestReplyException (or a subclass) if the request failed; a
	 * {@link RequestReplyException} also when the waiting thread is interrupted
	 */
	<T> T requestAndWait(String topic, Object payload, Class<T> replyType);

	/**
	 * Send a request and wait for its reply.
	 * @param <T> the reply type
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply to
	 * @param timeout how long to wait for the reply
	 * @return the reply
	 * @throws RequestReplyException (or a subclass) if the request failed; a
	 * {@link RequestReplyException} also when the waiting thread is interrupted
	 */
	default <T> T requestAndWait(String topic, Object payload, Class<T> replyType, Duration timeout) {
		CompletableFuture<T> future = request(topic, payload, replyType, timeout);
		try {
			// Bounded: every request ends by its timeout at the latest.
			return future.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RequestReplyException failure) {
				throw failure;
			}
			throw new RequestReplyException("Request to topic '" + topic + "' failed", ex.getCause());
		}
		catch (CancellationException ex) {
			throw new RequestReplyException("Request to topic '" + topic + "' was cancelled", ex);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new RequestReplyException(
					"Interrupted while waiting for the reply to a request to topic '" + topic + "'", ex);
		}
	}

	/**
	 * Submit a durable request: its outcome (a reply, an error reply, its timeout or its
	 * cancellation) goes to the {@link DurableReplyListener @DurableReplyListener} method of the
	 * options' kind, on whichever instance of this application (the same
	 * {@code spring.application.name}) runs when it arrives, so that it outlives a restart, a crash
	 * or a deploy of the instance that asked. The request names the application's durable reply
	 * topic ({@code request-reply.durable.reply-topic}) as its reply topic; its pending state
	 * is written to the durable pending topic before the request is sent.
	 * <p>
	 * Outcomes are delivered at least once (see {@link DurableOutcome#deliveryAttempt()}). A
	 * request of a kind that no listener of this application takes is refused: its
	 * {@link DurableRequest#accepted() accepted} future fails.
	 * @param topic the topic to send the request to
	 * @param payload the request payload
	 * @param options the request's kind, timeout and context
	 * @return the request, with its id and the future of its acceptance
	 * @throws UnsupportedOperationException when this implementation has no durable requests
	 * @since 0.4.0
	 */
	default DurableRequest submit(String topic, Object payload, DurableOptions options) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support durable requests");
	}

	/**
	 * Cancel a durable request, from any instance of the application: when it was still pending,
	 * its outcome is {@link DurableOutcome.Cancelled Cancelled} and the handler handling it is told,
	 * as for a cancelled future ({@link ReplyContext#isCancelled()}). Blocks until the instance
	 * that reads the request's outcomes has decided, at most the default timeout.
	 * @param id the request's id, as returned by {@link DurableRequest#id()}
	 * @return {@code true} when the request was still pending and is now cancelled,
	 * {@code false} when it had already ended or is unknown
	 * @throws RequestReplyException when no instance decided within the default timeout
	 * @throws UnsupportedOperationException when this implementation has no durable requests
	 * @since 0.4.0
	 */
	default boolean cancelDurable(String id) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support durable requests");
	}

	@SuppressWarnings("unchecked")
	private <T> Class<T> rawClass(ParameterizedTypeReference<T> type) {
		if (type.getType() instanceof Class<?> plain) {
			return (Class<T>) plain;
		}
		throw new UnsupportedOperationException(
				getClass().getName() + " does not support generic types such as " + type.getType().getTypeName());
	}

}
