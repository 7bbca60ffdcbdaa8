package dev.requestreply.responder.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The partitions a handler's consumer owns, each with its ledger: the commits to ask for as
 * requests finish (again after one failed), and the pause of a partition whose commit cannot
 * name every finished offset, until it can.
 */
final class CorePartitions {

	private final int maxChars;

	private final Set<Fault> faults;

	private final Map<Partition, CoreLedger> ledgers = new LinkedHashMap<>();

	CorePartitions(int maxChars, Set<Fault> faults) {
		this.maxChars = maxChars;
		this.faults = faults;
	}

	void assigned(ResponderEvent.Assigned assigned) {
		this.ledgers.put(assigned.partition(), new CoreLedger(assigned.committed(), assigned.metadata()));
	}

	void commitDone(ResponderEvent.CommitDone done) {
		CoreLedger ledger = this.ledgers.get(done.partition());
		if (!done.succeeded() && ledger != null) {
			// Asked for again with the next commits, whatever it is by then.
			ledger.lastCommit = null;
			ledger.moved = true;
		}
	}

	void passed(Partition partition, long offset) {
		CoreLedger ledger = this.ledgers.get(partition);
		if (ledger != null) {
			ledger.pass(offset);
		}
	}

	// Its method started: a second run when the previous owner had started it.
	void started(RequestRef ref, List<ResponderAction> actions) {
		CoreLedger ledger = this.ledgers.get(ref.partition());
		if (ledger != null && ledger.start(ref.offset())) {
			actions.add(new ResponderAction.Rerun(ref));
		}
	}

	void runningLong(RequestRef ref, @Nullable CoreRequest request) {
		CoreLedger ledger = this.ledgers.get(ref.partition());
		if (request != null && request.inHand() && ledger != null) {
			ledger.runningLong(ref.offset());
		}
	}

	@Nullable CoreLedger ledger(Partition partition) {
		return this.ledgers.get(partition);
	}

	List<Partition> owned() {
		return List.copyOf(this.ledgers.keySet());
	}

	/**
	 * Take a partition away, asking for its last commit when it goes gracefully.
	 * @return whether it was owned
	 */
	boolean takeAway(Partition partition, boolean graceful, List<ResponderAction> actions) {
		CoreLedger ledger = this.ledgers.remove(partition);
		if (ledger == null) {
			return false;
		}
		ResponderAction.Commit point = graceful ? commitPoint(partition, ledger) : null;
		if (point != null) {
			actions.add(point);
		}
		return true;
	}

	/**
	 * Ask for the commit of every partition whose commit point moved, pausing those whose
	 * metadata cannot name every finished offset and resuming them once it can.
	 */
	void commits(List<ResponderAction> actions) {
		for (Map.Entry<Partition, CoreLedger> entry : this.ledgers.entrySet()) {
			CoreLedger ledger = entry.getValue();
			if (!ledger.moved) {
				// Its commit point is where it was: computed once per change, not once per event.
				continue;
			}
			ledger.moved = false;
			ResponderAction.Commit point = commitPoint(entry.getKey(), ledger);
			if (point == null || point.equals(ledger.lastCommit)) {
				continue;
			}
			ledger.lastCommit = point;
			actions.add(point);
			boolean pause = !point.complete() && !this.faults.contains(Fault.TRUNCATED_METADATA_NOT_PAUSED);
			if (pause != ledger.paused) {
				ledger.paused = pause;
				actions.add(pause ? new ResponderAction.Pause(entry.getKey()) : new ResponderAction.Resume(entry.getKey()));
			}
		}
	}

	private ResponderAction.@Nullable Commit commitPoint(Partition partition, CoreLedger ledger) {
		return ledger.commitPoint(partition, this.maxChars, this.faults);
	}

}
