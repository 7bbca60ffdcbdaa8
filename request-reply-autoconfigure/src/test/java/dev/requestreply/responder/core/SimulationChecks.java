package dev.requestreply.responder.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.requestreply.responder.core.ResponderAction.Ending;
import dev.requestreply.responder.core.ResponderSimulation.SimulatedPartition;
import org.jspecify.annotations.Nullable;

/**
 * The invariants of a schedule, checked against what the world around the core knows
 * independently of it (a seeded simulation, or the events a handler's loop recorded): before each
 * action is carried out, and after each step.
 */
final class SimulationChecks {

	private final World simulation;

	// The request whose method runs in each lane.
	private final Map<Object, SimulatedRequest> running = new HashMap<>();

	// The offset last started in each lane, by generation of its partition.
	private final Map<Object, Long> lastStarted = new HashMap<>();

	SimulationChecks(World simulation) {
		this.simulation = simulation;
	}

	/**
	 * What the checks read of the world around the core.
	 */
	interface World {

		boolean stopped();

		long now();

		int steps();

		int coreInHand();

		SimulatedRequest request(RequestRef ref);

		SimulatedPartition partition(Partition partition);

		/** The longest commit metadata the core may write (0: none). */
		int maxMetadataChars();

		Collection<SimulatedPartition> partitions();

		Collection<SimulatedRequest> inHand();

		/**
		 * Whether the core was asked for the commits of every event taken so far: a loop that
		 * takes events in rounds asks once a round, and what is checked of the commits' metadata
		 * holds at a round's end.
		 */
		default boolean commitsSettled() {
			return true;
		}

	}

	void before(ResponderAction action) {
		if (action instanceof ResponderAction.Start start) {
			SimulatedRequest request = request(start.ref());
			SimulatedPartition partition = partition(start.ref());
			check(partition.owned && partition.generation == request.generation && !this.simulation.stopped(),
					Invariant.NO_START_AFTER_REVOKE, start.ref() + " started after its partition was taken away");
		}
		else if (action instanceof ResponderAction.SendReply reply) {
			send(request(reply.ref()));
		}
		else if (action instanceof ResponderAction.SendError error) {
			SimulatedRequest request = request(error.ref());
			send(request);
			request.callerGaveUp = true;
		}
		else if (action instanceof ResponderAction.Commit commit) {
			commitAsked(this.simulation.partition(commit.partition()), commit);
		}
		else if (action instanceof ResponderAction.Outcome outcome) {
			ended(request(outcome.ref()), outcome.ending());
		}
	}

	// Its worker won the claim: the method is called.
	void methodStarts(SimulatedRequest request) {
		check(request.claimedBeforeWithdrawal || (request.outcome == null && !request.callerGaveUp),
				Invariant.NO_METHOD_AFTER_END,
				request.ref + " ran after it ended or its caller was told it failed (" + request.outcome + ")");
		if (request.lane == null) {
			return;
		}
		SimulatedRequest other = this.running.get(request.lane);
		check(other == null, Invariant.LANE_EXCLUSIVE, request.ref + " ran while " + other + " of its lane ran");
		Object generationLane = List.of(request.lane, request.generation);
		Long last = this.lastStarted.get(generationLane);
		check(last == null || last < request.ref.offset(), Invariant.LANE_ORDER,
				request.ref + " started after offset " + last + " of its lane");
		this.lastStarted.put(generationLane, request.ref.offset());
		this.running.put(request.lane, request);
	}

	void methodEnded(SimulatedRequest request) {
		if (request.lane != null) {
			this.running.remove(request.lane, request);
		}
	}

	private void send(SimulatedRequest request) {
		check(request.sends == 0, Invariant.ONE_REPLY, request.ref + " got a second reply");
		check(request.outcome == null && !request.callerGaveUp, Invariant.NO_REPLY_AFTER_END,
				request.ref + " got a reply after it ended or its caller was told it failed (" + request.outcome + ")");
		request.sends++;
	}

	private void ended(SimulatedRequest request, Ending ending) {
		check(request.outcome == null, Invariant.ENDS_ONCE,
				request.ref + " ended twice: " + request.outcome + " then " + ending);
		SimulatedPartition partition = partition(request.ref);
		boolean founded = switch (ending) {
			case REPLIED, ERROR_REPLIED -> request.replySent;
			case SEND_FAILED -> request.replyFailed;
			case SKIPPED -> request.skipped;
			case CANCELLED -> request.cancelled;
			case EXPIRED -> request.deadlinePassed;
			case ABANDONED -> !partition.owned || partition.generation != request.generation || this.simulation.stopped();
			case ALREADY_FINISHED -> partition.isFinished(request.ref.offset());
		};
		check(founded, Invariant.ENDING_FOUNDED, request.ref + " ended " + ending + " without cause");
	}

