package dev.requestreply.responder.core;

/**
 * What the simulation checks after every step.
 */
enum Invariant {

	/** Every request in hand ends exactly once. */
	ENDS_ONCE,

	/** ... within its bound: its deadline or max handling time, plus the send's own timeout. */
	ENDS_WITHIN_BOUND,

	/** An ending is founded on what happened (a reply sent, a cancel, a deadline, a revocation). */
	ENDING_FOUNDED,

	/** The core's count of requests in hand is the simulation's. */
	IN_HAND_COUNT,

	/** Requests of one lane never run at once. */
	LANE_EXCLUSIVE,

	/** Requests of one lane start in offset order. */
	LANE_ORDER,

	/** At most one reply (or error reply) per request. */
	ONE_REPLY,

	/** No reply after the caller was told it failed or stopped waiting, nor after the request ended. */
	NO_REPLY_AFTER_END,

	/** No method runs for a request that ended or whose caller was told it failed. */
	NO_METHOD_AFTER_END,

	/** A revoked or lost partition starts nothing more. */
	NO_START_AFTER_REVOKE,

	/** A commit never passes an unfinished request. */
	COMMIT_NOT_PAST_UNFINISHED,

	/** A committed position never goes back. */
	COMMIT_NEVER_BACK,

	/** A commit's metadata never names an unfinished offset as finished. */
	METADATA_NAMES_ONLY_FINISHED,

	/** Metadata that cannot name every finished offset has its partition paused. */
	TRUNCATED_METADATA_PAUSES,

	/**
	 * Read back with the real decoding, a commit's metadata names every offset finished above it,
	 * or its partition is paused; and it names no finished offset as started.
	 */
	METADATA_NAMES_EVERY_FINISHED

}
