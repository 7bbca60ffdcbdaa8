package dev.requestreply.responder.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.ReplyHandler;
import dev.requestreply.responder.core.CoreRequest.Stage;
import dev.requestreply.responder.core.ResponderAction.Ending;
import org.jspecify.annotations.Nullable;

/**
 * The decisions about one handler's requests: its lanes, each owned partition's ledger and commit
 * position, the requests in hand and how each ends. {@link #on} takes one event and returns the
 * actions it leads to; it is not thread-safe: one owner (a serialized event loop per handler)
 * calls it, other threads only hand that owner events. No clock: the watchdog's events say when
 * a bound passed.
 * <p>
 * What it keeps: a request ends exactly once ({@link ResponderAction.Outcome}); requests of one
 * lane never overlap and start in offset order; at most one reply per request, never after it
 * ended; a method never starts once its request ended (a worker claims its request, or its
 * withdrawal does, so that a worker never waits for the core); a commit never passes an unfinished
 * request and names only finished ones; metadata that cannot name them all pauses the
 * partition; a revoked or lost partition starts nothing more.
 */
public final class ResponderCore {

	private final Set<Fault> faults;

	private final CoreLanes lanes;

	private final CorePartitions partitions;

	private final CoreRequests requests;

	// Replies made but held (only with REPLY_HELD_FOR_NEXT_CALL).
	private final List<CoreRequest> held = new ArrayList<>();

	/**
	 * @param ordering the handler's ordering
	 * @param maxMetadataChars the longest commit metadata the broker takes; 0 for none (commits
	 * then name no finished offsets)
	 */
	public ResponderCore(ReplyHandler.Ordering ordering, int maxMetadataChars) {
		this(ordering, maxMetadataChars, EnumSet.noneOf(Fault.class));
	}

	ResponderCore(ReplyHandler.Ordering ordering, int maxMetadataChars, Set<Fault> faults) {
		this.lanes = new CoreLanes(ordering);
		this.partitions = new CorePartitions(maxMetadataChars, faults);
		this.requests = new CoreRequests(this.lanes, this.partitions, faults);
		this.faults = faults;
	}

	/**
	 * Return how many requests are in hand.
	 */
	public int inHand() {
		return this.requests.inHand();
	}

	/**
	 * Take one event.
	 * @param event the event
	 * @return the actions it leads to, in the order they are to be carried out
	 */
	public List<ResponderAction> on(ResponderEvent event) {
		List<ResponderAction> actions = decide(event);
		this.partitions.commits(actions);
		return actions;
	}

