package dev.requestreply.responder.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * ended; a method never runs for a request that ended; a commit never passes an unfinished
 * request and names only finished ones; metadata that cannot name them all pauses the
 * partition; a revoked or lost partition starts nothing more.
 */
public final class ResponderCore {

	private final int maxNamed;

	private final Set<Fault> faults;

	private final CoreLanes lanes;

	// Every request known: in hand, or ended with its worker still busy.
	private final Map<Long, CoreRequest> known = new HashMap<>();

	private final Map<Partition, CoreLedger> ledgers = new LinkedHashMap<>();

	// Replies made but held (only with REPLY_HELD_FOR_NEXT_CALL).
	private final List<CoreRequest> held = new ArrayList<>();

	private int inHand;

	private boolean stopped;

	/**
	 * @param ordering the handler's ordering
	 * @param maxNamed how many finished offsets a commit's metadata can name
	 */
	public ResponderCore(ReplyHandler.Ordering ordering, int maxNamed) {
		this(ordering, maxNamed, EnumSet.noneOf(Fault.class));
	}

	ResponderCore(ReplyHandler.Ordering ordering, int maxNamed, Set<Fault> faults) {
		this.lanes = new CoreLanes(ordering);
		this.maxNamed = maxNamed;
		this.faults = faults;
	}

	/**
	 * Return how many requests are in hand.
	 */
	public int inHand() {
		return this.inHand;
	}

