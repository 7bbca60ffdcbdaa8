package dev.requestreply.handler;

import java.util.Map;

import dev.requestreply.support.EventCounters;

/**
 * Figures of one {@link dev.requestreply.ReplyHandler @ReplyHandler}: how its requests ended.
 *
 * @since 0.1.0
 */
public final class ReplyHandlerStats {

	private final EventCounters<Event> counters = new EventCounters<>(Event.class);

	/**
	 * Return the number of requests the method answered with a reply.
	 * @return the count
	 */
	public long handled() {
		return this.counters.get(Event.HANDLED);
	}

	/**
	 * Return the number of requests the method failed on (answered with an error reply).
	 * @return the count
	 */
	public long failed() {
		return this.counters.get(Event.FAILED);
	}

	/**
	 * Return the number of requests ended because their deadline had passed (before the method
	 * was called, or while it ran: then its context was cancelled and no reply sent), or because
	 * they had no deadline and reached the handler's max handling time (then with an error reply
	 * of code {@code DEADLINE_EXCEEDED}).
	 * @return the count
	 */
	public long expired() {
		return this.counters.get(Event.EXPIRED);
	}

	/**
	 * Return the number of requests answered with an error reply because their payload or
	 * headers could not be read.
	 * @return the count
	 */
	public long malformed() {
		return this.counters.get(Event.MALFORMED);
	}

	/**
	 * Return the number of requests skipped because no reply could be addressed (no reply topic,
	 * no correlation id).
	 * @return the count
	 */
	public long rejected() {
		return this.counters.get(Event.REJECTED);
	}

	/**
	 * Return the number of requests refused because they named a reply topic the handler may not
	 * write to (see {@link ReplyTopicPolicy}).
	 * @return the count
	 */
	public long refused() {
		return this.counters.get(Event.REFUSED);
	}

	/**
	 * Return the number of requests delivered again and answered with the reply remembered from
	 * their first delivery, without calling the method.
	 * @return the count
	 * @since 0.2.0
	 */
	public long replayed() {
		return this.counters.get(Event.REPLAYED);
	}

	/**
	 * Return the number of replies that could not be sent.
	 * @return the count
	 */
	public long replyFailures() {
		return this.counters.get(Event.REPLY_FAILED);
	}

	/**
	 * Return the number of times the broker refused the handler's consumer (a missing ACL on its
	 * topics or group, or failed authentication); it retries every few seconds meanwhile.
	 * @return the count
	 * @since 0.2.0
	 */
	public long authorizationFailures() {
		return this.counters.get(Event.AUTHORIZATION_FAILED);
	}

	/**
	 * Return the number of requests whose requester gave up (a cancel record arrived): stopped
	 * while in hand, or skipped before they started.
	 * @return the count
	 * @since 0.2.0
	 */
	public long cancelled() {
		return this.counters.get(Event.CANCELLED);
	}

	/**
	 * Return the number of requests delivered again (after a crash or a rebalance) that had
	 * finished before, as the commit's metadata named them: skipped without calling the method.
	 * @return the count
	 * @since 0.3.0
	 */
	public long alreadyFinished() {
		return this.counters.get(Event.ALREADY_FINISHED);
	}

	/**
	 * Return the number of calls still running well after their request ended (its deadline,
	 * its max handling time, a cancellation): each is logged with its thread's stack once.
	 * @return the count
	 * @since 0.3.0
	 */
	public long overruns() {
		return this.counters.get(Event.OVERRUN);
	}

	/**
	 * Return the number of requests read in a share group (queue mode) that the broker delivered
	 * again: an earlier delivery ended without an answer (its responder stopped or died) or its
	 * acquisition lock ran out.
	 * @return the count
	 * @since 0.3.0
	 */
	public long redelivered() {
		return this.counters.get(Event.REDELIVERED);
	}

	/**
	 * Return the number of requests read in a share group that came on the last delivery the
	 * group allows, answered with an error reply of code {@code ABORTED} without calling the
	 * method.
	 * @return the count
	 * @since 0.3.0
	 */
	public long aborted() {
		return this.counters.get(Event.ABORTED);
	}

