package dev.requestreply.wire;

import java.nio.charset.StandardCharsets;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorCodes;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The codec of the headers that make a reply an error reply ({@link RequestReplyHeaders#ERROR_TYPE},
 * {@link RequestReplyHeaders#ERROR_MESSAGE}, {@link RequestReplyHeaders#ERROR_CODE}): every error
 * header of every responder is written here and read here.
 *
 * @since 0.4.0
 */
public final class ErrorHeaders {

	private ErrorHeaders() {
	}

	/**
	 * Return the headers that make a reply an error reply, for responders that write the rest of
	 * the reply themselves (a {@code @KafkaListener} with {@code @SendTo}): type, message and the
	 * code of {@link ReplyErrorCodes#codeOf(Throwable)}, as a {@code @ReplyHandler}'s error reply.
	 * @param failure the failure the error reply carries
	 * @return new headers
	 */
	public static RecordHeaders errorHeaders(Throwable failure) {
		RecordHeaders headers = new RecordHeaders();
		addError(headers, failure, ReplyErrorCodes.codeOf(failure));
		return headers;
	}

	static void addError(Headers headers, Throwable failure, @Nullable String errorCode) {
		headers.add(RequestReplyHeaders.ERROR_TYPE, failure.getClass().getName().getBytes(StandardCharsets.UTF_8));
		if (errorCode != null) {
			headers.add(RequestReplyHeaders.ERROR_CODE, errorCode.getBytes(StandardCharsets.UTF_8));
		}
		String message = failure.getMessage();
		if (message != null) {
			headers.add(RequestReplyHeaders.ERROR_MESSAGE,
					WirePolicy.sentMessage(message).getBytes(StandardCharsets.UTF_8));
		}
	}

	/**
	 * Return the remote failure an error reply carries.
	 * @param topic the topic the request was sent to
	 * @param headers the reply's headers
	 * @return the failure, or {@code null} if the reply is no error reply
	 */
	public static @Nullable RemoteHandlerException remoteFailure(String topic, Headers headers) {
		String errorType = HeaderValues.text(headers, RequestReplyHeaders.ERROR_TYPE);
		if (errorType == null) {
			return null;
		}
		return new RemoteHandlerException(topic, errorType,
				HeaderValues.text(headers, RequestReplyHeaders.ERROR_MESSAGE), errorCode(headers));
	}

	/**
	 * Return the error code of an error reply.
	 * @param headers the reply's headers
	 * @return the code, or {@code null} when the reply names none, or one that is empty or longer
	 * than {@link WirePolicy#MAX_ERROR_CODE_LENGTH}
	 */
	public static @Nullable String errorCode(Headers headers) {
		byte[] value = HeaderValues.value(headers, RequestReplyHeaders.ERROR_CODE);
		if (value == null || value.length == 0 || value.length > WirePolicy.MAX_ERROR_CODE_LENGTH) {
			return null;
		}
		return new String(value, StandardCharsets.UTF_8);
	}

}
