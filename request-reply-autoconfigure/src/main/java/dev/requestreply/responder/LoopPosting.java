package dev.requestreply.responder;

import dev.requestreply.responder.core.ResponderEvent;

/**
 * What one thread hands a {@link HandlerLoop} at once (a poll's arrivals, a method's return with
 * its reply, one event), unfolded into its events on the loop: one post, and at most one wake-up,
 * for all of them.
 */
abstract class LoopPosting {

	// When it was posted, for the loop's lag; set by the loop's post.
	long postedNanos;

	/**
	 * Hand its events to {@link HandlerLoop#decide}, on the loop.
	 * @param loop the loop
	 */
	abstract void unfold(HandlerLoop loop);

	/**
	 * Return a posting of one event.
	 */
	static LoopPosting of(ResponderEvent event) {
		return new LoopPosting() {

			@Override
			void unfold(HandlerLoop loop) {
				loop.decide(event);
			}

			@Override
			public String toString() {
				return event.toString();
			}

		};
	}

}
