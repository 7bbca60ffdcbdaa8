package dev.requestreply;

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
	 * UTF-8 id of the requesting application instance, set on requests by
	 * {@link RequestReplyTemplate} and echoed on replies by {@link ReplyHandler} methods, so that an
	 * instance recognises replies meant for another instance without looking at their payload.
	 */
	public static final String INSTANCE = "rr_instance";

	private RequestReplyHeaders() {
	}

}
