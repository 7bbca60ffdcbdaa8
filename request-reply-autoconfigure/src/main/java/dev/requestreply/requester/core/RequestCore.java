package dev.requestreply.requester.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.requestreply.requester.RequestOutcome;
import dev.requestreply.requester.core.RequestAction.Complete;
import dev.requestreply.requester.core.RequestAction.Completion;
import dev.requestreply.requester.core.RequestAction.Skipped;
import dev.requestreply.requester.core.RequestEvent.AtTimeout;
import dev.requestreply.requester.core.RequestEvent.Cancel;
import dev.requestreply.requester.core.RequestEvent.Gathered;
import dev.requestreply.requester.core.RequestEvent.Reply;
import dev.requestreply.requester.core.RequestEvent.SendFailed;
import dev.requestreply.requester.core.RequestEvent.Stop;
import dev.requestreply.requester.core.RequestEvent.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The requester's decisions about one pending request: {@link #apply(RequestState, RequestEvent)}
 * is a pure function of the state and the event, with no threads, clock or Kafka clients.
 * <p>
 * The rules: a request ends once, whatever ends it (a reply, an error reply, its timeout, a
 * cancel, the engine's stop, a stream's overflow); later events change nothing and a later reply
 * is skipped as late. At its end the engine's own actions come first and run at once (removal,
 * counting, the library's own outcome listeners, release of the reply partition, the cancel
 * records); only what runs user code (the future's completion, stream elements, a gather's policy,
 * the application's outcome listeners) goes to the completion threads. A cancel goes to the
 * responders of every request timed out or cancelled, of a stream that overflowed, of every
 * gather that ended (how many responders it has is not known, so some may still work) and of every
 * request failed at stop (its reply will not be read); none after a reply or an error reply that
 * ended a request with one reply or a stream, nor after the failed send of a request with one
 * topic. Cancels and the release of a reply partition
 * are decided as the request is registered ({@code cancelsOn}, {@code holdsPartition}); a reply
 * partition taken from this instance is no event here: its request releases it at its end, as the
 * reader that drains the partition counts the requests naming it. A gather's timeout decides from
 * the answer its policy gave after the last reply it saw ({@link AtTimeout}), never asking it on
 * the timer's thread: completed with its replies (counted {@link RequestOutcome#PARTIAL} with
 * some, {@link RequestOutcome#TIMEOUT} with none) or failed as a timeout.
 *
 * @since 0.4.0
 */
public final class RequestCore {

	// Before SOUND, which uses it: the completions an end may have, and none.
	private static final int COMPLETIONS = Completion.values().length + 1;

	/**
	 * The core the engine runs.
	 */
	public static final RequestCore SOUND = new RequestCore(EnumSet.noneOf(Defect.class));

	private final Set<Defect> defects;

	// The actions of each end that runs nothing before them, made once: an end decides them from
	// its outcome, its completion and three flags, and a burst of timeouts shares one list.
	private final AtomicReferenceArray<List<RequestAction>> ends = new AtomicReferenceArray<>(
			RequestOutcome.values().length * COMPLETIONS * 8);

	// The decision of a timeout past its deadline for a request with one reply, by its state's word:
	// it decides from the word alone, so a burst of timeouts shares one.
	private final AtomicReferenceArray<WordTransition> timeoutsByWord = new AtomicReferenceArray<>(64);

	// The decision of a reply for a request with one reply, by its state's word and whether the reply
	// is an error: nothing else of the reply counts, so the replies of a word share one.
	private final AtomicReferenceArray<WordTransition> repliesByWord = new AtomicReferenceArray<>(128);

	RequestCore(Set<Defect> defects) {
		this.defects = EnumSet.noneOf(Defect.class);
		this.defects.addAll(defects);
	}

	/**
	 * Return the next state of a request and the actions that take it there.
	 * @param state the request's state
	 * @param event what happened
	 * @return the next state and the actions, in order
	 */
	public Transition apply(RequestState state, RequestEvent event) {
		if (state.ended()) {
			return (event instanceof Reply) ? new Transition(state, List.of(new RequestAction.Skip(Skipped.LATE)))
					: new Transition(state, List.of());
		}
		if (event instanceof Reply reply) {
			return switch (state.kind()) {
				// A duplicate of a request with one reply counts as such, not as late: its id is not kept.
				case SINGLE -> end(state, reply.error() ? RequestOutcome.ERROR : RequestOutcome.SUCCESS,
						reply.error() ? Completion.ERROR_REPLY : Completion.VALUE, false, false, List.of());
				case GATHER -> gathered(state, reply);
				case STREAM -> streamed(state, reply);
			};
		}
		if (event instanceof Timeout timeout) {
			if (timeout.now() - state.deadline() < 0) {
				// A stream's element moved the deadline after the timer took it.
				return new Transition(state, List.of(new RequestAction.Reschedule(state.deadline())));
			}
			// A gather completes with what it has if its policy's kept answer says so: a partial end
			// with some replies, a timeout with none.
			boolean release = state.kind() == RequestKind.GATHER && state.releaseAtTimeout();
			Completion completion = release ? Completion.PARTIAL : Completion.TIMEOUT;
			RequestOutcome outcome = (release && !state.answered().isEmpty() && !has(Defect.PARTIAL_AS_TIMEOUT))
					? RequestOutcome.PARTIAL : RequestOutcome.TIMEOUT;
			if (has(Defect.EXPIRY_ON_COMPLETION_THREADS)) {
				Transition ended = end(state, outcome, completion, true, true, List.of());
				List<RequestAction> engine = ended.actions().stream().filter((action) -> !action.userCode()).toList();
				return new Transition(ended.state(), List.of(new Complete(completion, engine)));
			}
			return end(state, outcome, completion, true, true, List.of());
		}
		if (event instanceof AtTimeout answer) {
			return (state.kind() == RequestKind.GATHER && answer.replies() >= state.weighed())
					? new Transition(state.weighed(answer.replies(), answer.release()), List.of())
					: new Transition(state, List.of());
		}
		if (event instanceof Cancel cancel) {
			return end(state, RequestOutcome.CANCELLED, cancel.byFuture() ? null : Completion.CANCELLED, true, true,
					List.of());
		}
		if (event instanceof Gathered gathered) {
			if (state.kind() != RequestKind.GATHER) {
				return new Transition(state, List.of());
			}
			// Its policy has enough (or failed): the responders still working are told to stop.
			return end(state, gathered.policyFailed() ? RequestOutcome.ERROR : RequestOutcome.SUCCESS,
					gathered.policyFailed() ? Completion.POLICY_FAILED : Completion.VALUE,
					!has(Defect.NO_CANCEL_AFTER_EARLY_GATHER), true, List.of());
		}
		if (event instanceof SendFailed) {
			// No reply to tell apart later. No responder has a request with one topic; a gather's
			// other topics may have it, so the responders there are told to stop.
			return end(state, RequestOutcome.ERROR, Completion.SEND_FAILED, state.kind() == RequestKind.GATHER, false,
					List.of());
		}
		if (event instanceof Stop) {
			// No reply will be read: the responders still working are told to stop.
			return end(state, RequestOutcome.ERROR, Completion.STOPPED, true, false, List.of());
		}
		throw new IllegalArgumentException("Unknown event " + event);
	}

	/**
	 * Return the next state and the actions of a request with one reply, given as its state's
	 * {@link RequestState#word() word} and its deadline: the decision of
	 * {@link #apply(RequestState, RequestEvent)} for the state of that word and deadline, made once
	 * per word for a timeout past the deadline (which decides from the word alone) and per word and
	 * kind of reply for a reply (which decides from the word and whether the reply is an error).
	 * @param word the request's state's word
	 * @param deadline its deadline, in nanoseconds
	 * @param event what happened
	 * @return the next state's word and the actions, in order
	 */
	public WordTransition applyToWord(int word, long deadline, RequestEvent event) {
		AtomicReferenceArray<WordTransition> shared = null;
		int slot = word;
		if (word > 0 && word < this.timeoutsByWord.length()) {
			if (event instanceof Timeout timeout && timeout.now() - deadline >= 0) {
				shared = this.timeoutsByWord;
			}
			else if (event instanceof Reply reply) {
				shared = this.repliesByWord;
				slot = (word << 1) | (reply.error() ? 1 : 0);
			}
		}
		WordTransition decided = (shared != null) ? shared.get(slot) : null;
		if (decided == null) {
			Transition transition = apply(RequestState.ofWord(word, deadline), event);
			decided = new WordTransition(transition.state().word(), transition.state().outcome(),
					transition.actions());
			if (shared != null) {
				shared.set(slot, decided);
			}
		}
		return decided;
	}

	private Transition gathered(RequestState state, Reply reply) {
		String responder = (reply.responder() != null) ? reply.responder() : "";
		if (state.answered().contains(responder)) {
			return new Transition(state, List.of(new RequestAction.Skip(Skipped.DUPLICATE)));
		}
		return new Transition(state.answeredBy(responder), List.of(new RequestAction.TestPolicy()));
	}

	private Transition streamed(RequestState state, Reply reply) {
		if (reply.error()) {
			return end(state, RequestOutcome.ERROR, Completion.ERROR_REPLY, false, true, List.of());
		}
		long endAt = (reply.end() != null) ? reply.end() : state.endAt();
		Long sequence = reply.sequence();
		List<RequestAction> delivered = new ArrayList<>();
		long next = state.next();
		long[] early = state.early();
		long deadline = state.deadline();
		if (sequence != null) {
			if (sequence < next || state.holdsEarly(sequence) || (endAt >= 0 && sequence >= endAt)) {
				return new Transition(state, List.of(new RequestAction.Skip(Skipped.DUPLICATE)));
			}
			if (sequence > next) {
				if (early.length >= state.maxEarly() && !has(Defect.UNBOUNDED_STREAM_BUFFER)) {
					// One element too many waits for a missing one: the stream ends.
					return end(state, RequestOutcome.CANCELLED, Completion.OVERFLOW, true, true, List.of());
				}
				early = insert(early, sequence);
			}
			else {
				delivered.add(new RequestAction.Deliver(next++));
				int taken = 0;
				while (taken < early.length && early[taken] == next) {
					delivered.add(new RequestAction.Deliver(next++));
					taken++;
				}
				early = Arrays.copyOfRange(early, taken, early.length);
				deadline = Math.min(state.overallDeadline(), reply.now() + state.idleNanos());
			}
		}
		RequestState moved = state.streamAt(deadline, next, endAt, early);
		if (endAt >= 0 && next >= endAt) {
			return end(moved, RequestOutcome.SUCCESS, Completion.VALUE, false, true, delivered);
		}
		if (deadline != state.deadline()) {
			delivered.add(new RequestAction.Reschedule(deadline));
		}
		return new Transition(moved, delivered);
	}

	private static long[] insert(long[] sorted, long value) {
		int at = -(Arrays.binarySearch(sorted, value) + 1);
		long[] grown = new long[sorted.length + 1];
		System.arraycopy(sorted, 0, grown, 0, at);
		grown[at] = value;
		System.arraycopy(sorted, at, grown, at + 1, sorted.length - at);
		return grown;
	}

	private Transition end(RequestState state, RequestOutcome outcome, @Nullable Completion completion, boolean cancel,
			boolean rememberId, List<RequestAction> before) {
		if (!before.isEmpty()) {
			return new Transition(state.ending(outcome),
					endActions(state, outcome, completion, cancel, rememberId, before));
		}
		int key = ((outcome.ordinal() * COMPLETIONS + ((completion != null) ? completion.ordinal() + 1 : 0)) << 3)
				| (state.holdsPartition() ? 4 : 0) | ((cancel && state.cancelsOn()) ? 2 : 0) | (rememberId ? 1 : 0);
		List<RequestAction> actions = this.ends.get(key);
		if (actions == null) {
			actions = endActions(state, outcome, completion, cancel, rememberId, before);
			this.ends.set(key, actions);
		}
		return new Transition(state.ending(outcome), actions);
	}

	private List<RequestAction> endActions(RequestState state, RequestOutcome outcome, @Nullable Completion completion,
			boolean cancel, boolean rememberId, List<RequestAction> before) {
		List<RequestAction> actions = new ArrayList<>(before);
		actions.add(new RequestAction.Remove(rememberId));
		actions.add(new RequestAction.Count(outcome));
		actions.add(new RequestAction.Measure(outcome, has(Defect.FIGURES_WITH_COMPLETION)));
		if (state.holdsPartition()) {
			actions.add(new RequestAction.Release());
		}
		if (cancel && state.cancelsOn()) {
			actions.add(new RequestAction.SendCancel());
		}
		actions.add(new RequestAction.Notify(outcome, has(Defect.LISTENERS_ON_ENDING_THREAD)));
		if (completion != null) {
			actions.add(new Complete(completion, List.of()));
		}
		return List.copyOf(actions);
	}

	private boolean has(Defect defect) {
		return this.defects.contains(defect);
	}

	/**
	 * The next state of a request and the actions that take it there.
	 *
	 * @param state the next state
	 * @param actions the actions, in order
	 */
	public record Transition(RequestState state, List<RequestAction> actions) {

		/**
		 * Copy the actions (an immutable list is kept as it is).
		 * @param state the next state
		 * @param actions the actions, in order
		 */
		public Transition {
			actions = List.copyOf(actions);
		}

	}

	/**
	 * The next state of a request with one reply, as its word, and the actions that take it there.
	 *
	 * @param word the next state's word
	 * @param outcome how the request ended, or {@code null} while pending
	 * @param actions the actions, in order
	 */
	public record WordTransition(int word, @Nullable RequestOutcome outcome, List<RequestAction> actions) {

	}

	/**
	 * Defects of 0.3's requester (and one of 0.4's first wiring), put back only by the
	 * simulation's mutation test, which checks that the simulation catches each.
	 */
	enum Defect {

		/**
		 * An expiry's removal, counting and cancel wait for the completion of the future, on the
		 * completion threads, behind user callbacks.
		 */
		EXPIRY_ON_COMPLETION_THREADS,

		/**
		 * A gather its policy ends sends no cancel to the responders still working.
		 */
		NO_CANCEL_AFTER_EARLY_GATHER,

		/**
		 * A stream holds every element that comes before a missing one.
		 */
		UNBOUNDED_STREAM_BUFFER,

		/**
		 * Outcome listeners run on whichever thread ends the request (the timer's).
		 */
		LISTENERS_ON_ENDING_THREAD,

		/**
		 * The library's own outcome listeners (its timers, the endpoint's figures) wait with the
		 * application's for the completion of the future, behind user callbacks (0.4's first
		 * wiring of the core).
		 */
		FIGURES_WITH_COMPLETION,

		/**
		 * A gather that its timeout ends with some replies counts as a timeout (0.3's count).
		 */
		PARTIAL_AS_TIMEOUT

	}

}
