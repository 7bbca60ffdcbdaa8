package dev.requestreply.wire;

import org.apache.kafka.common.header.Headers;

/**
 * The rules of the wire format apart from its codec: how long an error message or code may be,
 * and which headers only the library writes.
 *
 * @since 0.4.0
 */
public final class WirePolicy {

	/**
	 * Longest error message sent on an error reply, in characters.
	 */
	public static final int MAX_ERROR_MESSAGE_LENGTH = 4096;

	/**
	 * Longest error code read from an error reply, in bytes.
	 */
	public static final int MAX_ERROR_CODE_LENGTH = 64;

	private WirePolicy() {
	}

	/**
	 * Return whether a header name belongs to the wire format: Spring Kafka's {@code kafka_}
	 * headers and the request-reply {@code rr_} ones.
	 * @param name the header name
	 * @return whether only the library writes it
	 */
	public static boolean isReserved(String name) {
		return name.startsWith("kafka_") || name.startsWith("rr_");
	}

	/**
	 * Add headers a handler set for its reply, less any header of the wire format (those are
	 * the library's to write).
	 * @param reply the reply's headers
	 * @param extra the headers to add
	 */
	public static void addReplyHeaders(Headers reply, Headers extra) {
		WireFormat.standard().addReplyHeaders(reply, extra);
	}

	/**
	 * Return an error message as sent: cut to {@link #MAX_ERROR_MESSAGE_LENGTH}.
	 * @param message the failure's message
	 * @return the message to send
	 */
	static String sentMessage(String message) {
		return (message.length() > MAX_ERROR_MESSAGE_LENGTH) ? message.substring(0, MAX_ERROR_MESSAGE_LENGTH)
				: message;
	}

}
