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

	/**
	 * Its handler's core decided the acknowledgement of a request's delivery (the core then tells
	 * {@link #ended} of its end only for the copies of its record held elsewhere).
	 * @param request the request
	 * @param accept whether to accept it, else release it
	 */
	default void acknowledge(InHandRequest request, boolean accept) {
		ended(request, accept);
	}

	/**
	 * Its handler's core decided to renew the acquisition lock of a request's delivery.
	 * @param request the request
	 */
	default void renew(InHandRequest request) {
	}

}
