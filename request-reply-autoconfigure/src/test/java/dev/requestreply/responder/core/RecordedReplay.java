package dev.requestreply.responder.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.requestreply.ReplyHandler;
import dev.requestreply.responder.core.ResponderAction.Ending;
import dev.requestreply.responder.core.ResponderSimulation.SimulatedPartition;
import dev.requestreply.responder.core.SimulatedRequest.Behaviour;
import org.jspecify.annotations.Nullable;

/**
 * The events a handler's loop took, as a recorder saw them, replayed in their order through a
 * fresh core with the simulation's checks: what the world knew (a cancel came, a reply was sent,
 * a partition was revoked) is read from the events themselves. Bounds in time are not checked
 * (the events carry no clock); the rest is, as in the simulation. A violation fails with the
 * broken invariant, the step and every event recorded, one a line, for the simulation to replay.
 */
public final class RecordedReplay implements SimulationChecks.World {

	private final ReplyHandler.Ordering ordering;

	private final ResponderCore core;

	private final SimulationChecks checks = new SimulationChecks(this);

	private final Map<Long, SimulatedRequest> requests = new HashMap<>();

	private final Map<Long, SimulatedRequest> inHand = new LinkedHashMap<>();

	private final Map<Partition, SimulatedPartition> partitions = new LinkedHashMap<>();

	// Per partition, the commits asked for and not answered yet, by offset.
	private final Map<Partition, Map<Long, ResponderAction.Commit>> asked = new HashMap<>();

	private int steps;

	// The actions the core decided, in order.
	private final List<ResponderAction> decided = new ArrayList<>();

	private boolean stopped;

	private final int maxMetadataChars;

	private RecordedReplay(ReplyHandler.Ordering ordering, int maxMetadataChars, Set<Fault> faults) {
		this.ordering = ordering;
		this.maxMetadataChars = maxMetadataChars;
		this.core = new ResponderCore(ordering, maxMetadataChars, faults);
	}

	/**
	 * Replay recorded events through a core of the handler's ordering, checking every step.
	 * @param ordering the handler's ordering
	 * @param maxMetadataChars the longest commit metadata of the recorded core
	 * @param events the events, in the order the loop took them
	 * @return how many steps were replayed
	 * @throws AssertionError at the first invariant broken, with the events
	 */
	public static int replay(ReplyHandler.Ordering ordering, int maxMetadataChars, List<ResponderEvent> events) {
		SimulationChecks.Violation violation = violationOf(ordering, maxMetadataChars, events, EnumSet.noneOf(Fault.class));
		if (violation != null) {
			throw new AssertionError("Recorded events broke " + violation.getMessage() + "; the events:\n"
					+ dump(events), violation);
		}
		return events.size();
	}

	/**
	 * Replay recorded events as {@link #replay} does, and return the last commit the core decided
	 * for each partition.
	 * @param ordering the handler's ordering
	 * @param maxMetadataChars the longest commit metadata of the recorded core
	 * @param events the events, in the order the loop took them
	 * @return the last commit of each partition, by partition
	 */
	public static Map<Partition, ResponderAction.Commit> lastCommits(ReplyHandler.Ordering ordering,
			int maxMetadataChars, List<ResponderEvent> events) {
		Map<Partition, ResponderAction.Commit> last = new HashMap<>();
		for (ResponderAction action : actions(ordering, maxMetadataChars, events)) {
			if (action instanceof ResponderAction.Commit commit) {
				last.put(commit.partition(), commit);
			}
		}
		return last;
	}

	/**
	 * Replay recorded events as {@link #replay} does, and return the actions the core decided
	 * (it decides the same again: no clock, no randomness).
	 * @param ordering the handler's ordering
	 * @param maxMetadataChars the longest commit metadata of the recorded core
	 * @param events the events, in the order the loop took them
	 * @return the actions, in order
	 */
	public static List<ResponderAction> actions(ReplyHandler.Ordering ordering, int maxMetadataChars,
			List<ResponderEvent> events) {
		RecordedReplay replay = new RecordedReplay(ordering, maxMetadataChars, EnumSet.noneOf(Fault.class));
		try {
			events.forEach(replay::step);
		}
		catch (SimulationChecks.Violation ex) {
			throw new AssertionError("Recorded events broke " + ex.getMessage() + "; the events:\n" + dump(events), ex);
		}
		return replay.decided;
	}

	static SimulationChecks.@Nullable Violation violationOf(ReplyHandler.Ordering ordering, int maxMetadataChars,
			List<ResponderEvent> events, Set<Fault> faults) {
		RecordedReplay replay = new RecordedReplay(ordering, maxMetadataChars, faults);
		try {
			for (ResponderEvent event : events) {
				replay.step(event);
			}
			return null;
		}
		catch (SimulationChecks.Violation ex) {
			return ex;
		}
	}

