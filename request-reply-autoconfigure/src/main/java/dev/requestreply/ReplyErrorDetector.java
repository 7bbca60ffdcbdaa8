package dev.requestreply;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Tells an error reply by a convention of the responder's own (a header of its own, say) from a
 * reply with a value, for the {@link RequestReplyTemplate}: the counterpart of the reply error
 * checker of Spring Kafka's {@code ReplyingKafkaTemplate}. Error replies of a
 * {@code @ReplyHandler} (its {@code rr_error_type} header) need none: they fail the request
 * whether or not a detector is set.
 * <p>
 * Set it with {@code RequesterSettings.Builder#replyErrorDetector} (in a
 * {@link RequestReplyTemplateCustomizer}), or declare one bean of this type for the
 * auto-configured template. It is asked about each reply to a request of
 * {@link RequestReplyOperations#request(String, Object, Class) request(..)} and
 * {@link RequestReplyOperations#exchange(org.apache.kafka.clients.producer.ProducerRecord,
 * org.springframework.core.ParameterizedTypeReference, java.time.Duration) exchange(..)} that is no
 * {@code @ReplyHandler} error reply, on a completion thread, before the reply's value is
 * converted; the replies of streams and scatter-gathers are not asked about. A reply it returns
 * an exception for fails its request's future (counted as an error): with the exception itself
 * when it is a {@link RequestReplyException} (such as a {@link RemoteHandlerException}), else with
 * a {@link RemoteHandlerException} whose error type and message are the exception's class name and
 * message.
 *
 * @since 0.4.0
 */
@FunctionalInterface
public interface ReplyErrorDetector {

	/**
	 * Return the failure a reply signals, or {@code null} when it is a reply with a value. An
	 * exception thrown here fails the request as well.
	 * @param reply the reply: its headers, key, topic, partition, offset; its value is a
	 * read-only {@link java.nio.ByteBuffer} of the payload as sent
	 * @return the failure, or {@code null}
	 */
	@Nullable Exception detect(ConsumerRecord<?, ?> reply);

}