	private void commitAsked(SimulatedPartition partition, ResponderAction.Commit commit) {
		for (long offset = 0; offset < commit.offset(); offset++) {
			check(partition.isFinished(offset), Invariant.COMMIT_NOT_PAST_UNFINISHED,
					"commit at " + commit.offset() + " of " + partition.partition + " passes unfinished offset " + offset);
		}
		// Read back once per commit: the checks after each step use it too.
		partition.namedOf = commit;
		partition.named = named(commit.offset(), commit.metadata());
		for (long offset : partition.named) {
			check(partition.isFinished(offset), Invariant.METADATA_NAMES_ONLY_FINISHED,
					"commit of " + partition.partition + " names unfinished offset " + offset + " as finished");
		}
		StartedOffsets started = CommitMetadata.decodeStarted(commit.offset(), commit.metadata());
		for (long offset : (started != null) ? started.offsets() : new long[0]) {
			check(!partition.finishedNow.contains(offset), Invariant.METADATA_NAMES_EVERY_FINISHED,
					"commit of " + partition.partition + " names finished offset " + offset + " as started");
		}
		check(commit.metadata().length() <= this.simulation.maxMetadataChars(), Invariant.METADATA_NAMES_EVERY_FINISHED,
				"commit metadata '" + commit.metadata() + "' longer than " + this.simulation.maxMetadataChars());
	}

	/**
	 * Return the offsets a commit's metadata names as finished, read back with the real decoding.
	 */
	static Set<Long> named(long committed, @Nullable String metadata) {
		FinishedOffsets finished = CommitMetadata.decode(committed, metadata);
		Set<Long> named = new TreeSet<>();
		if (finished != null) {
			for (long offset = committed; offset < finished.end(); offset++) {
				if (finished.contains(offset)) {
					named.add(offset);
				}
			}
		}
		return named;
	}

	// The broker took a commit.
	void committed(SimulatedPartition partition, ResponderAction.Commit commit) {
		check(commit.offset() >= partition.committed, Invariant.COMMIT_NEVER_BACK, "the committed position of "
				+ partition.partition + " went back from " + partition.committed + " to " + commit.offset());
		partition.committed = commit.offset();
		partition.committedMetadata = commit.metadata();
	}

	void afterStep() {
		for (SimulatedRequest request : this.simulation.inHand()) {
			check(this.simulation.now() <= request.bound, Invariant.ENDS_WITHIN_BOUND, request.ref + " still in hand at "
					+ this.simulation.now() + " ms, past its bound of " + request.bound + " ms");
		}
		check(this.simulation.coreInHand() == this.simulation.inHand().size(), Invariant.IN_HAND_COUNT, "the core holds "
				+ this.simulation.coreInHand() + " requests, the simulation " + this.simulation.inHand().size());
		if (!this.simulation.commitsSettled()) {
			return;
		}
		for (SimulatedPartition partition : this.simulation.partitions()) {
			ResponderAction.Commit last = partition.lastCommit;
			check(!partition.owned || last == null || last.complete() || partition.paused,
					Invariant.TRUNCATED_METADATA_PAUSES, partition.partition + " fetches while its commit cannot name "
							+ "every finished offset");
			if (partition.owned && last != null && !partition.paused && this.simulation.maxMetadataChars() > 0) {
				if (partition.namedOf != last) {
					partition.namedOf = last;
					partition.named = named(last.offset(), last.metadata());
				}
				Set<Long> named = partition.named;
				for (long offset : partition.finishedNow) {
					check(offset <= last.offset() || named.contains(offset), Invariant.METADATA_NAMES_EVERY_FINISHED,
							partition.partition + " fetches while its commit at " + last.offset() + " ('"
									+ last.metadata() + "') does not name finished offset " + offset);
				}
			}
		}
	}

	void atEnd() {
		for (SimulatedRequest request : this.simulation.inHand()) {
			check(false, Invariant.ENDS_WITHIN_BOUND, request.ref + " never ended (bound " + request.bound + " ms)");
		}
	}

	private SimulatedRequest request(RequestRef ref) {
		return this.simulation.request(ref);
	}

	private SimulatedPartition partition(RequestRef ref) {
		return this.simulation.partition(ref.partition());
	}

	private void check(boolean holds, Invariant invariant, String message) {
		if (!holds) {
			throw new Violation(invariant, "at " + this.simulation.now() + " ms, step " + this.simulation.steps() + ": "
					+ message);
		}
	}

	/**
	 * An invariant broken.
	 */
	static final class Violation extends RuntimeException {

		final Invariant invariant;

		Violation(Invariant invariant, String message) {
			super(invariant + ": " + message);
			this.invariant = invariant;
		}

	}

}