	private static String dump(List<ResponderEvent> events) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < events.size(); i++) {
			text.append(i + 1).append(": ").append(events.get(i)).append('\n');
		}
		return text.toString();
	}

	private void step(ResponderEvent event) {
		this.steps++;
		known(event);
		for (ResponderAction action : this.core.on(event)) {
			this.decided.add(action);
			this.checks.before(action);
			carriedOut(action);
		}
		if (event instanceof ResponderEvent.Stop) {
			this.partitions.values().forEach((partition) -> partition.owned = false);
		}
		this.checks.afterStep();
	}

	// What the event tells the world, before the core takes it.
	private void known(ResponderEvent event) {
		if (event instanceof ResponderEvent.Assigned assigned) {
			SimulatedPartition partition = partition(assigned.partition());
			partition.owned = true;
			partition.paused = false;
			partition.generation++;
			partition.lastCommit = null;
			partition.finishedNow.clear();
			partition.committed = assigned.committed();
			partition.finishedBelow = Math.max(partition.finishedBelow, assigned.committed());
			partition.finished.addAll(SimulationChecks.named(assigned.committed(), assigned.metadata()));
		}
		else if (event instanceof ResponderEvent.Arrived arrived) {
			RequestRef ref = arrived.ref();
			SimulatedRequest request = new SimulatedRequest(ref, lane(ref.partition(), arrived.laneKey()),
					arrived.deadline(), 0, Long.MAX_VALUE, partition(ref.partition()).generation, Behaviour.QUICK);
			this.requests.put(ref.id(), request);
			this.inHand.put(ref.id(), request);
		}
		else if (event instanceof ResponderEvent.Started started && started.claimed()) {
			SimulatedRequest request = request(started.ref());
			request.claimed = true;
			request.claimedBeforeWithdrawal = request.withdrawn;
			this.checks.methodStarts(request);
			request.methodActive = true;
		}
		else if (event instanceof ResponderEvent.Returned returned) {
			methodEnded(returned.ref());
		}
		else if (event instanceof ResponderEvent.Threw threw) {
			methodEnded(threw.ref());
		}
		else if (event instanceof ResponderEvent.Skipped skipped) {
			SimulatedRequest request = request(skipped.ref());
			request.skipped = true;
			if (request.methodActive) {
				methodEnded(skipped.ref());
			}
		}
		else if (event instanceof ResponderEvent.ReplySent sent) {
			request(sent.ref()).replySent = true;
		}
		else if (event instanceof ResponderEvent.ReplyFailed failed) {
			request(failed.ref()).replyFailed = true;
		}
		else if (event instanceof ResponderEvent.Cancel cancel) {
			SimulatedRequest request = this.requests.get(cancel.ref().id());
			if (request != null) {
				request.cancelled = true;
				request.callerGaveUp = true;
			}
		}
		else if (event instanceof ResponderEvent.DeadlinePassed passed) {
			SimulatedRequest request = this.requests.get(passed.ref().id());
			if (request != null) {
				request.deadlinePassed = true;
				request.callerGaveUp = true;
			}
		}
		else if (event instanceof ResponderEvent.Revoked revoked) {
			revoked.partitions().forEach((partition) -> partition(partition).owned = false);
		}
		else if (event instanceof ResponderEvent.Lost lost) {
			lost.partitions().forEach((partition) -> partition(partition).owned = false);
		}
		else if (event instanceof ResponderEvent.CommitDone done && done.succeeded()) {
			ResponderAction.Commit commit = this.asked.getOrDefault(done.partition(), Map.of()).remove(done.offset());
			if (commit != null) {
				this.checks.committed(partition(done.partition()), commit);
			}
		}
		else if (event instanceof ResponderEvent.Passed passed) {
			SimulatedPartition partition = partition(passed.partition());
			partition.finished.add(passed.offset());
			partition.finishedNow.add(passed.offset());
		}
		else if (event instanceof ResponderEvent.Stop) {
			this.stopped = true;
		}
	}

	private void methodEnded(RequestRef ref) {
		SimulatedRequest request = request(ref);
		request.methodActive = false;
		this.checks.methodEnded(request);
	}

	// The world's side of an action, as far as the checks need it.
	private void carriedOut(ResponderAction action) {
		if (action instanceof ResponderAction.Withdraw withdraw) {
			request(withdraw.ref()).withdrawn = true;
		}
		else if (action instanceof ResponderAction.Commit commit) {
			partition(commit.partition()).lastCommit = commit;
			this.asked.computeIfAbsent(commit.partition(), (partition) -> new HashMap<>()).put(commit.offset(), commit);
		}
		else if (action instanceof ResponderAction.Pause pause) {
			partition(pause.partition()).paused = true;
		}
		else if (action instanceof ResponderAction.Resume resume) {
			partition(resume.partition()).paused = false;
		}
		else if (action instanceof ResponderAction.Outcome outcome) {
			SimulatedRequest request = request(outcome.ref());
			request.outcome = outcome.ending();
			this.inHand.remove(outcome.ref().id());
			if (outcome.ending() != Ending.ABANDONED) {
				partition(outcome.ref().partition()).finished(request, outcome.ref().offset());
			}
		}
	}

	private @Nullable Object lane(Partition partition, @Nullable Object key) {
		return switch (this.ordering) {
			case NONE -> null;
			case PARTITION -> partition;
			case KEY -> (key != null) ? List.of(partition, key) : null;
		};
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
		return 0;
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
		SimulatedRequest request = this.requests.get(ref.id());
		if (request == null) {
			throw new IllegalStateException("Step " + this.steps + ": " + ref + " was never recorded as arrived");
		}
		return request;
	}

	@Override
	public SimulatedPartition partition(Partition partition) {
		return this.partitions.computeIfAbsent(partition, (created) -> new SimulatedPartition(created, new Object[0]));
	}

	@Override
	public Collection<SimulatedPartition> partitions() {
		return this.partitions.values();
	}

	@Override
	public Collection<SimulatedRequest> inHand() {
		return this.inHand.values();
	}

}
