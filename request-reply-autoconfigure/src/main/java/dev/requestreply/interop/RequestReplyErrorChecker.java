package dev.requestreply.interop;

import java.util.function.Function;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.wire.ErrorHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * A reply error checker for Spring Kafka's {@code ReplyingKafkaTemplate}: given to its
 * {@code setReplyErrorChecker(..)}, it fails the future of a request answered by a
 * {@code @ReplyHandler} that failed with a {@link RemoteHandlerException} carrying the remote
 * failure's class name and message, instead of completing it with the error reply's empty value.
 * <p>
 * An error reply does not say which topic the request went to, so the exception names the topic
 * the reply came back on.
 *
 * @since 0.2.0
 */
public class RequestReplyErrorChecker implements Function<ConsumerRecord<?, ?>, Exception> {

	/**
	 * Return the failure an error reply carries.
	 * @param reply a reply
	 * @return a {@link RemoteHandlerException}, or {@code null} if the reply is no error reply
	 */
	@Override
	public @Nullable Exception apply(ConsumerRecord<?, ?> reply) {
		return ErrorHeaders.remoteFailure("(reply on '" + reply.topic() + "')", reply.headers());
	}

}
