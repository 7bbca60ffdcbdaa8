package dev.requestreply.responder.core;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

import dev.requestreply.ReplyHandler;
import dev.requestreply.responder.core.ResponderAction.Ending;
import dev.requestreply.responder.core.SimulatedRequest.Behaviour;
import org.jspecify.annotations.Nullable;

/**
 * One seeded schedule: a virtual clock and a random order of everything that can happen to a
 * handler (records fetched, workers starting late, handlers that block, ignore interrupts, throw,
 * return futures that never complete or endless streams, replies sent late or failing, commits
 * failing, cancels, deadlines, max handling times, partitions revoked, lost, assigned again, a
 * stop), each handed to the core as its event; the core's actions are carried out by the
 * simulated world and checked by {@link SimulationChecks} after every step.
 */
final class ResponderSimulation implements SimulationChecks.World {

	private final SplittableRandom random;

	final ReplyHandler.Ordering ordering;

	final int maxMetadataChars;

	final long maxHandlingTime;

	final long sendTimeout;

	private final int records;

	final SimulatedPartition[] partitions;

	final ResponderCore core;

	final SimulationChecks checks;

	private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();

	final Map<Long, SimulatedRequest> requests = new HashMap<>();

	final Map<Long, SimulatedRequest> inHand = new LinkedHashMap<>();

	long now;

	int steps;

	private long nextId;

	boolean stopped;

	// Whether the core takes events in rounds, as the handler's loop does, asking for the
	// commits at each round's end, or asks for them after every event.
	private final boolean inRounds;

	// A round's end is scheduled: events taken since the commits were last asked for.
	private boolean roundOpen;

	ResponderSimulation(long seed, Set<Fault> faults) {
		this.random = new SplittableRandom(seed);
		this.ordering = ReplyHandler.Ordering.values()[this.random.nextInt(3)];
		this.maxMetadataChars = this.random.nextInt(6, 17);
		this.maxHandlingTime = this.random.nextLong(40, 200);
		this.sendTimeout = this.random.nextLong(10, 50);
		this.records = this.random.nextInt(3, 14);
		this.partitions = new SimulatedPartition[this.random.nextInt(1, 4)];
		Object[] keys = { "a", "b", "c" };
		for (int i = 0; i < this.partitions.length; i++) {
			Object[] keyOf = new Object[this.records];
			for (int offset = 0; offset < this.records; offset++) {
				int pick = this.random.nextInt(4);
				keyOf[offset] = (pick < 3) ? keys[pick] : null;
			}
			this.partitions[i] = new SimulatedPartition(new Partition("requests", i), keyOf);
		}
		this.core = new ResponderCore(this.ordering, this.maxMetadataChars, faults);
		this.inRounds = this.random.nextBoolean();
		this.checks = new SimulationChecks(this);
	}

	/**
	 * Run the schedule to its end.
	 * @throws SimulationChecks.Violation at the first invariant broken
	 */
	void run() {
		for (SimulatedPartition partition : this.partitions) {
			assign(partition);
		}
		long horizon = 1_000;
		for (int i = this.random.nextInt(4); i > 0; i--) {
			SimulatedPartition partition = this.partitions[this.random.nextInt(this.partitions.length)];
			boolean lost = this.random.nextInt(4) == 0;
			at(this.random.nextLong(horizon), () -> takeAway(partition, lost));
		}
		if (this.random.nextInt(5) == 0) {
			at(this.random.nextLong(horizon), this::stop);
		}
		while (!this.queue.isEmpty()) {
			Scheduled next = this.queue.poll();
			this.now = next.time;
			next.task.run();
		}
		this.checks.atEnd();
	}

	@Override
	public int maxMetadataChars() {
		return this.maxMetadataChars;
	}

	@Override
	public boolean stopped() {
		return this.stopped;
	}

	@Override
	public long now() {
		return this.now;
	}

	@Override
	public int steps() {
		return this.steps;
	}

	@Override
	public int coreInHand() {
		return this.core.inHand();
	}

	@Override
	public SimulatedRequest request(RequestRef ref) {
		return this.requests.get(ref.id());
	}

	@Override
	public SimulatedPartition partition(Partition partition) {
		return this.partitions[partition.number()];
	}

	@Override
	public Collection<SimulatedPartition> partitions() {
		return List.of(this.partitions);
	}