	/**
	 * Take one event without working out the commits it moves, for a loop that asks for them
	 * once a round ({@link #commits()}): each commit point walks the partition's unfinished offsets.
	 * @param event the event
	 * @return the actions it leads to, in the order they are to be carried out
	 */
	public List<ResponderAction> decide(ResponderEvent event) {
		List<ResponderAction> actions = new ArrayList<>(4);
		if (event instanceof ResponderEvent.Arrived arrived) {
			arrived(arrived, actions);
		}
		else if (event instanceof ResponderEvent.Started started) {
			started(started, actions);
		}
		else if (event instanceof ResponderEvent.Returned returned) {
			returned(returned.ref(), returned.pending(), null, actions);
		}
		else if (event instanceof ResponderEvent.Threw threw) {
			returned(threw.ref(), false, threw.code(), actions);
		}
		else if (event instanceof ResponderEvent.Completed completed) {
			completed(completed, actions);
		}
		else if (event instanceof ResponderEvent.Skipped skipped) {
			skipped(skipped.ref(), actions);
		}
		else if (event instanceof ResponderEvent.ReplySent sent) {
			sendEnded(sent.ref(), true, actions);
		}
		else if (event instanceof ResponderEvent.ReplyFailed failed) {
			sendEnded(failed.ref(), false, actions);
		}
		else if (event instanceof ResponderEvent.Cancel cancel) {
			endEarly(cancel.ref(), Ending.CANCELLED, actions);
		}
		else if (event instanceof ResponderEvent.DeadlinePassed passed) {
			endEarly(passed.ref(), Ending.EXPIRED, actions);
		}
		else if (event instanceof ResponderEvent.MaxHandlingTime exceeded) {
			exceeded(exceeded.ref(), actions);
		}
		else if (event instanceof ResponderEvent.Revoking revoking) {
			revoking(revoking.partitions(), actions);
		}
		else if (event instanceof ResponderEvent.Revoked revoked) {
			takenAway(revoked.partitions(), true, actions);
		}
		else if (event instanceof ResponderEvent.Lost lost) {
			takenAway(lost.partitions(), false, actions);
		}
		else if (event instanceof ResponderEvent.Assigned assigned) {
			if (!this.requests.stopped()) {
				this.partitions.assigned(assigned);
			}
		}
		else if (event instanceof ResponderEvent.Passed passed) {
			this.partitions.passed(passed.partition(), passed.offset());
		}
		else if (event instanceof ResponderEvent.RunningLong running) {
			this.partitions.runningLong(running.ref(), this.requests.get(running.ref()));
		}
		else if (event instanceof ResponderEvent.CommitDone done) {
			this.partitions.commitDone(done);
		}
		else if (event instanceof ResponderEvent.Stop) {
			this.requests.stop();
			takenAway(this.partitions.owned(), true, actions);
		}
		return actions;
	}

	/**
	 * Return the commits of the partitions whose commit point moved since last asked, with the
	 * pauses and resumes their metadata's size calls for.
	 */
	public List<ResponderAction> commits() {
		List<ResponderAction> actions = new ArrayList<>(2);
		this.partitions.commits(actions);
		return actions;
	}

	private void arrived(ResponderEvent.Arrived arrived, List<ResponderAction> actions) {
		RequestRef ref = arrived.ref();
		CoreLedger ledger = this.partitions.ledger(ref.partition());
		if (this.requests.stopped() || ledger == null) {
			// Fetched before its partition was taken away: its next owner handles it.
			actions.add(new ResponderAction.Outcome(ref, Ending.ABANDONED));
			return;
		}
		if (!ledger.receive(ref.offset())) {
			actions.add(new ResponderAction.Outcome(ref, Ending.ALREADY_FINISHED));
			return;
		}
		this.requests.arrived(ref, arrived.laneKey(), actions);
	}

	private void started(ResponderEvent.Started started, List<ResponderAction> actions) {
		flushHeld(actions);
		CoreRequest request = this.requests.get(started.ref());
		if (request == null) {
			return;
		}
		if (!started.claimed()) {
			// Withdrawn before its worker came: the worker skips it.
			this.requests.workerDone(request, actions);
		}
		else if (request.stage == Stage.QUEUED) {
			request.stage = Stage.RUNNING;
			this.partitions.started(request.ref, actions);
		}
		// Else its worker claimed it before it was withdrawn, which interrupted the call: its worker
		// holds the lane's turn until the method returns.
	}

	// The method returned (a value, or a future or stream: pending) or threw (an error code).
	private void returned(RequestRef ref, boolean pending, @Nullable String errorCode, List<ResponderAction> actions) {
		CoreRequest request = this.requests.get(ref);
		if (request == null) {
			return;
		}
		if (request.stage == Stage.RUNNING) {
			if (pending) {
				request.stage = Stage.AWAITING;
			}
			else {
				reply(request, errorCode, actions);
			}
		}
		this.requests.workerDone(request, actions);
	}

	private void completed(ResponderEvent.Completed completed, List<ResponderAction> actions) {
		CoreRequest request = this.requests.get(completed.ref());
		if (request != null && request.stage == Stage.AWAITING) {
			reply(request, completed.errorCode(), actions);
		}
	}

