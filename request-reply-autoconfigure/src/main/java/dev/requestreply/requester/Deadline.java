package dev.requestreply.requester;

import java.time.Duration;

import dev.requestreply.CurrentReplyContext;

/**
 * A request's deadline, cut once: never later than that of the request handled on this thread.
 *
 * @param timeout how long the request waits (at least a millisecond, so that one whose
 * caller's deadline passed times out at once through the usual path)
 * @param epochMillis its deadline on the wire
 */
record Deadline(Duration timeout, long epochMillis) {

	static Deadline cut(Duration timeout) {
		long now = System.currentTimeMillis();
		long deadline = Math.min(now + timeout.toMillis(), CurrentReplyContext.deadlineMillis());
		return (deadline - now >= timeout.toMillis()) ? new Deadline(timeout, deadline)
				: new Deadline(Duration.ofMillis(Math.max(1, deadline - now)), deadline);
	}

}
