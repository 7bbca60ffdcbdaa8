package dev.requestreply.handler;

/**
 * Callback for every request a {@link dev.requestreply.ReplyHandler @ReplyHandler} dealt with,
 * registered with {@link ReplyHandlerContainers#addOutcomeListener(ReplyHandlerOutcomeListener)}.
 * Called on a thread of the listeners' own ({@code request-reply-outcomes-1}), one outcome at a
 * time, in the order the outcomes came, never on the engine's threads: a listener that blocks
 * holds up only the outcomes after it. Up to 10,000 outcomes wait for it; past that, outcomes
 * are dropped (counted, and logged at WARN at most once a minute), so it should be quick.
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
