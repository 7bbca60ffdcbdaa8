package dev.requestreply.responder.core;

/**
 * Defects of state that earlier engines had, which the core can be built with again so that the
 * simulation shows it catches each. Never used outside tests.
 */
enum Fault {

	/** A waiting request that ends early passes its lane's turn on while the one with it runs. */
	EARLY_END_PASSES_TURN,

	/** Requests of a revoked partition stay in their lanes and start when their turn comes. */
	START_AFTER_REVOKE,

	/** The max handling time sends its error without withdrawing a queued request: its method still runs. */
	METHOD_AFTER_DEADLINE_EXCEEDED,

	/** A reply made is held until the handler's next call. */
	REPLY_HELD_FOR_NEXT_CALL,

	/** A reply that fails to send leaves its request replying for ever. */
	FAILED_REPLY_KEEPS_REQUEST,

	/** The commit position is the offset after the last record, whatever is unfinished. */
	COMMIT_PAST_UNFINISHED,

	/** Metadata cut to fit does not pause the partition. */
	TRUNCATED_METADATA_NOT_PAUSED,

	/** Metadata cut to half its limit is taken as naming every finished offset: no pause. */
	METADATA_LIMIT_MISCOUNTED

}
