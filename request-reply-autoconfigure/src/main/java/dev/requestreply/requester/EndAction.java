package dev.requestreply.requester;

/**
 * The engine's own action at the end of a request (the release of its reply partition, its cancel
 * records), told what the request's core decided: quick, never blocking, no user code.
 */
@FunctionalInterface
interface EndAction {

	/**
	 * The request ended.
	 * @param outcome how
	 * @param release whether its reply partition is to be released
	 * @param sendCancel whether cancel records go to its responders
	 */
	void ended(RequestOutcome outcome, boolean release, boolean sendCancel);

	/**
	 * How a request ended, kept for an action set after its end.
	 *
	 * @param outcome how
	 * @param release whether its reply partition is to be released
	 * @param sendCancel whether cancel records go to its responders
	 */
	record Ended(RequestOutcome outcome, boolean release, boolean sendCancel) {

		void runOn(EndAction action) {
			action.ended(this.outcome, this.release, this.sendCancel);
		}

	}

}
