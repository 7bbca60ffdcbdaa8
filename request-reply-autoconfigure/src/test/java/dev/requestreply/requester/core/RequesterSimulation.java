package dev.requestreply.requester.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.requestreply.requester.RequestOutcome;
import dev.requestreply.requester.core.RequestAction.Complete;
import dev.requestreply.requester.core.RequestAction.Completion;
import dev.requestreply.requester.core.RequestEvent.AtTimeout;
import dev.requestreply.requester.core.RequestEvent.Cancel;
import dev.requestreply.requester.core.RequestEvent.Gathered;
import dev.requestreply.requester.core.RequestEvent.Reply;
import dev.requestreply.requester.core.RequestEvent.SendFailed;
import dev.requestreply.requester.core.RequestEvent.Stop;
import dev.requestreply.requester.core.RequestEvent.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * One seeded schedule of a requester driven through its {@link RequestCore}: a virtual clock (in
 * milliseconds), a timer that ticks every {@link #TICK}, a reply reader, callers that cancel and
 * wait, and the completion threads modelled as a few workers whose tasks (user callbacks) may
 * block for seconds. The invariants are checked after every step; a broken one throws
 * {@link AssertionError}.
 */
final class RequesterSimulation {

	static final long TICK = 10;

	// How late past one tick an engine-side end may come: the engine's own work takes no time here.
	static final long BOUND = 0;

	static final long LATE_REPLY_WINDOW = 200;

	private final SplittableRandom random;

	private final RequestCore core;

	private final int workers;

	private final long[] busyUntil;

	private final Deque<Task> queue = new ArrayDeque<>();

	private final Map<Integer, Sim> requests = new LinkedHashMap<>();

	private final Map<Integer, Sim> pending = new LinkedHashMap<>();

	private final Map<Integer, Long> recentlyEnded = new HashMap<>();

	private long now;

	private long nextTick = TICK;

	private long timerBusyUntil;

	// The timer stopped with the engine: ended ids are no longer expired.
	private boolean draining;

	private int sent;

	private int ended;

	int steps;

	RequesterSimulation(long seed, RequestCore core) {
		this.random = new SplittableRandom(seed);
		this.core = core;
		this.workers = 1 + this.random.nextInt(4);
		this.busyUntil = new long[this.workers];
	}

	void run(int maxSteps) {
		int count = 10 + this.random.nextInt(maxSteps - 10);
		for (int i = 0; i < count; i++) {
			step();
			this.steps++;
			check();
		}
		for (Sim sim : new ArrayList<>(this.pending.values())) {
			sim.stopped = true;
			apply(sim, new Stop(), Side.CALLER);
		}
		check();
		// Nothing is pending: only the completion threads have work left.
		this.nextTick = Long.MAX_VALUE / 2;
		this.draining = true;
		advanceTo(this.now + 1_000_000);
		check();
		for (Sim sim : this.requests.values()) {
			expect(sim.futureDone, sim, "future never ended");
		}
		expect(this.queue.isEmpty(), null, "completion tasks left: " + this.queue.size());
	}

	private void step() {
		int roll = this.random.nextInt(100);
		if (roll < 22 || this.pending.isEmpty()) {
			register();
		}
		else if (roll < 60) {
			reply();
		}
		else if (roll < 65) {
			Sim sim = this.random.nextBoolean() ? any(this.requests) : any(this.pending);
			if (!sim.futureDone && this.random.nextBoolean()) {
				futureDone(sim);
				apply(sim, new Cancel(true), Side.CALLER);
			}
			else {
				apply(sim, new Cancel(false), Side.CALLER);
			}
		}
		else if (roll < 66) {
			apply(any(this.pending), new SendFailed(), Side.CALLER);
		}
		else if (roll < 72) {
			Sim sim = any(this.pending);
			sim.waiting = !sim.futureDone;
		}
		else {
			advanceTo(this.now + 1 + this.random.nextInt((int) TICK * 4));
		}
	}

	private void register() {
		Sim sim = new Sim(this.requests.size());
		boolean cancelsOn = this.random.nextInt(10) != 0;
		boolean partition = this.random.nextBoolean();
		long timeout = 20 + this.random.nextInt(400);
		sim.state = switch (this.random.nextInt(3)) {
			case 0 -> RequestState.single(this.now + timeout, cancelsOn, partition);
			case 1 -> RequestState.stream(this.now, timeout, 10 + this.random.nextInt(150), 1 + this.random.nextInt(4),
					cancelsOn, partition);
			default -> {
				// The responders it has, and how many replies its policy wants (more: the timeout ends it).
				sim.responders = 1 + this.random.nextInt(4);
				sim.enough = 1 + this.random.nextInt(sim.responders + 1);
				// From how many replies its policy answers that the timeout completes it with them.
				sim.releaseFrom = this.random.nextInt(sim.responders + 2);
				yield RequestState.gather(this.now + timeout, cancelsOn, partition, sim.releaseFrom == 0);
			}
		};
		sim.state = folded(sim.state);
		this.requests.put(sim.id, sim);
		this.pending.put(sim.id, sim);
		this.sent++;
	}

	private void reply() {
		Sim sim;
		if (!this.recentlyEnded.isEmpty() && this.random.nextInt(5) == 0) {
			sim = this.requests.get(any(this.recentlyEnded.keySet()));
		}
		else {
			sim = any(this.pending);
		}
		RequestState state = sim.state;
		boolean error = this.random.nextInt(8) == 0;
		Reply reply = switch (state.kind()) {
			case SINGLE -> new Reply(this.now, null, null, null, error);
			case GATHER -> new Reply(this.now, "r" + this.random.nextInt(sim.responders), null, null, error);
			case STREAM -> {
				int kind = this.random.nextInt(10);
				if (kind < 7) {
					long sequence = Math.max(0, state.next() - 1 + this.random.nextInt(state.maxEarly() + 3));
					yield new Reply(this.now, null, sequence, null, false);
				}
				yield (kind < 9) ? new Reply(this.now, null, null, state.next() + this.random.nextInt(4), false)
						: new Reply(this.now, null, null, null, true);
			}
		};
		apply(sim, reply, Side.READER);
	}

	// The engine's threads: the timer, the reply reader, callers.
	private enum Side {

		TIMER, READER, CALLER

	}

	private void apply(Sim sim, RequestEvent event, Side side) {
		RequestCore.Transition transition = this.core.apply(sim.state, event);
		if (!sim.state.ended() && transition.state().ended()) {
			sim.endedBy = event;
			sim.endedFrom = sim.state;
		}
		sim.state = folded(transition.state());
		List<RequestAction> user = new ArrayList<>();
		for (RequestAction action : transition.actions()) {
			if (action instanceof RequestAction.Deliver deliver) {
				// In order, each once; the stream's publisher keeps that order across the workers.
				expect(deliver.sequence() == sim.delivered, sim, "element " + deliver.sequence() + " delivered out of order");
				sim.delivered++;
			}
			if (action.userCode()) {
				user.add(action);
			}
			else {
				engine(sim, action, side);
			}
		}
		if (user.isEmpty()) {
			return;
		}
		Task task = new Task(sim, user, callbackTime());
		if (sim.waiting && user.stream().anyMatch(Complete.class::isInstance)) {
			// Handed to the caller waiting in get(): it runs there, not on a worker.
			sim.waiting = false;
			run(task);
		}
		else {
			this.queue.add(task);
		}
	}

	// As the engine holds it: a request with one reply in its word and deadline.
	private static RequestState folded(RequestState state) {
		return (state.kind() == RequestKind.SINGLE) ? RequestState.ofWord(state.word(), state.deadline()) : state;
	}

	private void engine(Sim sim, RequestAction action, Side side) {
		if (action instanceof RequestAction.Remove remove) {
			expect(!sim.removed, sim, "removed twice");
			sim.removed = true;
			sim.removedAt = this.now;
			this.pending.remove(sim.id);
			if (remove.rememberId()) {
				this.recentlyEnded.put(sim.id, this.now);
			}
		}
		else if (action instanceof RequestAction.Count count) {
			sim.countedAs = count.outcome();
			sim.countedAt = this.now;
			sim.counted++;
			this.ended++;
			expect(sim.counted == 1, sim, "counted twice");
		}
		else if (action instanceof RequestAction.Measure) {
			measured(sim);
		}
		else if (action instanceof RequestAction.SendCancel) {
			sim.cancelAt = this.now;
			sim.cancels++;
		}
		else if (action instanceof RequestAction.Notify && side == Side.TIMER) {
			// User code on the timer's thread: the timer waits for it.
			this.timerBusyUntil = Math.max(this.timerBusyUntil, this.now) + callbackTime();
		}
	}

	private void run(Task task) {
		Sim sim = task.sim;
		for (RequestAction action : task.actions) {
			if (action instanceof Complete complete) {
				sim.completion = complete.completion();
				sim.completions++;
				expect(sim.completions == 1, sim, "future completed twice by the engine");
				if (!sim.futureDone) {
					futureDone(sim);
				}
				for (RequestAction deferred : complete.deferred()) {
					engine(sim, deferred, Side.CALLER);
				}
			}
			else if (action instanceof RequestAction.Measure) {
				measured(sim);
			}
			else if (action instanceof RequestAction.TestPolicy && !sim.state.ended()) {
				// The caller's policy, on a completion thread: enough replies, or now and then it throws.
				int replies = sim.state.answered().size();
				if (replies >= sim.enough || this.random.nextInt(50) == 0) {
					apply(sim, new Gathered(replies < sim.enough), Side.CALLER);
				}
				else {
					// Asked too whether the timeout would complete it with the replies so far.
					apply(sim, new AtTimeout(replies, replies >= sim.releaseFrom), Side.CALLER);
				}
			}
		}
	}

	// The library's own outcome listeners (its timers, the endpoint's figures) told of the end.
	private void measured(Sim sim) {
		sim.measuredAt = this.now;
		sim.measured++;
	}

	private void futureDone(Sim sim) {
		sim.futureDone = true;
		sim.waiting = false;
	}

	private void advanceTo(long target) {
		for (;;) {
			long tick = Math.max(this.nextTick, this.timerBusyUntil);
			int worker = -1;
			long free = Long.MAX_VALUE;
			if (!this.queue.isEmpty()) {
				for (int i = 0; i < this.workers; i++) {
					long at = Math.max(this.busyUntil[i], this.now);
					if (at < free) {
						free = at;
						worker = i;
					}
				}
			}
			long at = Math.min(tick, free);
			if (at > target) {
				break;
			}
			this.now = Math.max(this.now, at);
			if (worker >= 0 && free <= tick) {
				Task task = this.queue.poll();
				this.busyUntil[worker] = this.now + task.duration;
				run(task);
			}
			else {
				onTick();
				this.nextTick = (this.now / TICK + 1) * TICK;
			}
			check();
		}
		this.now = target;
	}

	private void onTick() {
		for (Sim sim : new ArrayList<>(this.pending.values())) {
			if (!sim.state.ended() && sim.state.deadline() <= this.now) {
				apply(sim, new Timeout(this.now), Side.TIMER);
				// User code ran on the timer's thread: the rest of the sweep waits for it.
				this.now = Math.max(this.now, this.timerBusyUntil);
			}
		}
		this.recentlyEnded.values().removeIf((at) -> this.now - at > LATE_REPLY_WINDOW);
	}

	private void check() {
		for (Sim sim : this.requests.values()) {
			RequestState state = sim.state;
			if (!sim.removed) {
				expect(this.now <= state.deadline() + TICK + BOUND, sim,
						"engine-side end late: still pending " + (this.now - state.deadline()) + " ms past its deadline");
			}
			else if (sim.counted == 1) {
				RequestOutcome outcome = state.outcome();
				long latest = state.deadline() + TICK + BOUND;
				expect((outcome != RequestOutcome.TIMEOUT && outcome != RequestOutcome.PARTIAL)
						|| (sim.removedAt <= latest && sim.countedAt <= latest && (sim.cancels == 0 || sim.cancelAt <= latest)),
						sim, "engine-side end late: removed, counted, cancelled " + (sim.removedAt - state.deadline()) + ", "
								+ (sim.countedAt - state.deadline()) + ", " + (sim.cancelAt - state.deadline())
								+ " ms past its deadline");
				// The library's figures at once, so never later than the engine's own end.
				expect(sim.measured == 1 && sim.measuredAt == sim.countedAt, sim, "library figures: measured "
						+ sim.measured + " time(s), " + (sim.measuredAt - sim.countedAt) + " ms after the count");
				expect(sim.countedAs == outcome, sim, "counted as " + sim.countedAs + ", ended " + outcome);
				if (sim.endedBy instanceof Timeout && state.kind() == RequestKind.GATHER) {
					checkGatherTimeout(sim);
				}
				// A request still pending at stop is failed by it, and its responders told to stop.
				boolean cancel = state.cancelsOn() && (sim.stopped || outcome == RequestOutcome.TIMEOUT
						|| outcome == RequestOutcome.PARTIAL
						|| outcome == RequestOutcome.CANCELLED || state.kind() == RequestKind.GATHER);
				expect(sim.cancels == (cancel ? 1 : 0), sim, "cancel records sent: " + sim.cancels + ", expected "
						+ (cancel ? 1 : 0) + " for " + outcome);
			}
			expect(state.held() <= state.maxEarly(), sim, "stream holds " + state.held() + " elements, bound "
					+ state.maxEarly());
			expect(!state.ended() || sim.futureDone || sim.completions + queued(sim) == 1, sim,
					"ended without a completion on its way: the future would hang");
			// A caller waits only on a future that ends: pending, or its completion queued.
			expect(!sim.waiting || (!sim.futureDone && (!state.ended() || queued(sim) == 1)), sim,
					"a caller waits on a future nothing will complete");
		}
		for (long at : this.recentlyEnded.values()) {
			expect(this.draining || this.now - at <= LATE_REPLY_WINDOW + TICK, null, "ended id held past its window");
		}
		expect(this.sent == this.ended + this.pending.size(), null,
				"counts: sent " + this.sent + " != ended " + this.ended + " + pending " + this.pending.size());
	}

	private int queued(Sim sim) {
		int count = 0;
		for (Task task : this.queue) {
			if (task.sim == sim && task.actions.stream().anyMatch(Complete.class::isInstance)) {
				count++;
			}
		}
		return count;
	}

	private long callbackTime() {
		int roll = this.random.nextInt(100);
		if (roll < 70) {
			return this.random.nextInt(5);
		}
		return (roll < 95) ? 5 + this.random.nextInt(100) : 1_000 + this.random.nextInt(9_000);
	}

	private <K> K any(Iterable<K> keys) {
		List<K> list = new ArrayList<>();
		keys.forEach(list::add);
		return list.get(this.random.nextInt(list.size()));
	}

	private Sim any(Map<Integer, Sim> map) {
		int skip = this.random.nextInt(map.size());
		Iterator<Sim> it = map.values().iterator();
		for (int i = 0; i < skip; i++) {
			it.next();
		}
		return it.next();
	}

	// A gather its timeout ends: as its policy's last kept answer said, a partial end (counted once,
	// as partial, never as a timeout) only with some replies.
	private void checkGatherTimeout(Sim sim) {
		RequestState before = sim.endedFrom;
		int replies = before.answered().size();
		expect(before.releaseAtTimeout() == (before.weighed() >= sim.releaseFrom), sim,
				"gather's kept answer is not its policy's for " + before.weighed() + " replies");
		RequestOutcome expected = (before.releaseAtTimeout() && replies > 0) ? RequestOutcome.PARTIAL
				: RequestOutcome.TIMEOUT;
		expect(sim.state.outcome() == expected, sim, "gather's timeout with " + replies + " replies ended "
				+ sim.state.outcome() + ", expected " + expected);
		expect(sim.completion == null || sim.completion == (before.releaseAtTimeout() ? Completion.PARTIAL
				: Completion.TIMEOUT), sim, "gather's timeout completed with " + sim.completion);
	}

	private void expect(boolean condition, Sim sim, String message) {
		if (!condition) {
			throw new AssertionError(message + " at " + this.now + " ms, step " + this.steps
					+ ((sim != null) ? ", request " + sim.id + " " + sim.state : ""));
		}
	}

	private record Task(Sim sim, List<RequestAction> actions, long duration) {
	}

	private static final class Sim {

		final int id;

		RequestState state = RequestState.single(0, false, false);

		boolean futureDone;

		boolean waiting;

		boolean removed;

		long removedAt;

		long countedAt;

		long measuredAt;

		int measured;

		long cancelAt;

		int counted;

		int cancels;

		int completions;

		long delivered;

		int responders;

		int enough;

		int releaseFrom;

		@Nullable RequestEvent endedBy;

		RequestState endedFrom = RequestState.single(0, false, false);

		@Nullable RequestOutcome countedAs;

		@Nullable Completion completion;

		boolean stopped;

		Sim(int id) {
			this.id = id;
		}

	}

}
