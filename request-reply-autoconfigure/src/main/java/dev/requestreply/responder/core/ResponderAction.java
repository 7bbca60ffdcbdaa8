package dev.requestreply.responder.core;

/**
 * What the core of a handler decides, each carried out by one call on the Kafka side or the
 * handler's executor.
 */
public sealed interface ResponderAction {

	/**
	 * Hand the request to the handler's executor.
	 * @param ref the request
	 */
	record Start(RequestRef ref) implements ResponderAction {
	}

	/**
	 * Take back a request handed to the executor whose worker has not said it started: claim it,
	 * so that its worker skips it; should the worker have claimed it first (its method runs, its
	 * {@link ResponderEvent.Started} not yet taken), cancel the call as {@link Interrupt} does.
	 * @param ref the request
	 */
	record Withdraw(RequestRef ref) implements ResponderAction {
	}

	/**
	 * Cancel the request's call: mark its context cancelled, run its {@code onCancel} actions,
	 * interrupt the method, cancel the future or stream it returned.
	 * @param ref the request
	 */
	record Interrupt(RequestRef ref) implements ResponderAction {
	}

	/**
	 * Send the request's reply (the method's value, or its future's).
	 * @param ref the request
	 */
	record SendReply(RequestRef ref) implements ResponderAction {
	}

	/**
	 * Send an error reply.
	 * @param ref the request
	 * @param code its error code
	 */
	record SendError(RequestRef ref, String code) implements ResponderAction {
	}

	/**
	 * Commit a partition's position.
	 * @param partition the partition
	 * @param offset the lowest unfinished offset (or the one after the last record)
	 * @param metadata its metadata ({@link CommitMetadata}): the finished offsets above it, as
	 * many runs as fit in the metadata's limit, and the started ones among the unfinished
	 * @param complete whether {@code metadata} names every finished offset above it (else the
	 * partition is paused until it does)
	 */
	record Commit(Partition partition, long offset, String metadata, boolean complete) implements ResponderAction {
	}

	/**
	 * The request's method runs a second time: the partition's previous owner had started it (its
	 * commit named it as started). Counted only.
	 * @param ref the request
	 */
	record Rerun(RequestRef ref) implements ResponderAction {
	}

	/**
	 * Stop fetching a partition.
	 * @param partition the partition
	 */
	record Pause(Partition partition) implements ResponderAction {
	}

	/**
	 * Fetch a paused partition again.
	 * @param partition the partition
	 */
	record Resume(Partition partition) implements ResponderAction {
	}

	/**
	 * The request left the hand: once per delivery.
	 * @param ref the request
	 * @param ending how
	 */
	record Outcome(RequestRef ref, Ending ending) implements ResponderAction {
	}

	/**
	 * How a request left the hand.
	 */
	enum Ending {

		/** Its reply was sent. */
		REPLIED,

		/** Its error reply was sent (the method threw, or the max handling time passed). */
		ERROR_REPLIED,

		/** Its reply or error reply could not be sent. */
		SEND_FAILED,

		/** Its worker ended it without a reply of the core's ({@link ResponderEvent.Skipped}). */
		SKIPPED,

		/** Its requester cancelled it. */
		CANCELLED,

		/** Its deadline passed. */
		EXPIRED,

		/** Left to the partition's next owner (revoked, lost, stopped): its offset stays unfinished. */
		ABANDONED,

		/** The previous owner's commit names it as finished: never in hand. */
		ALREADY_FINISHED

	}

}