	@Override
	public Collection<SimulatedRequest> inHand() {
		return this.inHand.values();
	}

	private void at(long delay, Runnable task) {
		this.queue.add(new Scheduled(this.now + delay, this.random.nextLong(), task));
	}

	void deliver(ResponderEvent event) {
		this.steps++;
		List<ResponderAction> actions;
		if (this.inRounds) {
			actions = this.core.decide(event);
			if (!this.roundOpen) {
				// The round ends once the loop has taken what was posted meanwhile.
				this.roundOpen = true;
				at(this.random.nextLong(0, 4), this::endRound);
			}
		}
		else {
			actions = this.core.on(event);
		}
		for (ResponderAction action : actions) {
			carryOut(action);
		}
		this.checks.afterStep();
	}

	private void endRound() {
		this.steps++;
		this.roundOpen = false;
		for (ResponderAction action : this.core.commits()) {
			carryOut(action);
		}
		this.checks.afterStep();
	}

	@Override
	public boolean commitsSettled() {
		return !this.roundOpen;
	}

	// The consumer's side.

	private void assign(SimulatedPartition partition) {
		if (this.stopped || partition.owned) {
			return;
		}
		partition.owned = true;
		partition.paused = false;
		partition.generation++;
		partition.lastCommit = null;
		partition.finishedNow.clear();
		partition.nextFetch = partition.committed;
		deliver(new ResponderEvent.Assigned(partition.partition, partition.committed, partition.committedMetadata));
		fetchLater(partition);
	}

	private void fetchLater(SimulatedPartition partition) {
		if (!partition.fetchScheduled) {
			partition.fetchScheduled = true;
			at(this.random.nextLong(1, 15), () -> fetch(partition));
		}
	}

	private void fetch(SimulatedPartition partition) {
		partition.fetchScheduled = false;
		if (!partition.owned || partition.paused || partition.nextFetch >= this.records) {
			return;
		}
		deliverNext(partition);
		fetchLater(partition);
	}

	// The next record of a partition reaches the core (after a revocation too: fetched before it).
	private void deliverNext(SimulatedPartition partition) {
		long offset = partition.nextFetch++;
		RequestRef ref = new RequestRef(this.nextId++, partition.partition, offset);
		@Nullable Object key = partition.keyOf[(int) offset];
		@Nullable Object lane = switch (this.ordering) {
			case NONE -> null;
			case PARTITION -> partition.partition;
			case KEY -> (key != null) ? List.of(partition.partition, key) : null;
		};
		boolean withDeadline = this.random.nextBoolean();
		long deadline = withDeadline ? this.now + this.random.nextLong(5, 300) : Long.MAX_VALUE;
		long bound = (withDeadline ? deadline : this.now + this.maxHandlingTime) + this.sendTimeout;
		Behaviour behaviour = Behaviour.values()[this.random.nextInt(Behaviour.values().length)];
		SimulatedRequest request = new SimulatedRequest(ref, lane, deadline, this.now, bound, partition.generation,
				behaviour);
		this.requests.put(ref.id(), request);
		this.inHand.put(ref.id(), request);
		if (withDeadline) {
			at(deadline - this.now, () -> {
				request.deadlinePassed = true;
				request.callerGaveUp = true;
				deliver(new ResponderEvent.DeadlinePassed(ref));
			});
		}
		else {
			at(this.maxHandlingTime, () -> deliver(new ResponderEvent.MaxHandlingTime(ref)));
		}
		if (this.random.nextInt(6) == 0) {
			at(this.random.nextLong(0, 150), () -> {
				request.cancelled = true;
				request.callerGaveUp = true;
				deliver(new ResponderEvent.Cancel(ref));
			});
		}
		deliver(new ResponderEvent.Arrived(ref, key, deadline));
	}

	private void takeAway(SimulatedPartition partition, boolean lost) {
		if (!partition.owned) {
			return;
		}
		partition.owned = false;
		if (lost) {
			partition.commits.clear();
			deliver(new ResponderEvent.Lost(List.of(partition.partition)));
		}
		else {
			settleCommits(partition);
			partition.committingSync = true;
			deliver(new ResponderEvent.Revoked(List.of(partition.partition)));
			partition.committingSync = false;
		}
		if (this.random.nextInt(4) == 0 && partition.nextFetch < this.records) {
			deliverNext(partition);
		}
		at(this.random.nextLong(1, 60), () -> assign(partition));
	}

