package dev.requestreply.requester;

/**
 * How a request ended.
 *
 * @since 0.1.0
 */
public enum RequestOutcome {

	/**
	 * A reply arrived and converted to the requested type.
	 */
	SUCCESS,

	/**
	 * No reply arrived within the timeout.
	 */
	TIMEOUT,

	/**
	 * The request failed: an error reply, a send failure, a reply that did not convert, or
	 * shutdown.
	 */
	ERROR,

	/**
	 * The request was cancelled before its reply arrived.
	 */
	CANCELLED;

	/**
	 * Return the lowercase name of this outcome, as used in metric tags.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
