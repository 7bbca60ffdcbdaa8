package dev.requestreply.handler;

/**
 * Callback for every request a {@link dev.requestreply.ReplyHandler @ReplyHandler} dealt with,
 * registered with {@link ReplyHandlerContainers#addOutcomeListener(ReplyHandlerOutcomeListener)}.
 * Called on a handler thread (or the thread that completed the handler's future, or the one that
 * ended the request), so it must be quick.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ReplyHandlerOutcomeListener {

	/**
	 * Called once for every request that reached the handler with a reply address.
	 * @param endpoint the handler
	 * @param topic the topic the request was read from
	 * @param outcome how it ended
	 * @param durationNanos nanoseconds from receipt to the outcome (before the reply is sent)
	 */
	void onOutcome(ReplyHandlerEndpoint endpoint, String topic, ReplyHandlerOutcome outcome, long durationNanos);

}
