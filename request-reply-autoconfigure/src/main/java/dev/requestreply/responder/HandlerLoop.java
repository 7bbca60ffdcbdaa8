package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderCore;
import dev.requestreply.responder.core.ResponderEvent;
import dev.requestreply.support.LogThrottle;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * The one owner of a handler's request state: a mailbox of {@link ResponderEvent events} that
 * any thread posts to without waiting (consumers, workers, producer callbacks, the cancel reader,
 * the watchdog), drained by one task at a time on an executor of the library's own (never the
 * handler's, never a consumer's), which hands each event to the decisions
 * ({@link ResponderCore#decide}; a round's commits at its end: {@link ResponderCore#commits}) and
 * each action decided to the executors of actions. So the core sees
 * one event at a time, in the order each poster posted them. The loop survives whatever the
 * decisions or an action throw: logged (at most once a minute, with the number since) and
 * counted. A thread posts what it has at once (a poll's arrivals, a method's return with its
 * reply) as one {@link LoopPosting}; the loop wakes once per drain, never while it is scheduled
 * or running, and takes all that is queued by then in rounds, each inside its round hook (which
 * hands out what the round decided together: the requests to start, the replies to send). Its
 * liveness is the age of its oldest unprocessed event ({@link #lagNanos}); the watchdog
 * {@link #check checks} it, and a loop stuck past its bound stops its handler's intake
 * until it catches up, rather than letting requests pile up behind it.
 */
final class HandlerLoop {

	/**
	 * How long a loop may leave an event unprocessed before it counts as stuck.
	 */
	static final Duration STALL_AFTER = ReplyHandlerContainers.LOOP_STALL_AFTER;

	// Events drained by one task before it hands the thread back to the other loops.
	private static final int BATCH = 256;

	private static final long IDLE = Long.MIN_VALUE;

	private static final LogAccessor logger = new LogAccessor(HandlerLoop.class);

	private final String handlerId;

	private final Function<ResponderEvent, List<ResponderAction>> decisions;

	// The commits a round moved, asked for once at its end.
	private final Supplier<List<ResponderAction>> commits;

	private final Executor executor;

	private final Consumer<ResponderAction> actions;

	private final LoopStall stall;

	private final LongSupplier nanoClock;

	private final Queue<LoopPosting> mailbox = new ConcurrentLinkedQueue<>();

	// Runs each round of the drain (a task's batch of events), on the loop.
	private final Consumer<Runnable> rounds;

	private final Runnable drainTask = this::drain;

	private final Runnable roundTask = this::round;

	// The loop's thread only: the round ended with events left.
	private boolean full;

	// Up while a task drains (or is about to): only one at a time.
	private final AtomicBoolean draining = new AtomicBoolean();

	private final LogThrottle failures = new LogThrottle(Duration.ofMinutes(1));

	// When the event being processed was posted, IDLE between events.
	private volatile long busySince = IDLE;

	private volatile @Nullable Consumer<ResponderEvent> recorder;

	/**
	 * The liveness of a loop, for health.
	 * @param handlerId its handler's id
	 * @param lag the age of its oldest unprocessed event (zero when it has none)
	 * @param stalled whether that age passed the loop's bound (its handler's intake is paused)
	 * @param failures how many times the decisions or an action threw
	 */
	record Status(String handlerId, Duration lag, boolean stalled, long failures) {

	}

	/**
	 * @param handlerId the handler's id
	 * @param core the handler's decisions: this loop is their only caller
	 * @param executor the library's executor the loop drains on
	 * @param actions carries out an action (on the loop: what may take long it hands on)
	 * @param intake what to pause while the loop is stuck
	 * @param rounds runs each round of the drain, on the loop (to hand out what it decided together)
	 */
	HandlerLoop(String handlerId, ResponderCore core, Executor executor, Consumer<ResponderAction> actions,
			LoopIntake intake, Consumer<Runnable> rounds) {
		this(handlerId, core::decide, core::commits, executor, actions, intake, STALL_AFTER, System::nanoTime, rounds);
	}

	HandlerLoop(String handlerId, Function<ResponderEvent, List<ResponderAction>> decisions, Executor executor,
			Consumer<ResponderAction> actions, LoopIntake intake, Duration stallAfter, LongSupplier nanoClock) {
		this(handlerId, decisions, List::of, executor, actions, intake, stallAfter, nanoClock, Runnable::run);
	}

	HandlerLoop(String handlerId, Function<ResponderEvent, List<ResponderAction>> decisions,
			Supplier<List<ResponderAction>> commits, Executor executor, Consumer<ResponderAction> actions,
			LoopIntake intake, Duration stallAfter, LongSupplier nanoClock, Consumer<Runnable> rounds) {
		this.rounds = rounds;
		this.handlerId = handlerId;
		this.decisions = decisions;
		this.commits = commits;
		this.executor = executor;
		this.actions = actions;
		this.stall = new LoopStall(handlerId, intake, stallAfter);
		this.nanoClock = nanoClock;
	}

	/** Hand the loop an event, on any thread; never waits. */
	void post(ResponderEvent event) {
		post(LoopPosting.of(event));
	}

	/**
	 * Hand the loop what a thread has at once (one or more events), on any thread; never waits.
	 * @param posting unfolded into its events on the loop
	 */
	void post(LoopPosting posting) {
		posting.postedNanos = this.nanoClock.getAsLong();
		this.mailbox.add(posting);
		schedule();
	}

	/**
	 * Have every event the loop takes from now on told first to a recorder, on the loop (tests
	 * replay them through the simulation's checks).
	 * @param recorder the recorder, or {@code null} for none
	 */
	void recordTo(@Nullable Consumer<ResponderEvent> recorder) {
		this.recorder = recorder;
	}

	/**
	 * Return the age of the oldest event not processed yet (being processed, or waiting).
	 * @param nowNanos the time now, on the loop's clock
	 * @return the age in nanoseconds, 0 when no event waits
	 */
	long lagNanos(long nowNanos) {
		long oldest = this.busySince;
		LoopPosting head = this.mailbox.peek();
		if (oldest == IDLE) {
			if (head == null) {
				return 0;
			}
			oldest = head.postedNanos;
		}
		return Math.max(0, nowNanos - oldest);
	}

	/**
	 * Check the loop's liveness, on the watchdog's thread: a loop stuck past its bound pauses its
	 * handler's intake, which resumes once the loop caught up.
	 * @param nowNanos the time now, on the loop's clock
	 */
	void check(long nowNanos) {
		this.stall.check(lagNanos(nowNanos));
	}

	/**
	 * Return the loop's liveness.
	 * @param nowNanos the time now, on the loop's clock
	 */
	Status status(long nowNanos) {
		long lag = lagNanos(nowNanos);
		return new Status(this.handlerId, Duration.ofNanos(lag), this.stall.past(lag), this.failures.total());
	}

	private void schedule() {
		if (this.draining.compareAndSet(false, true)) {
			submit();
		}
	}

	private void submit() {
		try {
			this.executor.execute(this.drainTask);
		}
		catch (RejectedExecutionException ex) {
			this.draining.set(false);
			logger.debug(ex, () -> "@ReplyHandler " + this.handlerId + ": events left unprocessed, its loop's "
					+ "executor is stopped");
		}
	}

	private void drain() {
		while (true) {
			this.full = false;
			try {
				this.rounds.accept(this.roundTask);
			}
			catch (Throwable ex) {
				failed(ex, "ending a round");
			}
			if (this.full) {
				// The rest in a task of its own, behind the other loops' tasks.
				submit();
				return;
			}
			this.draining.set(false);
			// One posted between the last poll and the flag's fall found the flag up: take it here.
			if (this.mailbox.isEmpty() || !this.draining.compareAndSet(false, true)) {
				return;
			}
		}
	}

	private void round() {
		for (int i = 0; i < BATCH; i++) {
			LoopPosting next = this.mailbox.peek();
			if (next == null) {
				break;
			}
			this.busySince = next.postedNanos;
			this.mailbox.poll();
			try {
				next.unfold(this);
			}
			catch (Throwable ex) {
				failed(ex, "unfolding " + next);
			}
			this.busySince = IDLE;
		}
		this.full = !this.mailbox.isEmpty();
		List<ResponderAction> decided;
		try {
			decided = this.commits.get();
		}
		catch (Throwable ex) {
			failed(ex, "working out the round's commits");
			return;
		}
		carryOut(decided);
	}

	/**
	 * Decide on one event and carry out its actions; on the loop only ({@link LoopPosting#unfold}).
	 */
	void decide(ResponderEvent event) {
		List<ResponderAction> decided;
		try {
			Consumer<ResponderEvent> recording = this.recorder;
			if (recording != null) {
				recording.accept(event);
			}
			decided = this.decisions.apply(event);
		}
		catch (Throwable ex) {
			failed(ex, "deciding on " + event);
			return;
		}
		carryOut(decided);
	}

	private void carryOut(List<ResponderAction> decided) {
		for (int i = 0; i < decided.size(); i++) {
			try {
				this.actions.accept(decided.get(i));
			}
			catch (Throwable ex) {
				failed(ex, "carrying out " + decided.get(i));
			}
		}
	}

	private void failed(Throwable ex, String what) {
		long count = this.failures.occurred();
		if (count > 0) {
			logger.error(ex, () -> "@ReplyHandler " + this.handlerId + ": its event loop failed " + count
					+ " time(s) (latest " + what + "; " + this.failures.total()
					+ " since start; this line at most once a minute); it goes on with the next");
		}
	}

}