	/**
	 * Take one event.
	 * @param event the event
	 * @return the actions it leads to, in the order they are to be carried out
	 */
	public List<ResponderAction> on(ResponderEvent event) {
		List<ResponderAction> actions = new ArrayList<>(4);
		if (event instanceof ResponderEvent.Arrived arrived) {
			arrived(arrived, actions);
		}
		else if (event instanceof ResponderEvent.Started started) {
			started(started.ref(), actions);
		}
		else if (event instanceof ResponderEvent.Returned returned) {
			returned(returned.ref(), returned.pending() ? null : ReplyKind.REPLY, null, actions);
		}
		else if (event instanceof ResponderEvent.Threw threw) {
			returned(threw.ref(), ReplyKind.ERROR, threw.code(), actions);
		}
		else if (event instanceof ResponderEvent.Completed completed) {
			completed(completed, actions);
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
		else if (event instanceof ResponderEvent.Revoked revoked) {
			takenAway(revoked.partitions(), true, actions);
		}
		else if (event instanceof ResponderEvent.Lost lost) {
			takenAway(lost.partitions(), false, actions);
		}
		else if (event instanceof ResponderEvent.Assigned assigned) {
			if (!this.stopped) {
				this.ledgers.put(assigned.partition(), new CoreLedger(Set.copyOf(assigned.finishedAbove())));
			}
		}
		else if (event instanceof ResponderEvent.CommitDone done) {
			CoreLedger ledger = this.ledgers.get(done.partition());
			if (!done.succeeded() && ledger != null) {
				ledger.lastCommit = null;
			}
		}
		else if (event instanceof ResponderEvent.Stop) {
			this.stopped = true;
			takenAway(List.copyOf(this.ledgers.keySet()), true, actions);
		}
		commits(actions);
		return actions;
	}

	private void arrived(ResponderEvent.Arrived arrived, List<ResponderAction> actions) {
		RequestRef ref = arrived.ref();
		CoreLedger ledger = this.ledgers.get(ref.partition());
		if (this.stopped || ledger == null) {
			// Fetched before its partition was taken away: its next owner handles it.
			actions.add(new ResponderAction.Outcome(ref, Ending.ABANDONED));
			return;
		}
		if (!ledger.receive(ref.offset())) {
			actions.add(new ResponderAction.Outcome(ref, Ending.ALREADY_FINISHED));
			return;
		}
		CoreRequest request = new CoreRequest(ref, arrived.laneKey());
		this.known.put(ref.id(), request);
		this.inHand++;
		if (this.lanes.enter(request)) {
			start(request, actions);
		}
	}

	private void start(CoreRequest request, List<ResponderAction> actions) {
		request.stage = Stage.QUEUED;
		request.workerBusy = true;
		actions.add(new ResponderAction.Start(request.ref));
	}

	private void started(RequestRef ref, List<ResponderAction> actions) {
		flushHeld(actions);
		CoreRequest request = this.known.get(ref.id());
		if (request != null && (request.stage == Stage.QUEUED || request.unclaimed)) {
			request.unclaimed = false;
			if (request.stage == Stage.QUEUED) {
				request.stage = Stage.RUNNING;
			}
			actions.add(new ResponderAction.Run(ref));
			return;
		}
		actions.add(new ResponderAction.Skip(ref));
		if (request != null) {
			workerDone(request, actions);
		}
	}

	private void returned(RequestRef ref, @Nullable ReplyKind kind, @Nullable String code,
			List<ResponderAction> actions) {
		CoreRequest request = this.known.get(ref.id());
		if (request == null) {
			return;
		}
		if (request.stage == Stage.RUNNING) {
			if (kind == null) {
				request.stage = Stage.AWAITING;
			}
			else {
				reply(request, kind, code, actions);
			}
		}
		workerDone(request, actions);
	}

	private void completed(ResponderEvent.Completed completed, List<ResponderAction> actions) {
		CoreRequest request = this.known.get(completed.ref().id());
		if (request != null && request.stage == Stage.AWAITING) {
			String code = completed.errorCode();
			reply(request, (code != null) ? ReplyKind.ERROR : ReplyKind.REPLY, code, actions);
		}
	}

	private void reply(CoreRequest request, ReplyKind kind, @Nullable String code, List<ResponderAction> actions) {
		request.stage = Stage.REPLYING;
		request.errorReply = kind == ReplyKind.ERROR;
		if (kind == ReplyKind.REPLY && this.faults.contains(Fault.REPLY_HELD_FOR_NEXT_CALL)) {
			this.held.add(request);
			return;
		}
		actions.add((kind == ReplyKind.REPLY) ? new ResponderAction.SendReply(request.ref)
				: new ResponderAction.SendError(request.ref, (code != null) ? code : ReplyErrorCodes.INTERNAL));
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
		CoreRequest request = this.known.get(ref.id());
		if (request == null || request.stage != Stage.REPLYING) {
			return;
		}
		if (!sent && this.faults.contains(Fault.FAILED_REPLY_KEEPS_REQUEST)) {
			return;
		}
		end(request, sent ? (request.errorReply ? Ending.ERROR_REPLIED : Ending.REPLIED) : Ending.SEND_FAILED,
				true, actions);
	}

	// Cancelled or expired: ends it unless its reply is on its way (the send ends it, bounded).
	private void endEarly(RequestRef ref, Ending ending, List<ResponderAction> actions) {
		CoreRequest request = this.known.get(ref.id());
		if (request == null || !request.inHand() || request.stage == Stage.REPLYING) {
			return;
		}
		end(request, ending, true, actions);
	}

	private void exceeded(RequestRef ref, List<ResponderAction> actions) {
		CoreRequest request = this.known.get(ref.id());
		if (request == null || !request.inHand() || request.stage == Stage.REPLYING) {
			return;
		}
		Stage before = request.stage;
		interruptIfCalled(request, actions);
		if (before == Stage.WAITING) {
			this.lanes.leave(request);
		}
		if (before == Stage.QUEUED && this.faults.contains(Fault.METHOD_AFTER_DEADLINE_EXCEEDED)) {
			request.unclaimed = true;
		}
		reply(request, ReplyKind.ERROR, ReplyErrorCodes.DEADLINE_EXCEEDED, actions);
	}

	private void takenAway(Collection<Partition> partitions, boolean graceful, List<ResponderAction> actions) {
		for (Partition partition : partitions) {
			CoreLedger ledger = this.ledgers.remove(partition);
			if (ledger == null) {
				continue;
			}
			if (graceful) {
				ResponderAction.Commit point = ledger.commitPoint(partition, this.maxNamed, fault(Fault.COMMIT_PAST_UNFINISHED));
				if (point != null) {
					actions.add(point);
				}
			}
			if (!fault(Fault.START_AFTER_REVOKE)) {
				this.lanes.dropWaiting(partition);
			}
			for (CoreRequest request : List.copyOf(this.known.values())) {
				if (request.ref.partition().equals(partition) && request.inHand()) {
					end(request, Ending.ABANDONED, false, actions);
				}
			}
		}
	}

	private void end(CoreRequest request, Ending ending, boolean finished, List<ResponderAction> actions) {
		Stage before = request.stage;
		interruptIfCalled(request, actions);
		request.stage = Stage.ENDED;
		this.inHand--;
		CoreLedger ledger = this.ledgers.get(request.ref.partition());
		if (finished && ledger != null) {
			ledger.finish(request.ref.offset());
		}
		actions.add(new ResponderAction.Outcome(request.ref, ending));
		if (before == Stage.WAITING) {
			this.known.remove(request.ref.id());
			if (ending != Ending.ABANDONED && fault(Fault.EARLY_END_PASSES_TURN)) {
				CoreRequest next = this.lanes.leaveAndPass(request);
				if (next != null) {
					start(next, actions);
				}
			}
			else if (ending != Ending.ABANDONED || !fault(Fault.START_AFTER_REVOKE)) {
				this.lanes.leave(request);
			}
			return;
		}
		if (request.released()) {
			release(request, actions);
		}
	}

	private void interruptIfCalled(CoreRequest request, List<ResponderAction> actions) {
		if (request.stage == Stage.RUNNING || request.stage == Stage.AWAITING) {
			actions.add(new ResponderAction.Interrupt(request.ref));
		}
	}

	private void workerDone(CoreRequest request, List<ResponderAction> actions) {
		if (!request.workerBusy) {
			return;
		}
		request.workerBusy = false;
		if (request.released()) {
			release(request, actions);
		}
	}

	// Ended and its worker done: the next of its lane that is still in hand starts.
	private void release(CoreRequest request, List<ResponderAction> actions) {
		this.known.remove(request.ref.id());
		CoreRequest next = this.lanes.release(request);
		while (next != null && !next.inHand() && !fault(Fault.START_AFTER_REVOKE)) {
			next = this.lanes.release(next);
		}
		if (next != null && !this.stopped) {
			start(next, actions);
		}
	}

	// Ask for the commit of every partition whose point moved, pausing those it cannot name fully.
	private void commits(List<ResponderAction> actions) {
		for (Map.Entry<Partition, CoreLedger> entry : this.ledgers.entrySet()) {
			CoreLedger ledger = entry.getValue();
			ResponderAction.Commit point = ledger.commitPoint(entry.getKey(), this.maxNamed,
					fault(Fault.COMMIT_PAST_UNFINISHED));
			if (point == null || point.equals(ledger.lastCommit)) {
				continue;
			}
			ledger.lastCommit = point;
			actions.add(point);
			boolean pause = !point.complete() && !fault(Fault.TRUNCATED_METADATA_NOT_PAUSED);
			if (pause != ledger.paused) {
				ledger.paused = pause;
				actions.add(pause ? new ResponderAction.Pause(entry.getKey()) : new ResponderAction.Resume(entry.getKey()));
			}
		}
	}

	private boolean fault(Fault fault) {
		return this.faults.contains(fault);
	}

	private enum ReplyKind {

		REPLY, ERROR

	}

}
