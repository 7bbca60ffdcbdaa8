package dev.requestreply.requester;

import java.util.Locale;

/**
 * Why a reply read by this instance completed none of its requests.
 *
 * @since 0.2.0
 */
public enum SkippedReply {

	/**
	 * Its request had timed out or was cancelled.
	 */
	LATE,

	/**
	 * Its request had already been answered (a request handled twice).
	 */
	DUPLICATE,

	/**
	 * It belongs to another instance, or to no request this instance knows.
	 */
	FOREIGN,

	/**
	 * It had no correlation id.
	 */
	INVALID;

	/**
	 * Return the lowercase name, as used in metric tags.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