	private void stop() {
		this.stopped = true;
		for (SimulatedPartition partition : this.partitions) {
			if (partition.owned) {
				settleCommits(partition);
				partition.committingSync = true;
			}
		}
		deliver(new ResponderEvent.Stop());
		for (SimulatedPartition partition : this.partitions) {
			partition.owned = false;
			partition.committingSync = false;
		}
	}

	// Commits in flight complete, in order, before a graceful revocation (a synchronous commit
	// waits for them).
	private void settleCommits(SimulatedPartition partition) {
		while (!partition.commits.isEmpty()) {
			this.checks.committed(partition, partition.commits.poll());
		}
	}

	private void completeCommit(SimulatedPartition partition) {
		ResponderAction.Commit commit = partition.commits.poll();
		if (commit == null) {
			return;
		}
		boolean succeeded = this.random.nextInt(6) != 0;
		if (succeeded) {
			this.checks.committed(partition, commit);
		}
		deliver(new ResponderEvent.CommitDone(partition.partition, commit.offset(), succeeded));
	}

	// The world's side of each action.

	private void carryOut(ResponderAction action) {
		this.checks.before(action);
		if (action instanceof ResponderAction.Start start) {
			SimulatedRequest request = this.requests.get(start.ref().id());
			at(this.random.nextInt(4) == 0 ? this.random.nextLong(0, 80) : this.random.nextLong(0, 5),
					() -> workerTakes(request));
		}
		else if (action instanceof ResponderAction.Withdraw withdraw) {
			SimulatedRequest request = this.requests.get(withdraw.ref().id());
			if (request.claimed) {
				interrupt(request);
			}
			else {
				request.withdrawn = true;
			}
		}
		else if (action instanceof ResponderAction.Interrupt interrupt) {
			interrupt(this.requests.get(interrupt.ref().id()));
		}
		else if (action instanceof ResponderAction.SendReply || action instanceof ResponderAction.SendError) {
			RequestRef ref = (action instanceof ResponderAction.SendReply reply) ? reply.ref()
					: ((ResponderAction.SendError) action).ref();
			SimulatedRequest request = this.requests.get(ref.id());
			int pick = this.random.nextInt(10);
			if (pick < 8) {
				at(this.random.nextLong(0, this.sendTimeout + 1), () -> {
					request.replySent = true;
					deliver(new ResponderEvent.ReplySent(ref));
				});
			}
			else {
				at((pick == 8) ? this.random.nextLong(0, this.sendTimeout + 1) : this.sendTimeout, () -> {
					request.replyFailed = true;
					deliver(new ResponderEvent.ReplyFailed(ref));
				});
			}
		}
		else if (action instanceof ResponderAction.Commit commit) {
			SimulatedPartition partition = this.partitions[commit.partition().number()];
			partition.lastCommit = commit;
			if (partition.committingSync) {
				this.checks.committed(partition, commit);
			}
			else {
				partition.commits.add(commit);
				at(this.random.nextLong(0, 10), () -> completeCommit(partition));
			}
		}
		else if (action instanceof ResponderAction.Pause pause) {
			this.partitions[pause.partition().number()].paused = true;
		}
		else if (action instanceof ResponderAction.Resume resume) {
			SimulatedPartition partition = this.partitions[resume.partition().number()];
			partition.paused = false;
			fetchLater(partition);
		}
		else if (action instanceof ResponderAction.Outcome outcome) {
			SimulatedRequest request = this.requests.get(outcome.ref().id());
			request.outcome = outcome.ending();
			this.inHand.remove(outcome.ref().id());
			if (outcome.ending() != Ending.ABANDONED) {
				this.partitions[outcome.ref().partition().number()].finished(request, outcome.ref().offset());
			}
		}
	}

	// A worker took the request: it claims it, unless it was withdrawn first, and tells the core
	// later (other events may reach the core in between), then calls the method.
	private void workerTakes(SimulatedRequest request) {
		if (request.withdrawn) {
			deliver(new ResponderEvent.Started(request.ref, false));
			return;
		}
		request.claimed = true;
		this.checks.methodStarts(request);
		request.methodActive = true;
		at(this.random.nextInt(3) == 0 ? this.random.nextLong(0, 10) : 0, () -> {
			deliver(new ResponderEvent.Started(request.ref, true));
			request.startedTold = true;
			// The watchdog tells the core of a method that has run long.
			at(this.random.nextLong(10, 60), () -> {
				if (request.methodActive && request.outcome == null) {
					deliver(new ResponderEvent.RunningLong(request.ref));
				}
			});
			if (request.interrupted) {
				request.interrupted = false;
				interrupt(request);
			}
			call(request);
		});
	}

