package dev.requestreply.requester.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.requestreply.requester.RequestOutcome;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The state of one pending request, immutable: a {@link RequestCore} turns it and an event into
 * the next one. Its owner keeps one transition at a time, by compare-and-set. A request with one
 * reply changes only its outcome, so its state folds into one {@link #word()} beside its deadline
 * (the engine keeps both in the request's own fields and makes this value of them for each event,
 * see {@link #ofWord(int, long)}); a stream's or a gather's, which changes with each reply, is held
 * as this value.
 *
 * @param kind how many replies the request takes
 * @param outcome how it ended, or {@code null} while pending
 * @param deadline when it times out (a stream's moves with each element, never past
 * {@code overallDeadline}), in nanoseconds
 * @param overallDeadline the latest deadline, in nanoseconds
 * @param idleNanos how long a stream waits for its next element, or 0
 * @param cancelsOn whether cancel records go to the request's topics
 * @param holdsPartition whether the request named a reply partition of this instance (released at its
 * end, revoked or not)
 * @param next the position of the next stream element
 * @param endAt the number of elements of a stream whose end marker came, or -1
 * @param early positions of stream elements that came before {@code next}, sorted
 * @param maxEarly how many elements a stream holds while one is missing
 * @param answered the responders of a gather that answered
 * @param releaseAtTimeout a gather's policy's answer to whether its timeout completes it with the
 * replies it has (asked on a completion thread after each reply, kept here so that the timeout
 * decides at once, never waiting for the policy)
 * @param weighed how many replies that answer was for
 * @since 0.4.0
 */
public record RequestState(RequestKind kind, @Nullable RequestOutcome outcome, long deadline, long overallDeadline,
		long idleNanos, boolean cancelsOn, boolean holdsPartition, long next, long endAt, long[] early, int maxEarly,
		List<String> answered, boolean releaseAtTimeout, int weighed) {

	private static final long[] NONE = {};

	private static final RequestOutcome[] OUTCOMES = RequestOutcome.values();

	// The word of a request with one reply: a bit that it is one, its outcome's ordinal + 1 (0 while
	// pending), whether cancel records go to its topic, whether it holds a reply partition.
	private static final int SINGLE_WORD = 1;

	private static final int OUTCOME_SHIFT = 1;

	private static final int OUTCOME_MASK = 0x7;

	private static final int CANCELS_ON = 1 << 4;

	private static final int HOLDS_PARTITION = 1 << 5;

	/**
	 * Copy what is mutable.
	 */
	public RequestState {
		early = (early.length == 0) ? NONE : early.clone();
		answered = List.copyOf(answered);
	}

	/**
	 * Return the state of a request with one reply, just registered.
	 * @param deadline when it times out, in nanoseconds
	 * @param cancelsOn whether cancel records go to its topic
	 * @param holdsPartition whether it names a reply partition of this instance
	 * @return the state
	 */
	public static RequestState single(long deadline, boolean cancelsOn, boolean holdsPartition) {
		return new RequestState(RequestKind.SINGLE, null, deadline, deadline, 0, cancelsOn, holdsPartition, 0, -1,
				NONE, 0, List.of(), false, 0);
	}

	/**
	 * Return the state of a stream, just registered.
	 * @param now the time, in nanoseconds
	 * @param timeoutNanos how long the whole stream may take
	 * @param idleNanos how long it waits for each element
	 * @param maxEarly how many elements it holds while one is missing
	 * @param cancelsOn whether cancel records go to its topic
	 * @param holdsPartition whether it names a reply partition of this instance
	 * @return the state
	 */
	public static RequestState stream(long now, long timeoutNanos, long idleNanos, int maxEarly, boolean cancelsOn,
			boolean holdsPartition) {
		Assert.isTrue(idleNanos > 0 && maxEarly > 0, "A stream needs a positive idle timeout and buffer");
		long overall = now + timeoutNanos;
		return new RequestState(RequestKind.STREAM, null, Math.min(overall, now + idleNanos), overall, idleNanos,
				cancelsOn, holdsPartition, 0, -1, NONE, maxEarly, List.of(), false, 0);
	}

	/**
	 * Return the state of a gather, just registered, whose timeout without any reply completes it
	 * with an empty result (the default policy's answer).
	 * @param deadline when it times out, in nanoseconds
	 * @param cancelsOn whether cancel records go to its topics
	 * @param holdsPartition whether it names a reply partition of this instance
	 * @return the state
	 */
	public static RequestState gather(long deadline, boolean cancelsOn, boolean holdsPartition) {
		return gather(deadline, cancelsOn, holdsPartition, true);
	}

	/**
	 * Return the state of a gather, just registered.
	 * @param deadline when it times out, in nanoseconds
	 * @param cancelsOn whether cancel records go to its topics
	 * @param holdsPartition whether it names a reply partition of this instance
	 * @param releaseEmpty its policy's answer for no reply: whether its timeout then completes it
	 * with an empty result rather than failing it
	 * @return the state
	 */
	public static RequestState gather(long deadline, boolean cancelsOn, boolean holdsPartition,
			boolean releaseEmpty) {
		return new RequestState(RequestKind.GATHER, null, deadline, deadline, 0, cancelsOn, holdsPartition, 0, -1,
				NONE, 0, List.of(), releaseEmpty, 0);
	}

	/**
	 * Return the {@link #word()} of a request with one reply, just registered, without making its
	 * state.
	 * @param cancelsOn whether cancel records go to its topic
	 * @param holdsPartition whether it names a reply partition of this instance
	 * @return the word
	 */
	public static int singleWord(boolean cancelsOn, boolean holdsPartition) {
		return SINGLE_WORD | (cancelsOn ? CANCELS_ON : 0) | (holdsPartition ? HOLDS_PARTITION : 0);
	}

	/**
	 * Return the state of a request with one reply from its {@link #word()} and its deadline.
	 * @param word the state's word
	 * @param deadline when it times out, in nanoseconds
	 * @return the state
	 */
	public static RequestState ofWord(int word, long deadline) {
		int outcome = (word >>> OUTCOME_SHIFT) & OUTCOME_MASK;
		return new RequestState(RequestKind.SINGLE, (outcome != 0) ? OUTCOMES[outcome - 1] : null, deadline, deadline,
				0, (word & CANCELS_ON) != 0, (word & HOLDS_PARTITION) != 0, 0, -1, NONE, 0, List.of(), false, 0);
	}

	/**
	 * Return the state of a request with one reply as one word: its outcome and flags (its deadline
	 * is the request's, and never moves). Never 0, so that 0 can mean "no word".
	 * @return the word
	 * @throws IllegalStateException for a stream or a gather, whose state does not fit a word
	 */
	public int word() {
		Assert.state(this.kind == RequestKind.SINGLE, () -> "The state of a " + this.kind + " is no word");
		return singleWord(this.cancelsOn, this.holdsPartition)
				| ((this.outcome != null) ? (this.outcome.ordinal() + 1) << OUTCOME_SHIFT : 0);
	}

	/**
	 * Return whether the request ended.
	 * @return whether its outcome is set
	 */
	public boolean ended() {
		return this.outcome != null;
	}

	/**
	 * Return how many stream elements wait for a missing one.
	 * @return the number held
	 */
	public int held() {
		return this.early.length;
	}

	RequestState ending(RequestOutcome outcome) {
		return new RequestState(this.kind, outcome, this.deadline, this.overallDeadline, this.idleNanos, this.cancelsOn,
				false, this.next, this.endAt, NONE, this.maxEarly, this.answered, this.releaseAtTimeout, this.weighed);
	}

	RequestState answeredBy(String responder) {
		List<String> answers = new ArrayList<>(this.answered);
		answers.add(responder);
		return new RequestState(this.kind, this.outcome, this.deadline, this.overallDeadline, this.idleNanos,
				this.cancelsOn, this.holdsPartition, this.next, this.endAt, this.early, this.maxEarly, answers,
				this.releaseAtTimeout, this.weighed);
	}

	RequestState weighed(int replies, boolean release) {
		return new RequestState(this.kind, this.outcome, this.deadline, this.overallDeadline, this.idleNanos,
				this.cancelsOn, this.holdsPartition, this.next, this.endAt, this.early, this.maxEarly, this.answered,
				release, replies);
	}

	RequestState streamAt(long deadline, long next, long endAt, long[] early) {
		return new RequestState(this.kind, this.outcome, deadline, this.overallDeadline, this.idleNanos,
				this.cancelsOn, this.holdsPartition, next, endAt, early, this.maxEarly, this.answered,
				this.releaseAtTimeout, this.weighed);
	}

	/**
	 * Return whether a stream element waits for a missing one.
	 * @param sequence the element's position
	 * @return whether it is held
	 */
	public boolean holdsEarly(long sequence) {
		return Arrays.binarySearch(this.early, sequence) >= 0;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof RequestState state && this.kind == state.kind && this.outcome == state.outcome
				&& this.deadline == state.deadline && this.overallDeadline == state.overallDeadline
				&& this.idleNanos == state.idleNanos && this.cancelsOn == state.cancelsOn
				&& this.holdsPartition == state.holdsPartition && this.next == state.next
				&& this.endAt == state.endAt && Arrays.equals(this.early, state.early)
				&& this.maxEarly == state.maxEarly && this.answered.equals(state.answered)
				&& this.releaseAtTimeout == state.releaseAtTimeout && this.weighed == state.weighed;
	}

	@Override
	public int hashCode() {
		return 31 * Long.hashCode(this.deadline) + 17 * Long.hashCode(this.next) + Arrays.hashCode(this.early)
				+ this.answered.hashCode();
	}

	@Override
	public String toString() {
		return "RequestState[" + this.kind + ", outcome=" + this.outcome + ", deadline=" + this.deadline + ", next="
				+ this.next + ", endAt=" + this.endAt + ", early=" + Arrays.toString(this.early) + ", answered="
				+ this.answered + ", releaseAtTimeout=" + this.releaseAtTimeout + " (" + this.weighed + ")]";
	}

}
