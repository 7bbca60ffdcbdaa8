package dev.requestreply.requester.core;

import java.util.List;

import dev.requestreply.requester.RequestOutcome;

/**
 * What the engine does after a {@link RequestEvent}. The engine's own actions ({@link #userCode()}
 * false) run at once on the thread that brought the event; those that run user code go to the
 * completion threads (or to the caller waiting for the future), never inline.
 *
 * @since 0.4.0
 */
public sealed interface RequestAction {

	/**
	 * Return whether the action runs user code (completing a future runs its callbacks).
	 * @return whether it goes to the completion threads
	 */
	default boolean userCode() {
		return false;
	}

	/**
	 * Take the request out of the pending ones.
	 *
	 * @param rememberId whether its id is remembered for a while, so that its later replies are
	 * told apart from foreign ones
	 */
	record Remove(boolean rememberId) implements RequestAction {
	}

	/**
	 * Count the request's end.
	 *
	 * @param outcome how it ended
	 */
	record Count(RequestOutcome outcome) implements RequestAction {
	}

	/**
	 * Send cancel records for the request, to every topic it went to.
	 */
	record SendCancel() implements RequestAction {
	}

	/**
	 * Release the reply partition the request named.
	 */
	record Release() implements RequestAction {
	}

	/**
	 * Move the request in the timer to a new deadline.
	 *
	 * @param deadline the new deadline, in nanoseconds
	 */
	record Reschedule(long deadline) implements RequestAction {
	}

	/**
	 * Count a reply that ends nothing.
	 *
	 * @param reason why
	 */
	record Skip(Skipped reason) implements RequestAction {
	}

	/**
	 * Complete the request's future.
	 *
	 * @param completion with what
	 * @param deferred engine actions that wait for the completion (none in a sound core)
	 */
	record Complete(Completion completion, List<RequestAction> deferred) implements RequestAction {

		/**
		 * Copy the deferred actions.
		 * @param completion with what
		 * @param deferred engine actions that wait for the completion
		 */
		public Complete {
			deferred = List.copyOf(deferred);
		}

		@Override
		public boolean userCode() {
			return true;
		}

	}

	/**
	 * Hand a stream element to the stream's subscriber.
	 *
	 * @param sequence the element's position
	 */
	record Deliver(long sequence) implements RequestAction {

		@Override
		public boolean userCode() {
			return true;
		}

	}

	/**
	 * Test a gather's policy on the replies so far (the caller's code); it answers with
	 * {@link RequestEvent.Gathered} when it holds.
	 */
	record TestPolicy() implements RequestAction {

		@Override
		public boolean userCode() {
			return true;
		}

	}

	/**
	 * Tell the library's own outcome listeners (its duration timers, the endpoint's figures per
	 * topic) of the request's end, at once on the thread that ended it: they only count, quick and
	 * never blocking, so that the figures do not lag while callbacks hold the completion threads.
	 *
	 * @param outcome how it ended
	 * @param withCompletion whether it waits for the completion of the future instead (never in a
	 * sound core)
	 */
	record Measure(RequestOutcome outcome, boolean withCompletion) implements RequestAction {

		@Override
		public boolean userCode() {
			return this.withCompletion;
		}

	}

	/**
	 * Tell the application's outcome listeners of the request's end, with the completion of its
	 * future.
	 *
	 * @param outcome how it ended
	 * @param inline whether it runs on the thread that ended the request (never in a sound core)
	 */
	record Notify(RequestOutcome outcome, boolean inline) implements RequestAction {

		@Override
		public boolean userCode() {
			return !this.inline;
		}

	}

	/**
	 * Why a reply ends nothing.
	 */
	enum Skipped {

		/**
		 * A reply the request had already (a stream element before the next, a responder of a
		 * gather that answered).
		 */
		DUPLICATE,

		/**
		 * A reply after the request ended.
		 */
		LATE

	}

	/**
	 * What a future completes with.
	 */
	enum Completion {

		/**
		 * The reply's value, a stream's completion, or a gather's replies.
		 */
		VALUE,

		/**
		 * The replies a gather had at its timeout.
		 */
		PARTIAL,

		/**
		 * The remote failure of an error reply.
		 */
		ERROR_REPLY,

		/**
		 * The failure of a gather's policy.
		 */
		POLICY_FAILED,

		/**
		 * A timeout exception.
		 */
		TIMEOUT,

		/**
		 * A cancellation exception.
		 */
		CANCELLED,

		/**
		 * A stream's buffer overflowed: an element never came while later ones did.
		 */
		OVERFLOW,

		/**
		 * The engine stopped.
		 */
		STOPPED,

		/**
		 * The request could not be sent.
		 */
		SEND_FAILED

	}

}
