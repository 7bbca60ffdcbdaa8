package dev.requestreply.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.requestreply.RemoteHandlerException;
import dev.requestreply.ReplyErrorCodes;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads every request-reply header, for requesters and responders alike: the one place
 * that knows the wire format (see {@link RequestReplyHeaders} for the names).
 * <p>
 * Readers of untrusted input (a responder reading requests) throw {@link WireFormatException}
 * naming the header; readers of replies return {@code null} for a missing or malformed value, so
 * that the caller counts the reply and moves on.
 *
 * @since 0.2.0
 */
public final class WireFormat {

	/**
	 * Longest error message sent on an error reply, in characters.
	 */
	public static final int MAX_ERROR_MESSAGE_LENGTH = 4096;

	/**
	 * Longest error code read from an error reply, in bytes.
	 */
	public static final int MAX_ERROR_CODE_LENGTH = 64;

	private static final byte[] FLAG = { '1' };

	// Long.MAX_VALUE has 19 digits.
	private static final int MAX_NUMBER_DIGITS = 19;

	private WireFormat() {
	}

	// Requests

	/**
	 * Return the headers of a request: the caller's own, less any request-reply header among
	 * them (but a {@code kafka_replyPartition} of the caller's own stays unless the request names
	 * one), then the request-reply headers.
	 * @param callerHeaders headers the caller set on its record
	 * @param request the request-reply headers to add
	 * @return new headers
	 */
	public static RecordHeaders requestHeaders(Headers callerHeaders, RequestHeaders request) {
		RecordHeaders headers = new RecordHeaders(callerHeaders.toArray());
		for (String name : new String[] { RequestReplyHeaders.CORRELATION_ID, RequestReplyHeaders.REPLY_TOPIC,
				RequestReplyHeaders.DEADLINE, RequestReplyHeaders.INSTANCE, RequestReplyHeaders.STREAM }) {
			headers.remove(name);
		}
		headers.add(RequestReplyHeaders.CORRELATION_ID, request.correlationId());
		headers.add(RequestReplyHeaders.REPLY_TOPIC, request.replyTopic().getBytes(StandardCharsets.UTF_8));
		if (request.replyPartition() != null) {
			headers.remove(RequestReplyHeaders.REPLY_PARTITION);
			headers.add(RequestReplyHeaders.REPLY_PARTITION, ByteBuffer.allocate(4).putInt(request.replyPartition()).array());
		}
		if (request.deadlineMillis() != RequestHeaders.NO_DEADLINE) {
			headers.add(RequestReplyHeaders.DEADLINE, ascii(request.deadlineMillis()));
		}
		if (request.instance() != null) {
			headers.add(RequestReplyHeaders.INSTANCE, request.instance());
		}
		if (request.stream()) {
			headers.add(RequestReplyHeaders.STREAM, FLAG);
		}
		return headers;
	}

	/**
	 * Read the request-reply headers of a request, as a responder does.
	 * @param headers the request's headers
	 * @param maxCorrelationIdBytes the longest correlation id accepted
	 * @return the request-reply headers
	 * @throws UnaddressableRequestException if no reply can be addressed: no reply topic, no
	 * correlation id, or one longer than allowed
	 * @throws MalformedHeaderException if the reply can be addressed but another header is
	 * malformed (its {@link MalformedHeaderException#getAddress() address} tells where the error
	 * reply goes)
	 */
	public static RequestHeaders readRequest(Headers headers, int maxCorrelationIdBytes) {
		byte[] replyTopic = value(headers, RequestReplyHeaders.REPLY_TOPIC);
		if (replyTopic == null || replyTopic.length == 0) {
			throw new UnaddressableRequestException("no " + RequestReplyHeaders.REPLY_TOPIC + " header");
		}
		byte[] correlationId = value(headers, RequestReplyHeaders.CORRELATION_ID);
		if (correlationId == null || correlationId.length == 0) {
			throw new UnaddressableRequestException("no " + RequestReplyHeaders.CORRELATION_ID + " header");
		}
		if (correlationId.length > maxCorrelationIdBytes) {
			throw new UnaddressableRequestException(
					RequestReplyHeaders.CORRELATION_ID + " longer than " + maxCorrelationIdBytes + " bytes");
		}
		RequestHeaders address = new RequestHeaders(correlationId, new String(replyTopic, StandardCharsets.UTF_8),
				null, RequestHeaders.NO_DEADLINE, value(headers, RequestReplyHeaders.INSTANCE),
				headers.lastHeader(RequestReplyHeaders.STREAM) != null);
		try {
			return new RequestHeaders(correlationId, address.replyTopic(),
					replyPartition(headers.lastHeader(RequestReplyHeaders.REPLY_PARTITION)),
					deadline(headers.lastHeader(RequestReplyHeaders.DEADLINE)), address.instance(), address.stream());
		}
		catch (WireFormatException ex) {
			throw new MalformedHeaderException(ex.getMessage(), address);
		}
	}

