package dev.requestreply;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * No reply arrived within the request's timeout.
 *
 * @since 0.1.0
 */
public class RequestTimeoutException extends RequestReplyException {

	private static final long serialVersionUID = 1L;

	private final transient CorrelationId correlationId;

	private final String topic;

	/**
	 * The timeout that passed, in nanoseconds.
	 */
	private final long timeoutNanos;

	// What the message adds about the topic (that no group reads it), or null.
	private final @Nullable String hint;

	/**
	 * Create a new instance.
	 * @param topic the topic the request was sent to
	 * @param correlationId the correlation id of the request
	 * @param timeout the timeout that passed
	 */
	public RequestTimeoutException(String topic, CorrelationId correlationId, Duration timeout) {
		this(topic, correlationId, timeout, null);
	}

	/**
	 * Create a new instance whose message says what is known of why no reply came.
	 * @param topic the topic the request was sent to
	 * @param correlationId the correlation id of the request
	 * @param timeout the timeout that passed
	 * @param hint what the message adds, such as that no consumer group reads the topic, or
	 * {@code null}
	 * @since 0.4.0
	 */
	public RequestTimeoutException(String topic, CorrelationId correlationId, Duration timeout,
			@Nullable String hint) {
		// The message is written when read: a burst of timeouts should not format one each.
		super(null, null, false);
		this.topic = topic;
		this.correlationId = correlationId;
		this.timeoutNanos = timeout.toNanos();
		this.hint = hint;
	}

	private RequestTimeoutException(RequestTimeoutException original) {
		super(null, original, true);
		this.topic = original.topic;
		this.correlationId = original.correlationId;
		this.timeoutNanos = original.timeoutNanos;
		this.hint = original.hint;
	}

	@Override
	protected RequestTimeoutException copyForCaller() {
		return new RequestTimeoutException(this);
	}

	@Override
	public String getMessage() {
		return "No reply within " + (this.timeoutNanos / 1_000_000) + " ms to request " + this.correlationId
				+ " sent to topic '" + this.topic + "'" + ((this.hint != null) ? ": " + this.hint : "");
	}

	/**
	 * Return the correlation id of the request that timed out.
	 * @return the correlation id
	 */
	public CorrelationId getCorrelationId() {
		return this.correlationId;
	}

	/**
	 * Return the timeout that passed.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return Duration.ofNanos(this.timeoutNanos);
	}

}
