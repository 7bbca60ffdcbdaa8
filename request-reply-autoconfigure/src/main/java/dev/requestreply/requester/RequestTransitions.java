package dev.requestreply.requester;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.requestreply.CorrelationId;
import dev.requestreply.requester.core.RequestAction;
import dev.requestreply.requester.core.RequestCore;
import dev.requestreply.requester.core.RequestEvent;
import dev.requestreply.requester.core.RequestState;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Runs the {@link RequestCore}'s decisions for the {@link PendingRequests}: an event moves a
 * request's state by compare-and-set, and the thread that moved it runs the actions that go with
 * the new state. The engine's own actions (removal, counting, the library's own outcome
 * listeners, the end action that releases the reply partition and sends the cancel records, skips,
 * a stream's new deadline, its elements handed to the publisher) run at once on that thread; what
 * runs user code (the application's outcome listeners, then the completion of the future; a
 * gather's policy) runs in one task on the completion executor, or with the caller waiting in
 * {@code get()}.
 */
final class RequestTransitions {

	private static final LogAccessor logger = new LogAccessor(RequestTransitions.class);

	private final RequestCore core = RequestCore.SOUND;

	private final Map<CorrelationId, Object> pending;

	private final RecentlyEnded recentlyEnded;

	private final TimeoutWheel wheel;

	private final RequestFigures figures;

	private final Completions completions;

	private final Executor completionExecutor;

	RequestTransitions(Map<CorrelationId, Object> pending, RecentlyEnded recentlyEnded, TimeoutWheel wheel,
			RequestFigures figures, Completions completions) {
		this.pending = pending;
		this.recentlyEnded = recentlyEnded;
		this.wheel = wheel;
		this.figures = figures;
		this.completions = completions;
		this.completionExecutor = completions::execute;
	}

	/**
	 * Tell the core of an event and run its actions.
	 * @param request the request
	 * @param event what happened
	 * @param completion what completes the future, if the core completes it
	 * @param handOff whether user code goes to the completion executor (else it runs on this
	 * thread, which must be the caller's or a completion thread)
	 * @return the actions run, empty if the event changed nothing
	 */
	<R extends PendingRequest<?>> List<RequestAction> apply(R request, RequestEvent event,
			Consumer<? super R> completion, boolean handOff) {
		return apply(request, event, (r, how) -> completion.accept(r), handOff);
	}

	/**
	 * Tell the core of an event and run its actions.
	 * @param request the request
	 * @param event what happened
	 * @param completion what completes the future, given with what the core completes it
	 * @param handOff whether user code goes to the completion executor (else it runs on this
	 * thread, which must be the caller's or a completion thread)
	 * @return the actions run, empty if the event changed nothing
	 */
	<R extends PendingRequest<?>> List<RequestAction> apply(R request, RequestEvent event,
			BiConsumer<? super R, RequestAction.Completion> completion, boolean handOff) {
		return apply(request, event, completion, handOff ? this.completionExecutor : null);
	}

	/**
	 * Tell the core of an event and run its actions.
	 * @param request the request
	 * @param event what happened
	 * @param completion what completes the future, given with what the core completes it
	 * @param handOff where user code goes when no caller waits in {@code get()} (the completion
	 * executor, or the timer's batches of completions), or {@code null} to run it on this thread,
	 * which must then be the caller's or a completion thread
	 * @return the actions run, empty if the event changed nothing
	 */
	<R extends PendingRequest<?>> List<RequestAction> apply(R request, RequestEvent event,
			BiConsumer<? super R, RequestAction.Completion> completion, @Nullable Executor handOff) {
		List<RequestAction> actions;
		RequestOutcome outcome;
		int word = (event instanceof RequestEvent.Timeout || event instanceof RequestEvent.Reply) ? request.word() : 0;
		if (word != 0) {
			// A timeout or a reply of a request with one reply: decided from its word, no state object made.
			RequestCore.WordTransition moved;
			for (;;) {
				moved = this.core.applyToWord(word, request.deadlineNanos, event);
				if (moved.word() == word || request.moveWord(word, moved.word())) {
					break;
				}
				word = request.word();
			}
			actions = moved.actions();
			outcome = moved.outcome();
		}
		else {
			RequestCore.Transition transition;
			for (;;) {
				RequestState state = request.state();
				transition = this.core.apply(state, event);
				if (transition.state().equals(state) || request.moveState(state, transition.state())) {
					break;
				}
			}
			actions = transition.actions();
			outcome = transition.state().outcome();
		}
		boolean release = false;
		boolean sendCancel = false;
		boolean removed = false;
		boolean userCode = false;
		// From the request's start to its end, for the listeners: taken once, at the first that needs it.
		long duration = -1;
		for (int i = 0; i < actions.size(); i++) {
			RequestAction action = actions.get(i);
			if (action instanceof RequestAction.Remove) {
				removed = true;
				engine(request, action);
			}
			else if (action instanceof RequestAction.Release) {
				release = true;
			}
			else if (action instanceof RequestAction.SendCancel) {
				sendCancel = true;
			}
			else if (action instanceof RequestAction.Measure measure && !measure.userCode()) {
				duration = (duration < 0) ? System.nanoTime() - request.startNanos : duration;
				this.figures.measure(request, measure.outcome(), duration);
			}
			else if (action instanceof RequestAction.Measure || action instanceof RequestAction.Notify
					|| action instanceof RequestAction.Complete) {
				duration = (duration < 0) ? System.nanoTime() - request.startNanos : duration;
				userCode = true;
			}
			else {
				engine(request, action);
			}
		}
		if (outcome != null && removed) {
			runEndAction(request, outcome, release, sendCancel);
		}
		if (userCode) {
			Runnable task = new UserCode<>(this.figures, request, actions, completion, duration);
			if (handOff == null) {
				task.run();
			}
			else if (!request.handToWaiter(task)) {
				handOff.execute(task);
			}
		}
		return actions;
	}

	private void engine(PendingRequest<?> request, RequestAction action) {
		if (action instanceof RequestAction.Remove remove) {
			if (remove.rememberId()) {
				this.recentlyEnded.replace(request.id, request, System.nanoTime());
			}
			else {
				this.pending.remove(request.id, request);
			}
			this.wheel.remove(request);
			if (request.collector != null) {
				request.collector.ended();
			}
		}
		else if (action instanceof RequestAction.Count count) {
			this.figures.ended(count.outcome());
		}
		else if (action instanceof RequestAction.Skip skip) {
			this.figures.skipped((skip.reason() == RequestAction.Skipped.LATE) ? SkippedReply.LATE
					: SkippedReply.DUPLICATE);
		}
		else if (action instanceof RequestAction.Reschedule reschedule) {
			this.wheel.remove(request);
			request.deadlineNanos = reschedule.deadline();
			if (this.pending.get(request.id) == request) {
				this.wheel.schedule(request);
			}
		}
		else if (action instanceof RequestAction.Deliver deliver) {
			// Handed to the stream's publisher, which calls the subscriber on the completion executor.
			if (request.collector != null) {
				request.collector.deliver(request, deliver.sequence());
			}
		}
		else if (action instanceof RequestAction.TestPolicy) {
			ReplyCollector collector = request.collector;
			if (collector != null) {
				this.completions.execute(() -> collector.testPolicy(request));
			}
		}
	}

	/**
	 * What of an end runs user code, in the order of its actions: the measures that wait for the
	 * completion (never in a sound core), the application's outcome listeners, the completion of the
	 * future. One object per end, whatever it runs.
	 */
	private static final class UserCode<R extends PendingRequest<?>> implements Runnable {

		private final RequestFigures figures;

		private final R request;

		private final List<RequestAction> actions;

		private final BiConsumer<? super R, RequestAction.Completion> completion;

		private final long duration;

		UserCode(RequestFigures figures, R request, List<RequestAction> actions,
				BiConsumer<? super R, RequestAction.Completion> completion, long duration) {
			this.figures = figures;
			this.request = request;
			this.actions = actions;
			this.completion = completion;
			this.duration = duration;
		}

		@Override
		public void run() {
			for (int i = 0; i < this.actions.size(); i++) {
				RequestAction action = this.actions.get(i);
				if (action instanceof RequestAction.Measure measure && measure.userCode()) {
					this.figures.measure(this.request, measure.outcome(), this.duration);
				}
				else if (action instanceof RequestAction.Notify notify) {
					this.figures.notify(this.request, notify.outcome(), this.duration);
				}
				else if (action instanceof RequestAction.Complete complete) {
					this.completion.accept(this.request, complete.completion());
				}
			}
		}

	}

	private static void runEndAction(PendingRequest<?> request, RequestOutcome outcome, boolean release,
			boolean sendCancel) {
		try {
			request.ended(outcome, release, sendCancel);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "End action of " + request + " failed");
		}
	}

}
