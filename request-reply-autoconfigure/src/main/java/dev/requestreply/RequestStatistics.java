package dev.requestreply;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of how the requests of this application ended, and of the replies that completed
 * none of them.
 *
 * @param completed requests answered with a reply that converted
 * @param timeouts requests that timed out (a scatter-gather too, when it reached its timeout with no
 * reply or its policy then answered no)
 * @param errors requests that failed: error replies, send failures, replies that did not convert,
 * shutdown
 * @param cancelled requests cancelled before their reply
 * @param rejected requests refused because too many were pending
 * @param lateReplies replies that arrived after their request timed out or was cancelled
 * @param duplicateReplies second replies to a request already answered
 * @param foreignReplies replies skipped as another instance's (or unknown to this one)
 * @param invalidReplies replies skipped for lack of a correlation id
 * @param noResponder requests refused because no consumer group with a live member read their
 * topic
 * @param replyPathDown requests refused because the reply consumer could not read
 * @param streamOverflows stream replies failed because their subscriber fell behind the buffer,
 * or because too many of their elements arrived out of order
 * @param partialGathers scatter-gathers that reached their timeout with some replies and completed
 * with them (counted here, not among {@code timeouts})
 * @since 0.2.0
 */
public record RequestStatistics(long completed, long timeouts, long errors, long cancelled, long rejected,
		long lateReplies, long duplicateReplies, long foreignReplies, long invalidReplies, long noResponder,
		long replyPathDown, long streamOverflows, long partialGathers) {

	/**
	 * Create a snapshot with no partial gathers (the figures of 0.3).
	 * @param completed requests answered with a reply that converted
	 * @param timeouts requests that timed out
	 * @param errors requests that failed
	 * @param cancelled requests cancelled before their reply
	 * @param rejected requests refused because too many were pending
	 * @param lateReplies replies that arrived after their request ended
	 * @param duplicateReplies second replies to a request already answered
	 * @param foreignReplies replies skipped as another instance's
	 * @param invalidReplies replies skipped for lack of a correlation id
	 * @param noResponder requests refused because no consumer group read their topic
	 * @param replyPathDown requests refused because the reply consumer could not read
	 * @param streamOverflows stream replies failed because they overflowed
	 */
	public RequestStatistics(long completed, long timeouts, long errors, long cancelled, long rejected,
			long lateReplies, long duplicateReplies, long foreignReplies, long invalidReplies, long noResponder,
			long replyPathDown, long streamOverflows) {
		this(completed, timeouts, errors, cancelled, rejected, lateReplies, duplicateReplies, foreignReplies,
				invalidReplies, noResponder, replyPathDown, streamOverflows, 0);
	}

}