	private void interrupt(SimulatedRequest request) {
		request.futureLive = false;
		if (!request.startedTold) {
			// Seen once the worker told the core it started.
			request.interrupted = true;
			return;
		}
		if (request.methodActive && request.behaviour == Behaviour.BLOCKS) {
			at(this.random.nextLong(0, 4), () -> methodEnds(request, new ResponderEvent.Threw(request.ref, "CANCELLED")));
		}
	}

	// The simulated handler's method, called on a worker.
	private void call(SimulatedRequest request) {
		RequestRef ref = request.ref;
		switch (request.behaviour) {
			case QUICK -> at(this.random.nextLong(0, 20), () -> methodEnds(request, new ResponderEvent.Returned(ref, false)));
			case THROWS -> at(this.random.nextLong(0, 20), () -> methodEnds(request, new ResponderEvent.Threw(ref, "INTERNAL")));
			case BLOCKS -> at(this.random.nextLong(20, 400), () -> methodEnds(request, new ResponderEvent.Returned(ref, false)));
			case IGNORES_INTERRUPT -> {
				if (this.random.nextBoolean()) {
					at(this.random.nextLong(100, 1_500), () -> methodEnds(request, new ResponderEvent.Returned(ref, false)));
				}
			}
			case NEVER_COMPLETING_FUTURE, ENDLESS_STREAM -> at(this.random.nextLong(0, 5), () -> {
				request.futureLive = true;
				methodEnds(request, new ResponderEvent.Returned(ref, true));
			});
			case LATE_FUTURE -> at(this.random.nextLong(0, 5), () -> {
				request.futureLive = true;
				methodEnds(request, new ResponderEvent.Returned(ref, true));
				at(this.random.nextLong(0, 250), () -> {
					if (request.futureLive) {
						request.futureLive = false;
						deliver(new ResponderEvent.Completed(ref, this.random.nextInt(5) == 0 ? "UNAVAILABLE" : null));
					}
				});
			});
		}
	}

	private void methodEnds(SimulatedRequest request, ResponderEvent event) {
		if (!request.methodActive) {
			return;
		}
		request.methodActive = false;
		this.checks.methodEnded(request);
		deliver(event);
	}

	private record Scheduled(long time, long tieBreak, Runnable task) implements Comparable<Scheduled> {

		@Override
		public int compareTo(Scheduled other) {
			int byTime = Long.compare(this.time, other.time);
			return (byTime != 0) ? byTime : Long.compare(this.tieBreak, other.tieBreak);
		}

	}

	/**
	 * A partition as the simulated broker and consumer see it.
	 */
	static final class SimulatedPartition {

		final Partition partition;

		final Object[] keyOf;

		boolean owned;

		boolean paused;

		int generation;

		long nextFetch;

		boolean fetchScheduled;

		// The group's committed offset and its metadata.
		long committed;

		@Nullable String committedMetadata;

		// The offsets that finished (in any generation).
		final Set<Long> finished = new HashSet<>();

		// The offsets whose end the core was told in its current generation (its ledger's finished ones).
		final Set<Long> finishedNow = new HashSet<>();

		final ArrayDeque<ResponderAction.Commit> commits = new ArrayDeque<>();

		ResponderAction.@Nullable Commit lastCommit;

		// The finished offsets a commit's metadata names, read back once per commit (for the checks).
		ResponderAction.@Nullable Commit namedOf;

		Set<Long> named = Set.of();

		boolean committingSync;

		// Offsets below it count as finished (by owners before the recording began).
		long finishedBelow;

		SimulatedPartition(Partition partition, Object[] keyOf) {
			this.partition = partition;
			this.keyOf = keyOf;
		}

		void finished(SimulatedRequest request, long offset) {
			this.finished.add(offset);
			if (request.generation == this.generation) {
				this.finishedNow.add(offset);
			}
		}

		boolean isFinished(long offset) {
			return offset < this.finishedBelow || this.finished.contains(offset);
		}

	}

}
