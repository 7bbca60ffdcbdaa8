package dev.requestreply.requester;

/**
 * Callback for the end of each request, registered with
 * {@link dev.requestreply.CorrelationRegistry#addListener(RequestOutcomeListener)}. Called on the thread that ended
 * the request (a reply reader, the timer, the producer's sender, a completion thread or the
 * caller), before its future completes, so it must be quick and never block: what it does delays
 * the ends of other requests.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RequestOutcomeListener {

	/**
	 * Called once for every request when it ends.
	 * @param topic the topic the request was sent to
	 * @param outcome how it ended
	 * @param durationNanos nanoseconds from registration to its end
	 */
	void onOutcome(String topic, RequestOutcome outcome, long durationNanos);

}
