package dev.requestreply.responder.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.requestreply.responder.core.CoreRequest.Stage;
import dev.requestreply.responder.core.ResponderAction.Ending;
import org.jspecify.annotations.Nullable;

/**
 * The requests a handler's core knows (in hand, or ended with their worker still busy), how each
 * starts and ends, and how its lane's turn passes once it ended and its worker is done. Part of
 * {@link ResponderCore}, used by it only.
 */
final class CoreRequests {

	private final Set<Fault> faults;

	private final CoreLanes lanes;

	private final CorePartitions partitions;

	private final Map<Long, CoreRequest> known = new HashMap<>();

	private int inHand;

	private boolean stopped;

	CoreRequests(CoreLanes lanes, CorePartitions partitions, Set<Fault> faults) {
		this.lanes = lanes;
		this.partitions = partitions;
		this.faults = faults;
	}

	int inHand() {
		return this.inHand;
	}

	boolean stopped() {
		return this.stopped;
	}

	void stop() {
		this.stopped = true;
	}

	@Nullable CoreRequest get(RequestRef ref) {
		return this.known.get(ref.id());
	}

	/**
	 * Return those in hand on a partition.
	 */
	List<CoreRequest> inHandOn(Partition partition) {
		return this.known.values()
			.stream()
			.filter((request) -> request.ref.partition().equals(partition) && request.inHand())
			.toList();
	}

	/**
	 * A request arrived: in hand, started when its lane lets it.
	 */
	void arrived(RequestRef ref, @Nullable Object laneKey, List<ResponderAction> actions) {
		CoreRequest request = new CoreRequest(ref, laneKey);
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

	/**
	 * End a request in hand: its call interrupted, its offset finished unless it is left to the
	 * partition's next owner, its outcome told, its lane's turn passed when nothing holds it.
	 */
	void end(CoreRequest request, Ending ending, boolean finished, List<ResponderAction> actions) {
		Stage before = request.stage;
		stopCall(request, actions);
		request.stage = Stage.ENDED;
		this.inHand--;
		CoreLedger ledger = this.partitions.ledger(request.ref.partition());
		if (finished && ledger != null) {
			ledger.finish(request.ref.offset());
		}
		actions.add(new ResponderAction.Outcome(request.ref, ending));
		if (before == Stage.WAITING) {
			this.known.remove(request.ref.id());
			CoreRequest next = this.lanes.waitingEnded(request, ending == Ending.ABANDONED, this.faults);
			if (next != null) {
				start(next, actions);
			}
		}
		else if (request.released()) {
			release(request, actions);
		}
	}

	/**
	 * Its call is to stop: interrupted if it runs (or awaits its future), withdrawn if its worker
	 * has not said it started.
	 */
	void stopCall(CoreRequest request, List<ResponderAction> actions) {
		if (request.stage == Stage.RUNNING || request.stage == Stage.AWAITING) {
			actions.add(new ResponderAction.Interrupt(request.ref));
		}
		else if (request.stage == Stage.QUEUED) {
			actions.add(new ResponderAction.Withdraw(request.ref));
		}
	}

	void workerDone(CoreRequest request, List<ResponderAction> actions) {
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
		while (next != null && !next.inHand() && !this.faults.contains(Fault.START_AFTER_REVOKE)) {
			next = this.lanes.release(next);
		}
		if (next != null && !this.stopped) {
			start(next, actions);
		}
	}

}
