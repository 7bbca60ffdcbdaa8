package dev.requestreply.requester;

/**
 * What the engine knows of a request as it registers it, for its core to decide its end by.
 *
 * @param cancelsOn whether cancel records go to its topics (see {@link CancelRecords#sendsTo})
 * @param holdsPartition whether it names a reply partition of this instance, released at its end
 */
record Registration(boolean cancelsOn, boolean holdsPartition) {

	/**
	 * A request the registry registers without a sender: cancels on, no reply partition named.
	 */
	static final Registration UNSENT = new Registration(true, false);

}
