package dev.requestreply.handler;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How handlers remember the replies they sent, to answer a request delivered again from memory
 * (see {@link dev.requestreply.ReplyHandler#idempotent()}).
 *
 * @param allHandlers whether every handler remembers its replies, not only those marked
 * {@code idempotent}
 * @param maxEntries the most replies remembered per handler; the oldest are forgotten first
 * @param window how long a reply is remembered
 * @since 0.2.0
 */
public record ReplyHandlerIdempotency(boolean allHandlers, int maxEntries, Duration window) {

	/**
	 * Only handlers marked {@code idempotent}, 10,000 replies each, for 5 minutes.
	 */
	public static final ReplyHandlerIdempotency DEFAULT = new ReplyHandlerIdempotency(false, 10_000,
			Duration.ofMinutes(5));

	/**
	 * Create new settings.
	 * @param allHandlers whether every handler remembers its replies
	 * @param maxEntries the most replies remembered per handler
	 * @param window how long a reply is remembered
	 */
	public ReplyHandlerIdempotency {
		Assert.isTrue(maxEntries > 0, "'maxEntries' must be positive");
		Assert.isTrue(window != null && !window.isNegative() && !window.isZero(), "'window' must be positive");
	}

}
