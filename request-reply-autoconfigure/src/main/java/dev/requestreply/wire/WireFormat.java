package dev.requestreply.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The codec of the headers that address requests, replies and cancel records, for requesters and
 * responders alike, under the {@link HeaderNames} it was made with ({@link #standard()}: Spring
 * Kafka's). Error headers are {@link ErrorHeaders}' job; which headers only the library writes,
 * and how long values may be, {@link WirePolicy}'s.
 * <p>
 * Readers of untrusted input (a responder reading requests) throw {@link WireFormatException}
 * naming the header; readers of replies return {@code null} for a missing or malformed value, so
 * that the caller counts the reply and moves on.
 *
 * @since 0.2.0
 */
public final class WireFormat {

	private static final WireFormat STANDARD = new WireFormat(HeaderNames.DEFAULT);

	private final HeaderNames names;

	private final String[] requestNames;

	// The reply topic the last request read named: the requests of a requester all name the same,
	// so its name is made once, not once per request. Read and replaced without a lock by any
	// thread (the record's final fields make what a thread sees whole).
	private ReplyTopicName lastReplyTopic = new ReplyTopicName(new byte[0], "");

	/**
	 * Create a codec reading and writing the given names.
	 * @param names the names of the addressing headers
	 */
	public WireFormat(HeaderNames names) {
		this.names = names;
		this.requestNames = new String[] { names.correlationId(), names.replyTopic(), RequestReplyHeaders.DEADLINE,
				RequestReplyHeaders.INSTANCE, RequestReplyHeaders.STREAM };
	}

	/**
	 * Return the codec of Spring Kafka's header names ({@link HeaderNames#DEFAULT}).
	 * @return the shared codec
	 */
	public static WireFormat standard() {
		return STANDARD;
	}

	/**
	 * Return the names this codec reads and writes.
	 * @return the names
	 */
	public HeaderNames names() {
		return this.names;
	}

	// Requests

	/**
	 * Return the headers of a request: the caller's own, less any request-reply header among
	 * them (but a reply partition header of the caller's own stays unless the request names
	 * one), then the request-reply headers.
	 * @param callerHeaders headers the caller set on its record
	 * @param request the request-reply headers to add
	 * @return new headers
	 */
	public RecordHeaders requestHeaders(Headers callerHeaders, RequestHeaders request) {
		Header[] callers = callerHeaders.toArray();
		RecordHeaders headers = new RecordHeaders(callers);
		// Most callers set none: nothing to take out then (each removal walks the headers).
		if (callers.length > 0) {
			for (String name : this.requestNames) {
				headers.remove(name);
			}
		}
		headers.add(this.names.correlationId(), request.correlationId());
		headers.add(this.names.replyTopic(), request.replyTopic().getBytes(StandardCharsets.UTF_8));
		if (request.replyPartition() != null) {
			if (callers.length > 0) {
				headers.remove(this.names.replyPartition());
			}
			headers.add(this.names.replyPartition(), HeaderValues.partition(request.replyPartition()));
		}
		if (request.deadlineMillis() != RequestHeaders.NO_DEADLINE) {
			headers.add(RequestReplyHeaders.DEADLINE, HeaderValues.ascii(request.deadlineMillis()));
		}
		if (request.instance() != null) {
			headers.add(RequestReplyHeaders.INSTANCE, request.instance());
		}
		if (request.stream()) {
			headers.add(RequestReplyHeaders.STREAM, HeaderValues.FLAG);
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
	public RequestHeaders readRequest(Headers headers, int maxCorrelationIdBytes) {
		return readRequest(headers, maxCorrelationIdBytes, null);
	}

	/**
	 * Read the request-reply headers of a request, as a responder whose replies may go to one
	 * topic only does: the reply topic and reply partition headers are not read, the request
	 * needs none.
	 * @param headers the request's headers
	 * @param maxCorrelationIdBytes the longest correlation id accepted
	 * @param fixedReplyTopic the topic every reply goes to, or {@code null} to read it from the
	 * request
	 * @return the request-reply headers
	 * @throws UnaddressableRequestException if no reply can be addressed
	 * @throws MalformedHeaderException if the reply can be addressed but another header is
	 * malformed
	 * @since 0.4.0
	 */
	public RequestHeaders readRequest(Headers headers, int maxCorrelationIdBytes, @Nullable String fixedReplyTopic) {
		String replyTopic = (fixedReplyTopic != null) ? fixedReplyTopic
				: replyTopicName(HeaderValues.value(headers, this.names.replyTopic()));
		if (replyTopic == null || replyTopic.isEmpty()) {
			throw new UnaddressableRequestException("no " + this.names.replyTopic() + " header");
		}
		byte[] correlationId = HeaderValues.value(headers, this.names.correlationId());
		if (correlationId == null || correlationId.length == 0) {
			throw new UnaddressableRequestException("no " + this.names.correlationId() + " header");
		}
		if (correlationId.length > maxCorrelationIdBytes) {
			throw new UnaddressableRequestException(
					this.names.correlationId() + " longer than " + maxCorrelationIdBytes + " bytes");
		}
		RequestHeaders address = new RequestHeaders(correlationId, replyTopic, null, RequestHeaders.NO_DEADLINE,
				HeaderValues.value(headers, RequestReplyHeaders.INSTANCE),
				headers.lastHeader(RequestReplyHeaders.STREAM) != null);
		try {
			// A fixed reply topic is not the requester's: the partition it names means nothing there.
			return new RequestHeaders(correlationId, address.replyTopic(), (fixedReplyTopic != null) ? null
					: HeaderValues.partition(headers.lastHeader(this.names.replyPartition()), this.names.replyPartition()),
					deadline(headers.lastHeader(RequestReplyHeaders.DEADLINE)), address.instance(), address.stream());
		}
		catch (WireFormatException ex) {
			throw new MalformedHeaderException(ex.getMessage(), address);
		}
	}

	private @Nullable String replyTopicName(byte @Nullable [] value) {
		if (value == null) {
			return null;
		}
		ReplyTopicName last = this.lastReplyTopic;
		if (Arrays.equals(last.bytes(), value)) {
			return last.name();
		}
		String name = new String(value, StandardCharsets.UTF_8);
		// A copy: the record's array is the application's to change.
		this.lastReplyTopic = new ReplyTopicName(value.clone(), name);
		return name;
	}

	private static long deadline(@Nullable Header header) {
		if (header == null) {
			return RequestHeaders.NO_DEADLINE;
		}
		byte[] value = header.value();
		long deadline = (value != null) ? HeaderValues.parseDigits(value) : -1;
		if (deadline < 0) {
			String text = (value != null) ? new String(value, StandardCharsets.US_ASCII) : "";
			throw new WireFormatException("Header " + RequestReplyHeaders.DEADLINE
					+ " must be epoch milliseconds in ASCII digits: '" + HeaderValues.abbreviate(text) + "'");
		}
		return deadline;
	}

	private record ReplyTopicName(byte[] bytes, String name) {

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
	public RecordHeaders replyHeaders(RequestHeaders request, byte @Nullable [] responder,
			@Nullable Throwable failure, @Nullable Long sequence, @Nullable Long end) {
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
	public RecordHeaders replyHeaders(RequestHeaders request, byte @Nullable [] responder,
			@Nullable Throwable failure, @Nullable String errorCode, @Nullable Long sequence, @Nullable Long end) {
		RecordHeaders headers = new RecordHeaders();
		if (sequence != null) {
			headers.add(RequestReplyHeaders.SEQUENCE, HeaderValues.ascii(sequence));
		}
		if (end != null) {
			headers.add(RequestReplyHeaders.END, HeaderValues.ascii(end));
		}
		headers.add(this.names.correlationId(), request.correlationId());
		if (request.instance() != null) {
			headers.add(RequestReplyHeaders.INSTANCE, request.instance());
		}
		if (responder != null) {
			headers.add(RequestReplyHeaders.RESPONDER, responder);
		}
		if (failure != null) {
			ErrorHeaders.addError(headers, failure, errorCode);
		}
		return headers;
	}

	/**
	 * Add headers a handler set for its reply, less any header of the wire format: those
	 * {@link WirePolicy#isReserved(String) reserved} and the addressing headers under this
	 * codec's names (the library writes them once).
	 * @param reply the reply's headers
	 * @param extra the headers to add
	 * @since 0.4.0
	 */
	public void addReplyHeaders(Headers reply, Headers extra) {
		for (Header header : extra) {
			if (!WirePolicy.isReserved(header.key()) && !this.names.names(header.key())) {
				reply.add(header);
			}
		}
	}

	/**
	 * Return the correlation id of a reply, as sent.
	 * @param headers the reply's headers
	 * @return the bytes, or {@code null} without a correlation id
	 */
	public byte @Nullable [] correlationId(Headers headers) {
		return HeaderValues.value(headers, this.names.correlationId());
	}

	/**
	 * Return the position of a stream element.
	 * @param headers the reply's headers
	 * @return the position, or {@code null} when missing or malformed
	 */
	public @Nullable Long sequence(Headers headers) {
		return HeaderValues.number(headers, RequestReplyHeaders.SEQUENCE);
	}

	/**
	 * Return the number of elements sent before a stream's end marker.
	 * @param headers the reply's headers
	 * @return the count, or {@code null} when the reply is no end marker (or the header is
	 * malformed)
	 */
	public @Nullable Long end(Headers headers) {
		return HeaderValues.number(headers, RequestReplyHeaders.END);
	}

	/**
	 * Return the responder a reply names.
	 * @param headers the reply's headers
	 * @return the responder, or {@code null} without one
	 */
	public @Nullable String responder(Headers headers) {
		return HeaderValues.text(headers, RequestReplyHeaders.RESPONDER);
	}

	// Cancellation

	/**
	 * Return the headers of a cancel record: the correlation id of the request given up and
	 * {@link RequestReplyHeaders#CANCEL}. No reply topic, so no responder takes it for a request.
	 * @param correlationId the correlation id of the request
	 * @return new headers
	 */
	public RecordHeaders cancelHeaders(byte[] correlationId) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(this.names.correlationId(), correlationId);
		headers.add(RequestReplyHeaders.CANCEL, HeaderValues.FLAG);
		return headers;
	}

	/**
	 * Return the correlation id a cancel record names.
	 * @param headers the record's headers
	 * @return the correlation id of the request given up, or {@code null} if the record is no
	 * cancel record (or names no correlation id)
	 */
	public byte @Nullable [] cancelledRequest(Headers headers) {
		if (headers.lastHeader(RequestReplyHeaders.CANCEL) == null) {
			return null;
		}
		byte[] correlationId = HeaderValues.value(headers, this.names.correlationId());
		return (correlationId != null && correlationId.length > 0) ? correlationId : null;
	}

}