	private static @Nullable Integer replyPartition(Header header) {
		if (header == null) {
			return null;
		}
		byte[] value = header.value();
		if (value == null || value.length != 4) {
			throw new WireFormatException(
					"Header " + RequestReplyHeaders.REPLY_PARTITION + " must be a 4-byte big-endian int");
		}
		int partition = ByteBuffer.wrap(value).getInt();
		if (partition < 0) {
			throw new WireFormatException(
					"Header " + RequestReplyHeaders.REPLY_PARTITION + " must not be negative: " + partition);
		}
		return partition;
	}

	private static long deadline(Header header) {
		if (header == null) {
			return RequestHeaders.NO_DEADLINE;
		}
		String text = (header.value() != null) ? new String(header.value(), StandardCharsets.US_ASCII) : "";
		Long deadline = parseNumber(text);
		if (deadline == null) {
			throw new WireFormatException(
					"Header " + RequestReplyHeaders.DEADLINE + " must be epoch milliseconds in ASCII digits: '"
							+ abbreviate(text) + "'");
		}
		return deadline;
	}

	// Replies

	/**
	 * Return the headers of a reply from a responder, an error reply without error code.
	 * @param request the request-reply headers of the request answered
	 * @param responder the responder's name ({@link RequestReplyHeaders#RESPONDER})
	 * @param failure the failure an error reply carries, or {@code null} for a reply with a value
	 * @param sequence the position of a stream element, or {@code null}
	 * @param end the number of stream elements before an end marker, or {@code null}
	 * @return new headers
	 */
	public static RecordHeaders replyHeaders(RequestHeaders request, byte[] responder, Throwable failure, Long sequence,
			Long end) {
		return replyHeaders(request, responder, failure, null, sequence, end);
	}