	// Send its reply, or its error reply when there is an error code.
	private void reply(CoreRequest request, @Nullable String errorCode, List<ResponderAction> actions) {
		request.stage = Stage.REPLYING;
		request.errorReply = errorCode != null;
		if (errorCode == null && fault(Fault.REPLY_HELD_FOR_NEXT_CALL)) {
			this.held.add(request);
			return;
		}
		actions.add((errorCode != null) ? new ResponderAction.SendError(request.ref, errorCode)
				: new ResponderAction.SendReply(request.ref));
	}

	private void flushHeld(List<ResponderAction> actions) {
		for (CoreRequest request : this.held) {
			if (request.stage == Stage.REPLYING) {
				actions.add(new ResponderAction.SendReply(request.ref));
			}
		}
		this.held.clear();
	}

	private void sendEnded(RequestRef ref, boolean sent, List<ResponderAction> actions) {
		CoreRequest request = this.requests.get(ref);
		if (request == null || request.stage != Stage.REPLYING) {
			return;
		}
		if (!sent && fault(Fault.FAILED_REPLY_KEEPS_REQUEST)) {
			return;
		}
		Ending ending = sent ? (request.errorReply ? Ending.ERROR_REPLIED : Ending.REPLIED) : Ending.SEND_FAILED;
		this.requests.end(request, ending, true, actions);
	}

	// Its worker ended it (or a stream its own path answered): its worker is done with it.
	private void skipped(RequestRef ref, List<ResponderAction> actions) {
		CoreRequest request = this.requests.get(ref);
		if (request == null) {
			return;
		}
		if (request.inHand() && request.stage != Stage.REPLYING) {
			this.requests.end(request, Ending.SKIPPED, true, actions);
		}
		this.requests.workerDone(request, actions);
	}

	// Not started ones leave, abandoned; none starts any more; running ones go on until Revoked.
	private void revoking(Collection<Partition> partitions, List<ResponderAction> actions) {
		for (Partition partition : partitions) {
			if (this.partitions.ledger(partition) == null) {
				continue;
			}
			this.lanes.dropWaiting(partition);
			for (CoreRequest request : this.requests.inHandOn(partition)) {
				if (request.stage == Stage.WAITING || request.stage == Stage.QUEUED) {
					this.requests.end(request, Ending.ABANDONED, false, actions);
				}
			}
		}
	}

	// Cancelled or expired: ends it unless its reply is on its way (the send ends it, bounded).
	private void endEarly(RequestRef ref, Ending ending, List<ResponderAction> actions) {
		CoreRequest request = this.requests.get(ref);
		if (request == null || !request.inHand() || request.stage == Stage.REPLYING) {
			return;
		}
		this.requests.end(request, ending, true, actions);
	}

	private void exceeded(RequestRef ref, List<ResponderAction> actions) {
		CoreRequest request = this.requests.get(ref);
		if (request == null || !request.inHand() || request.stage == Stage.REPLYING) {
			return;
		}
		Stage before = request.stage;
		if (before != Stage.QUEUED || !fault(Fault.METHOD_AFTER_DEADLINE_EXCEEDED)) {
			this.requests.stopCall(request, actions);
		}
		if (before == Stage.WAITING) {
			this.lanes.leave(request);
		}
		reply(request, ReplyErrorCodes.DEADLINE_EXCEEDED, actions);
	}

	private void takenAway(Collection<Partition> partitions, boolean graceful, List<ResponderAction> actions) {
		for (Partition partition : partitions) {
			if (!this.partitions.takeAway(partition, graceful, actions)) {
				continue;
			}
			if (!fault(Fault.START_AFTER_REVOKE)) {
				this.lanes.dropWaiting(partition);
			}
			for (CoreRequest request : this.requests.inHandOn(partition)) {
				this.requests.end(request, Ending.ABANDONED, false, actions);
			}
		}
	}

	private boolean fault(Fault fault) {
		return this.faults.contains(fault);
	}

}
