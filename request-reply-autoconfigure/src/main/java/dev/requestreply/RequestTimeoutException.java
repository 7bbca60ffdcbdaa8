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

	/**
	 * The timeout that passed.
	 */
	private final Duration timeout;

	/**
	 * Create a new instance.
	 * @param topic the topic the request was sent to
	 * @param correlationId the correlation id of the request
	 * @param timeout the timeout that passed
	 */
	public RequestTimeoutException(String topic, CorrelationId correlationId, Duration timeout) {
		super("No reply within " + timeout.toMillis() + " ms to request " + correlationId + " sent to topic '"
				+ topic + "'", null, false);
		this.correlationId = correlationId;
		this.timeout = timeout;
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
		return this.timeout;
	}

}
