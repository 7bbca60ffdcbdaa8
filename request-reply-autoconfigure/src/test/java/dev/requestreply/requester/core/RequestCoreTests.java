package dev.requestreply.requester.core;

import java.util.List;

import dev.requestreply.requester.RequestOutcome;
import dev.requestreply.requester.core.RequestAction.Complete;
import dev.requestreply.requester.core.RequestAction.Completion;
import dev.requestreply.requester.core.RequestAction.Count;
import dev.requestreply.requester.core.RequestAction.Deliver;
import dev.requestreply.requester.core.RequestAction.Measure;
import dev.requestreply.requester.core.RequestAction.Notify;
import dev.requestreply.requester.core.RequestAction.Release;
import dev.requestreply.requester.core.RequestAction.Remove;
import dev.requestreply.requester.core.RequestAction.Reschedule;
import dev.requestreply.requester.core.RequestAction.SendCancel;
import dev.requestreply.requester.core.RequestAction.Skip;
import dev.requestreply.requester.core.RequestAction.Skipped;
import dev.requestreply.requester.core.RequestAction.TestPolicy;
import dev.requestreply.requester.core.RequestEvent.AtTimeout;
import dev.requestreply.requester.core.RequestEvent.Cancel;
import dev.requestreply.requester.core.RequestEvent.Gathered;
import dev.requestreply.requester.core.RequestEvent.Reply;
import dev.requestreply.requester.core.RequestEvent.SendFailed;
import dev.requestreply.requester.core.RequestEvent.Stop;
import dev.requestreply.requester.core.RequestEvent.Timeout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestCoreTests {

	private final RequestCore core = RequestCore.SOUND;

	@Test
	void whenRequestTimesOutThenEngineEndsItBeforeAnyUserCode() {
		RequestCore.Transition ended = this.core.apply(RequestState.single(100, true, true), new Timeout(100));
		assertThat(ended.state().outcome()).isEqualTo(RequestOutcome.TIMEOUT);
		assertThat(ended.actions()).containsExactly(new Remove(true), new Count(RequestOutcome.TIMEOUT),
				new Measure(RequestOutcome.TIMEOUT, false), new Release(), new SendCancel(),
				new Notify(RequestOutcome.TIMEOUT, false), new Complete(Completion.TIMEOUT, List.of()));
		assertThat(ended.actions().stream().filter(RequestAction::userCode)).hasSize(2);
	}

	@Test
	void whenRequestEndedThenLaterRepliesAreLateAndOtherEventsChangeNothing() {
		RequestState ended = this.core.apply(RequestState.single(100, true, false), new Reply(5, null, null, null, false))
			.state();
		assertThat(this.core.apply(ended, new Reply(6, null, null, null, true)).actions())
			.containsExactly(new Skip(Skipped.LATE));
		assertThat(this.core.apply(ended, new Timeout(200)).actions()).isEmpty();
		assertThat(this.core.apply(ended, new Cancel(false)).actions()).isEmpty();
		assertThat(this.core.apply(ended, new Stop()).actions()).isEmpty();
	}

	@Test
	void whenGatherPolicyHoldsThenCancelGoesToTheResponders() {
		RequestState gather = RequestState.gather(100, true, false);
		RequestCore.Transition one = this.core.apply(gather, new Reply(1, "a", null, null, false));
		assertThat(one.actions()).containsExactly(new TestPolicy());
		assertThat(this.core.apply(one.state(), new Reply(2, "a", null, null, false)).actions())
			.containsExactly(new Skip(Skipped.DUPLICATE));
		assertThat(this.core.apply(one.state(), new Gathered(false)).actions()).contains(new SendCancel(),
				new Count(RequestOutcome.SUCCESS), new Complete(Completion.VALUE, List.of()));
		assertThat(this.core.apply(one.state(), new Gathered(true)).actions()).contains(new SendCancel(),
				new Complete(Completion.POLICY_FAILED, List.of()));
	}

	@Test
	void whenGatherTimesOutWithRepliesItsPolicyReleasesThenItEndsPartialNotTimedOut() {
		RequestState one = this.core.apply(RequestState.gather(100, true, false), new Reply(1, "a", null, null, false))
			.state();
		RequestState released = this.core.apply(one, new AtTimeout(1, true)).state();
		RequestCore.Transition ended = this.core.apply(released, new Timeout(100));
		assertThat(ended.state().outcome()).isEqualTo(RequestOutcome.PARTIAL);
		assertThat(ended.actions()).containsExactly(new Remove(true), new Count(RequestOutcome.PARTIAL),
				new Measure(RequestOutcome.PARTIAL, false), new SendCancel(), new Notify(RequestOutcome.PARTIAL, false),
				new Complete(Completion.PARTIAL, List.of()));
	}

	@Test
	void whenGatherPolicyAnswersNoForTheTimeoutThenItTimesOutAndAnOlderAnswerChangesNothing() {
		RequestState two = this.core.apply(this.core.apply(RequestState.gather(100, true, false),
				new Reply(1, "a", null, null, false)).state(), new Reply(2, "b", null, null, false)).state();
		RequestState refused = this.core.apply(two, new AtTimeout(2, false)).state();
		// The answer for the first reply alone, from a slower completion thread, comes after.
		RequestState stale = this.core.apply(refused, new AtTimeout(1, true)).state();
		RequestCore.Transition ended = this.core.apply(stale, new Timeout(100));
		assertThat(ended.state().outcome()).isEqualTo(RequestOutcome.TIMEOUT);
		assertThat(ended.actions()).contains(new Count(RequestOutcome.TIMEOUT), new SendCancel(),
				new Complete(Completion.TIMEOUT, List.of()));
	}

	@Test
	void whenGatherTimesOutWithNoReplyThenItIsATimeoutCompletedAsItsPolicyAnswered() {
		RequestCore.Transition empty = this.core.apply(RequestState.gather(100, true, false), new Timeout(100));
		assertThat(empty.state().outcome()).isEqualTo(RequestOutcome.TIMEOUT);
		assertThat(empty.actions()).contains(new Count(RequestOutcome.TIMEOUT), new Complete(Completion.PARTIAL, List.of()));
		assertThat(this.core.apply(RequestState.gather(100, true, false, false), new Timeout(100)).actions())
			.contains(new Count(RequestOutcome.TIMEOUT), new Complete(Completion.TIMEOUT, List.of()));
	}

	@Test
	void whenStreamElementsComeOutOfOrderThenHeldUpToTheBoundThenOverflowCancels() {
		RequestState stream = RequestState.stream(0, 1_000, 100, 1, true, false);
		RequestState held = this.core.apply(stream, new Reply(1, null, 1L, null, false)).state();
		assertThat(held.held()).isEqualTo(1);
		RequestCore.Transition inOrder = this.core.apply(held, new Reply(2, null, 0L, null, false));
		assertThat(inOrder.actions()).containsExactly(new Deliver(0), new Deliver(1), new Reschedule(102));
		RequestCore.Transition overflow = this.core.apply(held, new Reply(2, null, 2L, null, false));
		assertThat(overflow.state().outcome()).isEqualTo(RequestOutcome.CANCELLED);
		assertThat(overflow.actions()).contains(new SendCancel(), new Complete(Completion.OVERFLOW, List.of()));
	}

	@Test
	void whenCallerCancelsTheFutureThenNoCompletionAndItsPartitionIsReleased() {
		assertThat(this.core.apply(RequestState.single(100, true, true), new Cancel(true)).actions())
			.containsExactly(new Remove(true),
				new Count(RequestOutcome.CANCELLED), new Measure(RequestOutcome.CANCELLED, false), new Release(),
				new SendCancel(), new Notify(RequestOutcome.CANCELLED, false));
	}

	@Test
	void whenEngineStopsThenFailedWithCancelButNoRememberedId() {
		assertThat(this.core.apply(RequestState.single(100, true, false), new Stop()).actions()).containsExactly(
				new Remove(false), new Count(RequestOutcome.ERROR), new Measure(RequestOutcome.ERROR, false),
				new SendCancel(), new Notify(RequestOutcome.ERROR, false),
				new Complete(Completion.STOPPED, List.of()));
		assertThat(this.core.apply(RequestState.single(100, false, false), new Stop()).actions())
			.doesNotContain(new SendCancel());
	}

	@Test
	void whenSendFailsThenRequestEndsWithoutCancelUnlessAGatherReachedOtherTopics() {
		assertThat(this.core.apply(RequestState.single(100, true, false), new SendFailed()).actions()).containsExactly(
				new Remove(false), new Count(RequestOutcome.ERROR), new Measure(RequestOutcome.ERROR, false),
				new Notify(RequestOutcome.ERROR, false), new Complete(Completion.SEND_FAILED, List.of()));
		assertThat(this.core.apply(RequestState.gather(100, true, false), new SendFailed()).actions())
			.contains(new SendCancel());
	}

	@Test
	void whenSingleReplyEndsRequestThenItsIdIsNotKept() {
		assertThat(this.core.apply(RequestState.single(100, true, false), new Reply(5, null, null, null, false))
			.actions()).startsWith(new Remove(false));
	}

	@Test
	void whenSingleRequestStateFoldsIntoItsWordThenNothingIsLost() {
		for (boolean cancelsOn : new boolean[] { true, false }) {
			for (boolean partition : new boolean[] { true, false }) {
				RequestState pending = RequestState.single(100, cancelsOn, partition);
				assertThat(RequestState.ofWord(pending.word(), 100)).isEqualTo(pending);
				for (RequestEvent event : List.of(new Timeout(100), new Cancel(false), new Stop(),
						new Reply(5, null, null, null, false), new Reply(5, null, null, null, true))) {
					RequestState ended = this.core.apply(pending, event).state();
					assertThat(ended.word()).isNotEqualTo(pending.word()).isNotZero();
					assertThat(RequestState.ofWord(ended.word(), 100)).isEqualTo(ended);
				}
			}
		}
	}

	@Test
	void whenATimeoutIsDecidedFromAWordThenItIsTheDecisionOfItsStateSharedByEveryRequestPastItsDeadline() {
		for (boolean cancelsOn : new boolean[] { false, true }) {
			for (boolean holdsPartition : new boolean[] { false, true }) {
				RequestState pending = RequestState.single(100, cancelsOn, holdsPartition);
				for (RequestState state : List.of(pending, this.core.apply(pending, new Timeout(100)).state())) {
					RequestCore.Transition expected = this.core.apply(state, new Timeout(150));
					RequestCore.WordTransition decided = this.core.applyToWord(state.word(), 100, new Timeout(150));
					assertThat(decided.word()).isEqualTo(expected.state().word());
					assertThat(decided.outcome()).isEqualTo(expected.state().outcome());
					assertThat(decided.actions()).isEqualTo(expected.actions());
					// Another request, another deadline passed: the same decision, not made again.
					assertThat(this.core.applyToWord(state.word(), 120, new Timeout(400))).isSameAs(decided);
				}
				// Before its deadline (a stream's moved): rescheduled, as apply decides.
				assertThat(this.core.applyToWord(pending.word(), 100, new Timeout(50)).actions())
					.isEqualTo(this.core.apply(pending, new Timeout(50)).actions())
					.containsExactly(new Reschedule(100));
			}
		}
	}

	@Test
	void whenAReplyIsDecidedFromAWordThenItIsTheDecisionOfItsStateSharedByEveryRequestOfThatWord() {
		for (boolean cancelsOn : new boolean[] { false, true }) {
			for (boolean holdsPartition : new boolean[] { false, true }) {
				RequestState pending = RequestState.single(100, cancelsOn, holdsPartition);
				for (RequestState state : List.of(pending, this.core.apply(pending, new Timeout(100)).state())) {
					for (boolean error : new boolean[] { false, true }) {
						Reply reply = new Reply(5, null, null, null, error);
						RequestCore.Transition expected = this.core.apply(state, reply);
						RequestCore.WordTransition decided = this.core.applyToWord(state.word(), 100, reply);
						assertThat(decided.word()).isEqualTo(expected.state().word());
						assertThat(decided.outcome()).isEqualTo(expected.state().outcome());
						assertThat(decided.actions()).isEqualTo(expected.actions());
						// Another request's reply, from another responder: the same decision, not made again.
						assertThat(this.core.applyToWord(state.word(), 120, new Reply(9, "b", 1L, null, error)))
							.isSameAs(decided);
					}
				}
			}
		}
	}

}
