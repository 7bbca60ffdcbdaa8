package dev.requestreply.interop;

import java.nio.charset.StandardCharsets;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.wire.RequestReplyHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RequestReplyListenerErrorHandler}: a {@code @KafkaListener}'s exception as an error
 * reply with the same headers, error code included, as a {@code @ReplyHandler}'s.
 */
class RequestReplyListenerErrorHandlerTests {

	private final RequestReplyListenerErrorHandler handler = new RequestReplyListenerErrorHandler();

	@Test
	void whenTheExceptionIsAnnotatedThenTheErrorReplyCarriesItsCode() {
		Message<?> reply = reply(new OutOfStock("no 'ACME' left"));
		assertThat(header(reply, RequestReplyHeaders.ERROR_CODE)).isEqualTo(ReplyErrorCodes.FAILED_PRECONDITION);
		assertThat(header(reply, RequestReplyHeaders.ERROR_TYPE)).isEqualTo(OutOfStock.class.getName());
		assertThat(header(reply, RequestReplyHeaders.ERROR_MESSAGE)).isEqualTo("no 'ACME' left");
	}

	@Test
	void whenTheExceptionIsNotAnnotatedThenTheErrorReplyIsInternal() {
		Message<?> reply = reply(new IllegalStateException("broken"));
		assertThat(header(reply, RequestReplyHeaders.ERROR_CODE)).isEqualTo(ReplyErrorCodes.INTERNAL);
	}

	private Message<?> reply(RuntimeException failure) {
		Message<String> request = MessageBuilder.withPayload("ACME").build();
		return (Message<?>) this.handler.handleError(request,
				new ListenerExecutionFailedException("listener failed", failure));
	}

	private static String header(Message<?> message, String name) {
		return new String((byte[]) message.getHeaders().get(name), StandardCharsets.UTF_8);
	}

	@ReplyErrorCode(ReplyErrorCodes.FAILED_PRECONDITION)
	static class OutOfStock extends RuntimeException {

		OutOfStock(String message) {
			super(message);
		}

	}

}
