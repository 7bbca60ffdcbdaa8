package dev.requestreply.handler;

import java.util.List;

import org.springframework.util.Assert;

/**
 * What a {@link dev.requestreply.ReplyHandler @ReplyHandler} accepts from a request: which reply
 * topics it may write to, and how large a request and its correlation id may be.
 *
 * @param allowedReplyTopics patterns ({@code *} wildcards) of the topics replies may be sent to
 * (see {@link ReplyTopicPolicy}, which never allows internal topics nor the handlers' own request
 * topics); empty allows none
 * @param maxRequestBytes the largest request value handed to a handler; larger ones get an error
 * reply
 * @param maxCorrelationIdBytes the longest correlation id echoed; requests with longer ones are
 * skipped
 * @since 0.1.0
 */
public record ReplyHandlerPolicy(List<String> allowedReplyTopics, int maxRequestBytes, int maxCorrelationIdBytes) {

	/**
	 * Replies to {@link ReplyTopicPolicy#DEFAULT_PATTERNS}, requests up to 1 MiB, correlation ids up
	 * to 256 bytes.
	 */
	public static final ReplyHandlerPolicy DEFAULT = new ReplyHandlerPolicy(ReplyTopicPolicy.DEFAULT_PATTERNS,
			1024 * 1024, 256);

	/**
	 * Create a new policy.
	 * @param allowedReplyTopics patterns of allowed reply topics; empty allows none
	 * @param maxRequestBytes the largest request value
	 * @param maxCorrelationIdBytes the longest correlation id
	 */
	public ReplyHandlerPolicy {
		Assert.notNull(allowedReplyTopics, "'allowedReplyTopics' must not be null");
		Assert.isTrue(maxRequestBytes > 0, "'maxRequestBytes' must be positive");
		Assert.isTrue(maxCorrelationIdBytes > 0, "'maxCorrelationIdBytes' must be positive");
		allowedReplyTopics = List.copyOf(allowedReplyTopics);
	}

}