	/**
	 * Return the headers of a reply from a responder.
	 * @param request the request-reply headers of the request answered
	 * @param responder the responder's name ({@link RequestReplyHeaders#RESPONDER})
	 * @param failure the failure an error reply carries, or {@code null} for a reply with a value
	 * @param errorCode the error code of an error reply ({@link RequestReplyHeaders#ERROR_CODE}),
	 * or {@code null}
	 * @param sequence the position of a stream element, or {@code null}
	 * @param end the number of stream elements before an end marker, or {@code null}
	 * @return new headers
	 */
	public static RecordHeaders replyHeaders(RequestHeaders request, byte[] responder, @Nullable Throwable failure,
			@Nullable String errorCode, @Nullable Long sequence, @Nullable Long end) {
		RecordHeaders headers = new RecordHeaders();
		if (sequence != null) {
			headers.add(RequestReplyHeaders.SEQUENCE, ascii(sequence));
		}
		if (end != null) {
			headers.add(RequestReplyHeaders.END, ascii(end));
		}
		headers.add(RequestReplyHeaders.CORRELATION_ID, request.correlationId());
		if (request.instance() != null) {
			headers.add(RequestReplyHeaders.INSTANCE, request.instance());
		}
		if (responder != null) {
			headers.add(RequestReplyHeaders.RESPONDER, responder);
		}
		if (failure != null) {
			addError(headers, failure, errorCode);
		}
		return headers;
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

	// Every error header of every responder is written here (type, message, and any added later).
	private static void addError(RecordHeaders headers, Throwable failure, @Nullable String errorCode) {
		headers.add(RequestReplyHeaders.ERROR_TYPE, failure.getClass().getName().getBytes(StandardCharsets.UTF_8));
		if (errorCode != null) {
			headers.add(RequestReplyHeaders.ERROR_CODE, errorCode.getBytes(StandardCharsets.UTF_8));
		}
		String message = failure.getMessage();
		if (message != null) {
			if (message.length() > MAX_ERROR_MESSAGE_LENGTH) {
				message = message.substring(0, MAX_ERROR_MESSAGE_LENGTH);
			}
			headers.add(RequestReplyHeaders.ERROR_MESSAGE, message.getBytes(StandardCharsets.UTF_8));
		}
	}

	/**
	 * Return the correlation id of a reply, as sent.
	 * @param headers the reply's headers
	 * @return the bytes, or {@code null} without a correlation id
	 */
	public static byte @Nullable [] correlationId(Headers headers) {
		return value(headers, RequestReplyHeaders.CORRELATION_ID);
	}

	/**
	 * Return the remote failure an error reply carries.
	 * @param topic the topic the request was sent to
	 * @param headers the reply's headers
	 * @return the failure, or {@code null} if the reply is no error reply
	 */
	public static @Nullable RemoteHandlerException remoteFailure(String topic, Headers headers) {
		String errorType = text(headers, RequestReplyHeaders.ERROR_TYPE);
		if (errorType == null) {
			return null;
		}
		return new RemoteHandlerException(topic, errorType, text(headers, RequestReplyHeaders.ERROR_MESSAGE),
				errorCode(headers));
	}

	/**
	 * Return the error code of an error reply.
	 * @param headers the reply's headers
	 * @return the code, or {@code null} when the reply names none, or one that is empty or longer
	 * than {@link #MAX_ERROR_CODE_LENGTH}
	 */
	public static @Nullable String errorCode(Headers headers) {
		byte[] value = value(headers, RequestReplyHeaders.ERROR_CODE);
		if (value == null || value.length == 0 || value.length > MAX_ERROR_CODE_LENGTH) {
			return null;
		}
		return new String(value, StandardCharsets.UTF_8);
	}

	/**
	 * Add headers a handler set for its reply, less any header of the wire format (those are
	 * the library's to write).
	 * @param reply the reply's headers
	 * @param extra the headers to add
	 */
	public static void addReplyHeaders(Headers reply, Headers extra) {
		for (Header header : extra) {
			if (!isReserved(header.key())) {
				reply.add(header);
			}
		}
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

	// Cancellation

	/**
	 * Return the headers of a cancel record: the correlation id of the request given up and
	 * {@link RequestReplyHeaders#CANCEL}. No reply topic, so no responder takes it for a request.
	 * @param correlationId the correlation id of the request
	 * @return new headers
	 */
	public static RecordHeaders cancelHeaders(byte[] correlationId) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, correlationId);
		headers.add(RequestReplyHeaders.CANCEL, FLAG);
		return headers;
	}

	/**
	 * Return the correlation id a cancel record names.
	 * @param headers the record's headers
	 * @return the correlation id of the request given up, or {@code null} if the record is no
	 * cancel record (or names no correlation id)
	 */
	public static byte @Nullable [] cancelledRequest(Headers headers) {
		if (headers.lastHeader(RequestReplyHeaders.CANCEL) == null) {
			return null;
		}
		byte[] correlationId = value(headers, RequestReplyHeaders.CORRELATION_ID);
		return (correlationId != null && correlationId.length > 0) ? correlationId : null;
	}

	/**
	 * Return the position of a stream element.
	 * @param headers the reply's headers
	 * @return the position, or {@code null} when missing or malformed
	 */
	public static @Nullable Long sequence(Headers headers) {
		return number(headers, RequestReplyHeaders.SEQUENCE);
	}

	/**
	 * Return the number of elements sent before a stream's end marker.
	 * @param headers the reply's headers
	 * @return the count, or {@code null} when the reply is no end marker (or the header is
	 * malformed)
	 */
	public static @Nullable Long end(Headers headers) {
		return number(headers, RequestReplyHeaders.END);
	}

	/**
	 * Return the responder a reply names.
	 * @param headers the reply's headers
	 * @return the responder, or {@code null} without one
	 */
	public static @Nullable String responder(Headers headers) {
		return text(headers, RequestReplyHeaders.RESPONDER);
	}

	// Values

	private static byte @Nullable [] value(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null) ? header.value() : null;
	}

	private static @Nullable String text(Headers headers, String name) {
		byte[] value = value(headers, name);
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

	private static @Nullable Long number(Headers headers, String name) {
		byte[] value = value(headers, name);
		return (value != null) ? parseNumber(new String(value, StandardCharsets.US_ASCII)) : null;
	}

	private static @Nullable Long parseNumber(String text) {
		if (text.isEmpty() || text.length() > MAX_NUMBER_DIGITS) {
			return null;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return null;
			}
		}
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			// 19 digits past Long.MAX_VALUE
			return null;
		}
	}

	private static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

	private static String abbreviate(String text) {
		return (text.length() > 32) ? text.substring(0, 32) + "..." : text;
	}

}
