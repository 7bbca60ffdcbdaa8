package dev.requestreply.handler;

import java.util.Locale;

/**
 * How a {@link dev.requestreply.ReplyHandler @ReplyHandler} dealt with one request.
 *
 * @since 0.1.0
 */
public enum ReplyHandlerOutcome {

	/**
	 * The method returned a reply (sent or about to be sent).
	 */
	SUCCESS,

	/**
	 * The method threw, its future failed, or its result could not be converted: an error reply
	 * is sent.
	 */
	ERROR,

	/**
	 * The request's deadline had passed, so the method was not called.
	 */
	EXPIRED,

	/**
	 * The request's payload or headers could not be read: an error reply is sent.
	 */
	MALFORMED,

	/**
	 * The request named a reply topic the handler may not write to, so it was skipped without a
	 * reply.
	 * @since 0.2.0
	 */
	REFUSED,

	/**
	 * The request was answered before on this instance: the remembered reply is sent again and
	 * the method is not called (see {@code ReplyHandler#idempotent()}).
	 * @since 0.2.0
	 */
	REPLAYED;

	/**
	 * Return the lowercase name of this outcome, as used in metric tags.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
