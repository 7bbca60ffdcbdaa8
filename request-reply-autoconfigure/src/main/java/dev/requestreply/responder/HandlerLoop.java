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
 * ({@link ResponderCore#on}) and each action decided to the executors of actions. So the core sees
 * one event at a time, in the order each poster posted them. The loop survives whatever the
 * decisions or an action throw: logged (at most once a minute, with the number since) and
 * counted. Its liveness is the age of its oldest unprocessed event ({@link #lagNanos}); the
 * watchdog {@link #check checks} it, and a loop stuck past its bound stops its handler's intake
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

	private final Executor executor;

	private final Consumer<ResponderAction> actions;

	private final Intake intake;

	private final long stallAfterNanos;

	private final LongSupplier nanoClock;

	private final Queue<Posted> mailbox = new ConcurrentLinkedQueue<>();

	// Up while a task drains (or is about to): only one at a time.
	private final AtomicBoolean draining = new AtomicBoolean();

	private final LogThrottle failures = new LogThrottle(Duration.ofMinutes(1));

	// When the event being processed was posted, IDLE between events.
	private volatile long busySince = IDLE;

	// The watchdog's thread only.
	private boolean stalled;

	private volatile @Nullable Consumer<ResponderEvent> recorder;

	/**
	 * What the loop stops while it is stuck: its handler's intake of requests.
	 */
	interface Intake {

		/**
		 * Take no more requests for now.
		 */
		void pause();

		/**
		 * Take requests again.
		 */
		void resume();

		/**
		 * Return an intake made of two actions.
		 */
		static Intake of(Runnable pause, Runnable resume) {
			return new Intake() {

				@Override
				public void pause() {
					pause.run();
				}

				@Override
				public void resume() {
					resume.run();
				}

			};
		}

	}

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
	 */
	HandlerLoop(String handlerId, ResponderCore core, Executor executor, Consumer<ResponderAction> actions,
			Intake intake) {
		this(handlerId, core::on, executor, actions, intake, STALL_AFTER, System::nanoTime);
	}

	HandlerLoop(String handlerId, Function<ResponderEvent, List<ResponderAction>> decisions, Executor executor,
			Consumer<ResponderAction> actions, Intake intake, Duration stallAfter, LongSupplier nanoClock) {
		this.handlerId = handlerId;
		this.decisions = decisions;
		this.executor = executor;
		this.actions = actions;
		this.intake = intake;
		this.stallAfterNanos = stallAfter.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Hand the loop an event, on any thread; never waits.
	 * @param event the event
	 */
	void post(ResponderEvent event) {
		this.mailbox.add(new Posted(event, this.nanoClock.getAsLong()));
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
		Posted head = this.mailbox.peek();
		if (oldest == IDLE) {
			if (head == null) {
				return 0;
			}
			oldest = head.postedNanos();
		}
		return Math.max(0, nowNanos - oldest);
	}

	/**
	 * Check the loop's liveness, on the watchdog's thread: a loop stuck past its bound pauses its
	 * handler's intake, which resumes once the loop caught up.
	 * @param nowNanos the time now, on the loop's clock
	 */
	void check(long nowNanos) {
		long lag = lagNanos(nowNanos);
		if (lag > this.stallAfterNanos && !this.stalled) {
			this.stalled = true;
			logger.warn(() -> "@ReplyHandler " + this.handlerId + ": its event loop has left an event unprocessed for "
					+ Duration.ofNanos(lag).toSeconds() + " s (an action blocks?); its handler takes no more requests "
					+ "until it catches up");
			this.intake.pause();
		}
		else if (lag <= this.stallAfterNanos && this.stalled) {
			this.stalled = false;
			logger.info(() -> "@ReplyHandler " + this.handlerId + ": its event loop caught up; it takes requests again");
			this.intake.resume();
		}
	}

	/**
	 * Return the loop's liveness.
	 * @param nowNanos the time now, on the loop's clock
	 */
	Status status(long nowNanos) {
		long lag = lagNanos(nowNanos);
		return new Status(this.handlerId, Duration.ofNanos(lag), lag > this.stallAfterNanos, this.failures.total());
	}

	private void schedule() {
		if (this.draining.compareAndSet(false, true)) {
			submit();
		}
	}

	private void submit() {
		try {
			this.executor.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			this.draining.set(false);
			logger.debug(ex, () -> "@ReplyHandler " + this.handlerId + ": events left unprocessed, its loop's "
					+ "executor is stopped");
		}
	}

	private void drain() {
		for (int i = 0; i < BATCH; i++) {
			Posted next = this.mailbox.peek();
			if (next == null) {
				this.draining.set(false);
				// One posted between the peek and the flag's fall found the flag up: take it here.
				if (this.mailbox.isEmpty() || !this.draining.compareAndSet(false, true)) {
					return;
				}
				continue;
			}
			this.busySince = next.postedNanos();
			this.mailbox.poll();
			process(next.event());
			this.busySince = IDLE;
		}
		// Still draining: the rest in a task of its own, behind the other loops' tasks.
		submit();
	}

	private void process(ResponderEvent event) {
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
		for (ResponderAction action : decided) {
			try {
				this.actions.accept(action);
			}
			catch (Throwable ex) {
				failed(ex, "carrying out " + action);
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

	private record Posted(ResponderEvent event, long postedNanos) {

	}

}
