package dev.requestreply;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reading the request-reply headers of a reply.
 */
final class ReplyHeaders {

	private ReplyHeaders() {
	}

	/**
	 * Return the remote failure an error reply carries.
	 * @param topic the topic the request was sent to
	 * @param headers the reply's headers
	 * @return the failure, or {@code null} if the reply is no error reply
	 */
	static RemoteHandlerException remoteFailure(String topic, Headers headers) {
		Header errorType = headers.lastHeader(RequestReplyHeaders.ERROR_TYPE);
		if (errorType == null) {
			return null;
		}
		return new RemoteHandlerException(topic, text(errorType),
				text(headers.lastHeader(RequestReplyHeaders.ERROR_MESSAGE)));
	}

	/**
	 * Return the ASCII decimal number a header carries.
	 * @param header the header, may be {@code null}
	 * @return the number, or {@code null} without one
	 */
	static Long number(Header header) {
		if (header == null || header.value() == null) {
			return null;
		}
		try {
			return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Return the UTF-8 text a header carries.
	 * @param header the header, may be {@code null}
	 * @return the text, or {@code null} without one
	 */
	static String text(Header header) {
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
