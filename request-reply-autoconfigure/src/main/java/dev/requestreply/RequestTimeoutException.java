package dev.requestreply;

import java.time.Duration;

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

	/**
	 * Create a new instance.
	 * @param topic the topic the request was sent to
	 * @param correlationId the correlation id of the request
	 * @param timeout the timeout that passed
	 */
	public RequestTimeoutException(String topic, CorrelationId correlationId, Duration timeout) {
		// The message is written when read: a burst of timeouts should not format one each.
		super(null, null, false);
		this.topic = topic;
		this.correlationId = correlationId;
		this.timeoutNanos = timeout.toNanos();
	}

	private RequestTimeoutException(RequestTimeoutException original) {
		super(null, original, true);
		this.topic = original.topic;
		this.correlationId = original.correlationId;
		this.timeoutNanos = original.timeoutNanos;
	}

	@Override
	protected RequestTimeoutException copyForCaller() {
		return new RequestTimeoutException(this);
	}

	@Override
	public String getMessage() {
		return "No reply within " + (this.timeoutNanos / 1_000_000) + " ms to request " + this.correlationId
				+ " sent to topic '" + this.topic + "'";
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
