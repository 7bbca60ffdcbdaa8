package dev.requestreply.interop;

import java.lang.reflect.InvocationTargetException;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.common.header.Header;

import org.springframework.kafka.listener.KafkaListenerErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * A {@link KafkaListenerErrorHandler} that turns the exception of a {@code @KafkaListener} with
 * {@code @SendTo} into a request-reply error reply: a record without a value, carrying the
 * exception's class name and message in the error headers, so that a {@code RequestReplyTemplate}
 * caller's future fails at once with a {@link RemoteHandlerException} instead of waiting for its
 * timeout. Name it on the listener: {@code @KafkaListener(errorHandler =
 * "requestReplyListenerErrorHandler")}.
 *
 * @since 0.2.0
 */
public class RequestReplyListenerErrorHandler implements KafkaListenerErrorHandler {

	@Override
	public Object handleError(Message<?> message, ListenerExecutionFailedException exception) {
		MessageBuilder<Object> reply = MessageBuilder.withPayload(KafkaNull.INSTANCE);
		for (Header header : ErrorHeaders.errorHeaders(cause(exception))) {
			reply.setHeader(header.key(), header.value());
		}
		// Echoed so that the requesting instance knows the reply as its own by a header.
		if (message.getHeaders().get(RequestReplyHeaders.INSTANCE) instanceof byte[] instance) {
			reply.setHeader(RequestReplyHeaders.INSTANCE, instance);
		}
		return reply.build();
	}

	private static Throwable cause(Throwable exception) {
		Throwable current = exception;
		while ((current instanceof ListenerExecutionFailedException || current instanceof InvocationTargetException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
