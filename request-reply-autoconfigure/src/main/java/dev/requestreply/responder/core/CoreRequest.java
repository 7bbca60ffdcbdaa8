package dev.requestreply.responder.core;

import org.jspecify.annotations.Nullable;

/**
 * One request the core knows: from its arrival until it ended and its method returned (or never
 * ran), the two together freeing its lane's turn.
 */
final class CoreRequest {

	enum Stage {

		/** In its lane, behind the request whose turn it is. */
		WAITING,

		/** Handed to the executor, not yet called. */
		QUEUED,

		/** Its method runs. */
		RUNNING,

		/** Its method returned a future or stream not ended yet. */
		AWAITING,

		/** Its reply or error reply is on its way: only the send ends it. */
		REPLYING,

		/** Out of hand. */
		ENDED

	}

	final RequestRef ref;

	final @Nullable Object laneKey;

	Stage stage = Stage.WAITING;

	// Handed to the executor and its worker not done yet: holds the lane's turn with the stage.
	boolean workerBusy;

	// Its reply is an error reply (the max handling time).
	boolean errorReply;

	CoreRequest(RequestRef ref, @Nullable Object laneKey) {
		this.ref = ref;
		this.laneKey = laneKey;
	}

	boolean inHand() {
		return this.stage != Stage.ENDED;
	}

	/**
	 * Return whether nothing holds its lane's turn any more.
	 */
	boolean released() {
		return this.stage == Stage.ENDED && !this.workerBusy;
	}

}
