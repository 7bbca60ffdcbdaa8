package dev.requestreply.requester;

import java.util.Locale;

/**
 * Why a request failed at once rather than waiting for its timeout, or a stream rather than
 * buffering without bound.
 *
 * @since 0.2.0
 */
public enum FastFailure {

	/**
	 * No consumer group with a live member reads the request's topic
	 * ({@link dev.requestreply.NoResponderException}).
	 */
	NO_RESPONDER,

	/**
	 * The reply consumer cannot read ({@link dev.requestreply.ReplyPathDownException}).
	 */
	REPLY_PATH_DOWN,

	/**
	 * A stream's subscriber fell behind its buffer, or too many of its elements arrived ahead of a
	 * missing one ({@link dev.requestreply.StreamOverflowException}).
	 */
	STREAM_OVERFLOW;

	/**
	 * Return the lowercase, dashed name of this failure, as used in metric tags.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
