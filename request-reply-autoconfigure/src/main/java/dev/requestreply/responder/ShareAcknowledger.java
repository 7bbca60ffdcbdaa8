package dev.requestreply.responder;

/**
 * Where a request read in a share group (queue mode) goes back when it ends, in place of the
 * offsets of a consumer group: accepted, or released to be delivered again. Called on any thread;
 * the share consumer that read the request acknowledges it on its own thread.
 */
interface ShareAcknowledger {

	/**
	 * A request ended.
	 * @param request the request
	 * @param finished whether it is done with (accept it), else it is to be handled again
	 * (release it: an end at shutdown)
	 */
	void ended(InHandRequest request, boolean finished);

}
