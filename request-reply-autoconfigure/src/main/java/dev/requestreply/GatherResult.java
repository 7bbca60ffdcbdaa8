package dev.requestreply;

import java.util.List;
import java.util.Objects;

/**
 * What a scatter-gather collected: the replies in the order they arrived, and whether it ended by
 * its timeout before its policy was satisfied (a partial result).
 *
 * @param <T> the reply type
 * @param replies the replies, values and errors, in arrival order
 * @param timedOut whether the timeout ended the gathering
 * @since 0.1.0
 */
public record GatherResult<T>(List<GatheredReply<T>> replies, boolean timedOut) {

	/**
	 * Create a new result.
	 * @param replies the replies
	 * @param timedOut whether the timeout ended the gathering
	 */
	public GatherResult {
		replies = List.copyOf(replies);
	}

	/**
	 * Return the values of the successful replies.
	 * @return the values, in arrival order
	 */
	public List<T> values() {
		return this.replies.stream().filter((reply) -> !reply.isError()).map(GatheredReply::value)
			.filter(Objects::nonNull).toList();
	}

	/**
	 * Return the error replies.
	 * @return the failed replies
	 */
	public List<GatheredReply<T>> errors() {
		return this.replies.stream().filter(GatheredReply::isError).toList();
	}

	/**
	 * Return the names of the responders that answered.
	 * @return the responders, in arrival order
	 */
	public List<String> responders() {
		return this.replies.stream().map(GatheredReply::responder).toList();
	}

}
