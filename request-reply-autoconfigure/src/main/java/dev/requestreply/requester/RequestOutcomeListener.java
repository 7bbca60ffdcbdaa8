package dev.requestreply.requester;

/**
 * Callback for the end of each request, registered with
 * {@link dev.requestreply.CorrelationRegistry#addListener(RequestOutcomeListener)}. Called on the
 * thread that completes the request's future (a completion thread, or the caller waiting for it or
 * cancelling it), just before it completes; never on the engine's own threads (the reply readers,
 * the timer), so a slow listener delays no other request's end, only the completion it runs with.
 * The library's own listeners (its duration timers, the endpoint's figures), added with
 * {@link dev.requestreply.CorrelationRegistry#addEngineListener(RequestOutcomeListener)}, are
 * called at once on the thread that ended the request instead.
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
