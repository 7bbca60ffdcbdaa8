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
	CANCELLED,

	/**
	 * A scatter-gather reached its timeout with some replies, and completed with them (its
	 * policy's {@link dev.requestreply.GatherPolicy#atTimeout() at-timeout answer} was yes). A
	 * gather that reached it with no reply, or whose policy answered no, is a {@link #TIMEOUT}.
	 * @since 0.4.0
	 */
	PARTIAL;

	/**
	 * Return the lowercase name of this outcome, as used in metric tags.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
