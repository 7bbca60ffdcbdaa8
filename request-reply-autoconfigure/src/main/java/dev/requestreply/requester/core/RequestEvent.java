package dev.requestreply.requester.core;

import org.jspecify.annotations.Nullable;

/**
 * What happens to a pending request, as the engine tells its {@link RequestCore}.
 *
 * @since 0.4.0
 */
public sealed interface RequestEvent {

	/**
	 * A reply read for the request.
	 *
	 * @param now the engine's time, in nanoseconds
	 * @param responder the responder that sent it (a gather takes one reply of each), or {@code null}
	 * @param sequence the position of a stream element, or {@code null}
	 * @param end the number of elements before a stream's end marker, or {@code null}
	 * @param error whether it is an error reply
	 */
	record Reply(long now, @Nullable String responder, @Nullable Long sequence, @Nullable Long end,
			boolean error) implements RequestEvent {
	}

	/**
	 * A gather's policy, tested on a completion thread after a reply, holds: the gather ends with
	 * the replies it has.
	 *
	 * @param policyFailed whether the policy threw instead
	 */
	record Gathered(boolean policyFailed) implements RequestEvent {
	}

	/**
	 * A gather's policy, tested on a completion thread after a reply, does not hold yet; asked
	 * too whether its timeout would complete the gather with the replies it saw, it answered. The
	 * answer is kept, so that the timeout decides at once on the timer's thread; an answer for
	 * fewer replies than the one kept (from a slower completion thread) changes nothing.
	 *
	 * @param replies how many replies the policy saw
	 * @param release whether the timeout completes the gather with them
	 */
	record AtTimeout(int replies, boolean release) implements RequestEvent {
	}

	/**
	 * The timer found the request at or past its deadline.
	 *
	 * @param now the engine's time, in nanoseconds
	 */
	record Timeout(long now) implements RequestEvent {
	}

	/**
	 * The caller gave the request up.
	 *
	 * @param byFuture whether the caller cancelled the future itself (so it is done already),
	 * rather than asking the engine to cancel the request
	 */
	record Cancel(boolean byFuture) implements RequestEvent {
	}

	/**
	 * The request could not be sent (to one of its topics): it ends with an error.
	 */
	record SendFailed() implements RequestEvent {
	}

	/**
	 * The engine stops: every pending request fails, and its responders are told to stop.
	 */
	record Stop() implements RequestEvent {
	}

}
