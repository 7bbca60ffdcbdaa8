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

		// Every one there is, made once: a burst of ends makes none.
		private static final Ended[] ALL = new Ended[RequestOutcome.values().length * 4];

		static {
			for (RequestOutcome outcome : RequestOutcome.values()) {
				for (int flags = 0; flags < 4; flags++) {
					ALL[outcome.ordinal() * 4 + flags] = new Ended(outcome, (flags & 2) != 0, (flags & 1) != 0);
				}
			}
		}

		/**
		 * Return how a request ended.
		 * @param outcome how
		 * @param release whether its reply partition is to be released
		 * @param sendCancel whether cancel records go to its responders
		 * @return the one instance for these values
		 */
		static Ended of(RequestOutcome outcome, boolean release, boolean sendCancel) {
			return ALL[outcome.ordinal() * 4 + (release ? 2 : 0) + (sendCancel ? 1 : 0)];
		}

		void runOn(EndAction action) {
			action.ended(this.outcome, this.release, this.sendCancel);
		}

	}

}
