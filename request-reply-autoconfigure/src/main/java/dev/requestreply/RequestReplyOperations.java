package dev.requestreply;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;

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
 * JSON.
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
	<T> T requestAndWait(String topic, Object payload, Class<T> replyType, Duration timeout);

}
