package dev.requestreply.responder.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.requestreply.responder.core.ResponderAction.Acknowledgement;
import dev.requestreply.responder.core.ResponderAction.Ending;
import org.jspecify.annotations.Nullable;

/**
 * The checks of a queue handler's acknowledgements over the events its loop recorded: each
 * delivery acknowledged at most once, accepted only as its request ends (its reply sent, or its
 * error reply, or cancelled or expired), nothing acknowledged or renewed once its consumer closed
 * or its lock was lost.
 */
final class ShareReplayChecks {

	private final SimulationChecks.World world;

	// By delivery id: its consumer, and how many times it was acknowledged.
	private final Map<Long, Integer> consumerOf = new HashMap<>();

	private final Map<Long, Integer> acknowledged = new HashMap<>();

	private final Set<Integer> closed = new HashSet<>();

	private final Set<Long> lost = new HashSet<>();

	// The delivery just accepted, whose Outcome must come next.
	private @Nullable RequestRef accepting;

	ShareReplayChecks(SimulationChecks.World world) {
		this.world = world;
	}

	void known(ResponderEvent event) {
		if (event instanceof ResponderEvent.Acquired acquired) {
			this.consumerOf.put(acquired.ref().id(), acquired.consumer());
		}
		else if (event instanceof ResponderEvent.ConsumerClosed consumerClosed) {
			this.closed.add(consumerClosed.consumer());
		}
		else if (event instanceof ResponderEvent.LockLost lockLost) {
			this.lost.add(lockLost.ref().id());
		}
	}

	void before(ResponderAction action) {
		RequestRef accepted = this.accepting;
		if (accepted != null) {
			this.accepting = null;
			check(action instanceof ResponderAction.Outcome outcome && outcome.ref().equals(accepted)
					&& outcome.ending() != Ending.ABANDONED, Invariant.ACCEPTED_ONCE_ENDED,
					accepted + " accepted before its request ended (then " + action + ")");
		}
		if (action instanceof ResponderAction.Acknowledge acknowledge) {
			RequestRef ref = acknowledge.ref();
			check(this.acknowledged.merge(ref.id(), 1, Integer::sum) == 1, Invariant.ACKNOWLEDGED_ONCE,
					ref + " acknowledged twice");
			open(ref, "acknowledged");
			if (acknowledge.type() == Acknowledgement.ACCEPT) {
				SimulatedRequest request = this.world.request(ref);
				check(request.outcome == null && (request.replySent || request.replyFailed || request.callerGaveUp
						|| request.skipped), Invariant.ACCEPTED_ONCE_ENDED, ref + " accepted with its reply not sent");
				this.accepting = ref;
			}
		}
		else if (action instanceof ResponderAction.Renew renew) {
			open(renew.ref(), "renewed");
		}
	}

	void afterStep() {
		RequestRef accepted = this.accepting;
		check(accepted == null, Invariant.ACCEPTED_ONCE_ENDED, accepted + " accepted, its request not ended");
	}

	private void open(RequestRef ref, String what) {
		Integer consumer = this.consumerOf.get(ref.id());
		check(consumer != null && !this.closed.contains(consumer) && !this.lost.contains(ref.id()),
				Invariant.NO_ACKNOWLEDGEMENT_AFTER_CLOSE, ref + " " + what + " after its consumer closed or its lock "
						+ "was lost");
	}

	private void check(boolean holds, Invariant invariant, String message) {
		if (!holds) {
			throw new SimulationChecks.Violation(invariant, "step " + this.world.steps() + ": " + message);
		}
	}

}
