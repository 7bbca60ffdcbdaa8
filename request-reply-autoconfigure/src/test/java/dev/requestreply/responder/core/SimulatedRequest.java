package dev.requestreply.responder.core;

import org.jspecify.annotations.Nullable;

/**
 * What the simulation knows of one delivery, independently of the core.
 */
final class SimulatedRequest {

	/**
	 * How the simulated handler behaves for it.
	 */
	enum Behaviour {

		/** Returns a value soon. */
		QUICK,

		/** Throws soon. */
		THROWS,

		/** Blocks a long time, but returns soon once interrupted. */
		BLOCKS,

		/** Blocks a long time (or for ever) whatever it is told. */
		IGNORES_INTERRUPT,

		/** Returns a future that never completes. */
		NEVER_COMPLETING_FUTURE,

		/** Returns a future that completes later, or fails. */
		LATE_FUTURE,

		/** Returns a stream that never ends. */
		ENDLESS_STREAM

	}

	final RequestRef ref;

	final @Nullable Object lane;

	final long deadline;

	final long arrivedAt;

	final long bound;

	final int generation;

	final Behaviour behaviour;

	ResponderAction.@Nullable Ending outcome;

	int sends;

	// The caller was told it failed, or stopped waiting: an error reply, its deadline, its cancel.
	boolean callerGaveUp;

	// Its worker won the claim (it calls the method), or a withdrawal did.
	boolean claimed;

	boolean withdrawn;

	// Recorded events only: its worker's claim came before a withdrawal asked after it (the method
	// started before the request ended).
	boolean claimedBeforeWithdrawal;

	// Its worker told the core it started; an interrupt before that waits for it.
	boolean startedTold;

	boolean interrupted;

	boolean methodActive;

	boolean futureLive;

	boolean replySent;

	// Recorded events only: its worker ended it without a reply of the core's.
	boolean skipped;

	boolean replyFailed;

	boolean cancelled;

	boolean deadlinePassed;

	SimulatedRequest(RequestRef ref, @Nullable Object lane, long deadline, long arrivedAt, long bound, int generation,
			Behaviour behaviour) {
		this.ref = ref;
		this.lane = lane;
		this.deadline = deadline;
		this.arrivedAt = arrivedAt;
		this.bound = bound;
		this.generation = generation;
		this.behaviour = behaviour;
	}

}