	/**
	 * Return the number of requests of a consumer group's handler whose partition was revoked
	 * while they ran and that finished within the revoke grace
	 * ({@code request-reply.handler.revoke-grace}): answered and committed by this instance, not
	 * run again by the partition's next owner.
	 * @return the count
	 * @since 0.4.0
	 */
	public long revokeFinished() {
		return this.counters.get(Event.REVOKE_FINISHED);
	}

	/**
	 * Return the number of requests of a consumer group's handler still running when their
	 * partition was revoked and the revoke grace passed, or when their partition was lost: ended
	 * as cancelled without a reply, and run again by the partition's next owner.
	 * @return the count
	 * @since 0.4.0
	 */
	public long revokeCancelled() {
		return this.counters.get(Event.REVOKE_CANCELLED);
	}

	/**
	 * Return the number of requests of a consumer group's handler that ran here a second time:
	 * the partition's previous owner had started them (named in its last commit) and not
	 * finished them, because it was stopped, crashed, lost the partition or cancelled them at a
	 * revocation. Requests it started less than about a second before are not named, and so not
	 * counted.
	 * @return the count
	 * @since 0.4.0
	 */
	public long reruns() {
		return this.counters.get(Event.RERUN);
	}

	/**
	 * Return every figure at once.
	 * @return the counts by event
	 * @since 0.2.0
	 */
	public Map<Event, Long> snapshot() {
		return this.counters.snapshot();
	}

	/**
	 * Count one event. Called by the responder engine, not by application code.
	 * @param event the event
	 * @since 0.3.0
	 */
	public void record(Event event) {
		this.counters.increment(event);
	}

	/**
	 * What happened to one request of a handler.
	 *
	 * @since 0.2.0
	 */
	public enum Event {

		/**
		 * Answered with a reply.
		 */
		HANDLED,

		/**
		 * Answered with an error reply: the method failed.
		 */
		FAILED,

		/**
		 * Ended at its deadline (or its handler's max handling time).
		 */
		EXPIRED,

		/**
		 * Answered with an error reply: its payload or headers could not be read.
		 */
		MALFORMED,

		/**
		 * Skipped: no reply could be addressed.
		 */
		REJECTED,

		/**
		 * Skipped: its reply topic is not allowed.
		 */
		REFUSED,

		/**
		 * Its reply could not be sent.
		 */
		REPLY_FAILED,

		/**
		 * The broker refused the handler's consumer (not counted per request).
		 */
		AUTHORIZATION_FAILED,

		/**
		 * Its requester gave up: stopped while in hand (no reply sent), or skipped before it
		 * started.
		 */
		CANCELLED,

		/**
		 * Answered again with the reply remembered from an earlier delivery.
		 */
		REPLAYED,

		/**
		 * Skipped: delivered again, it had finished before (named by the commit's metadata).
		 */
		ALREADY_FINISHED,

		/**
		 * Its call still ran well after the request ended (not counted per request otherwise).
		 */
		OVERRUN,

		/**
		 * Read in a share group, it was delivered before (counted besides how it ends).
		 */
		REDELIVERED,

		/**
		 * Read in a share group on its last allowed delivery: answered with an error reply of
		 * code {@code ABORTED} (counted besides as failed).
		 */
		ABORTED,

		/**
		 * Its partition was revoked while it ran, and it finished within the revoke grace.
		 * @since 0.4.0
		 */
		REVOKE_FINISHED,

		/**
		 * Its partition was revoked while it ran and the revoke grace passed, or its partition
		 * was lost: ended as cancelled without a reply, for the partition's next owner.
		 * @since 0.4.0
		 */
		REVOKE_CANCELLED,

		/**
		 * Its method started here, and the partition's previous owner had started it too.
		 * @since 0.4.0
		 */
		RERUN;

		/**
		 * Return the event that counts an outcome.
		 * @param outcome how a request ended
		 * @return the event
		 */
		public static Event of(ReplyHandlerOutcome outcome) {
			return switch (outcome) {
				case SUCCESS -> HANDLED;
				case ERROR -> FAILED;
				case EXPIRED -> EXPIRED;
				case MALFORMED -> MALFORMED;
				case REFUSED -> REFUSED;
				case REPLAYED -> REPLAYED;
			};
		}

	}

}
