package dev.requestreply.wire;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * Names of the Kafka record headers that make up the request-reply wire format.
 *
 * @since 0.1.0
 */
public final class RequestReplyHeaders {

	/**
	 * Correlation id of a request, echoed unchanged on its reply (Spring Kafka's
	 * {@link KafkaHeaders#CORRELATION_ID}).
	 */
	public static final String CORRELATION_ID = KafkaHeaders.CORRELATION_ID;

	/**
	 * UTF-8 name of the topic the reply goes to ({@link KafkaHeaders#REPLY_TOPIC}).
	 */
	public static final String REPLY_TOPIC = KafkaHeaders.REPLY_TOPIC;

	/**
	 * Optional 4-byte big-endian partition the reply goes to ({@link KafkaHeaders#REPLY_PARTITION}).
	 */
	public static final String REPLY_PARTITION = KafkaHeaders.REPLY_PARTITION;

	/**
	 * Optional absolute deadline of a request, epoch milliseconds as ASCII decimal digits.
	 */
	public static final String DEADLINE = "rr_deadline";

	/**
	 * UTF-8 class name of the failure, on an error reply.
	 */
	public static final String ERROR_TYPE = "rr_error_type";

	/**
	 * UTF-8 message of the failure, on an error reply.
	 */
	public static final String ERROR_MESSAGE = "rr_error_message";

	/**
	 * UTF-8 error code of the failure, on an error reply: one of gRPC's canonical code names
	 * ({@code dev.requestreply.ReplyErrorCodes}).
	 * @since 0.2.0
	 */
	public static final String ERROR_CODE = "rr_error_code";

	/**
	 * On a cancel record: the requester no longer waits for the reply to the request with the
	 * record's correlation id (any value). A cancel record has no value and no
	 * {@code kafka_replyTopic}, so it is never taken for a request.
	 * @since 0.2.0
	 */
	public static final String CANCEL = "rr_cancel";

	/**
	 * UTF-8 id of the requesting application instance, set on requests by
	 * {@code RequestReplyTemplate} and echoed on replies by {@code @ReplyHandler} methods, so that an
	 * instance recognises replies meant for another instance without looking at their payload.
	 */
	public static final String INSTANCE = "rr_instance";

	/**
	 * On a request: the requester wants a stream of replies (any value). A handler then sends each
	 * element of what it returns (a {@code Stream}, {@code Iterable}, array or
	 * {@code Flow.Publisher}) as a reply of its own, followed by an end marker.
	 */
	public static final String STREAM = "rr_stream";

	/**
	 * On a stream element: its 0-based position in the stream, ASCII decimal digits.
	 */
	public static final String SEQUENCE = "rr_seq";

	/**
	 * On the end marker of a stream (a reply without value, or an error reply ending the stream):
	 * the number of elements sent before it, ASCII decimal digits.
	 */
	public static final String END = "rr_end";

	/**
	 * On a reply from a {@code @ReplyHandler}: UTF-8 name of the responder (its consumer group), so
	 * that a scatter-gather tells who answered.
	 */
	public static final String RESPONDER = "rr_responder";

	private RequestReplyHeaders() {
	}

}
