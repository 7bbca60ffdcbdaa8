package dev.requestreply.responder.core;

import java.util.EnumSet;
import java.util.List;

import dev.requestreply.ReplyHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recorded events replayed through the simulation's checks: what they accept, and that a core
 * with a defect of state re-introduced is caught from the events alone.
 */
class RecordedReplayTests {

	private static final Partition P0 = new Partition("requests", 0);

	private final RequestRef a = new RequestRef(1, P0, 0);

	private final RequestRef b = new RequestRef(2, P0, 1);

	@Test
	void whenAWorkersClaimCameBeforeTheWithdrawalOfItsRequestThenTheReplayAcceptsTheMethodStartedAfterTheEnd() {
		List<ResponderEvent> events = List.of(new ResponderEvent.Assigned(P0, 0, null),
				new ResponderEvent.Arrived(this.a, "k", Long.MAX_VALUE), new ResponderEvent.Arrived(this.b, "k", Long.MAX_VALUE),
				new ResponderEvent.Cancel(this.a), new ResponderEvent.Started(this.a, true),
				new ResponderEvent.Returned(this.a, false), new ResponderEvent.Started(this.b, true),
				new ResponderEvent.Returned(this.b, false), new ResponderEvent.ReplySent(this.b),
				new ResponderEvent.CommitDone(P0, 2, true));
		assertThat(RecordedReplay.replay(ReplyHandler.Ordering.KEY, 4, events)).isEqualTo(events.size());
	}

	@Test
	void whenTheRecordedCoreHadADefectOfStateThenTheReplayCatchesItFromTheEventsAlone() {
		// Offset 1 finishes first: a commit past offset 0 would pass an unfinished request.
		List<ResponderEvent> finishedOutOfOrder = List.of(new ResponderEvent.Assigned(P0, 0, null),
				new ResponderEvent.Arrived(this.a, null, Long.MAX_VALUE), new ResponderEvent.Arrived(this.b, null, Long.MAX_VALUE),
				new ResponderEvent.Started(this.b, true), new ResponderEvent.Returned(this.b, false),
				new ResponderEvent.ReplySent(this.b));
		assertThat(violation(finishedOutOfOrder, Fault.COMMIT_PAST_UNFINISHED))
			.isEqualTo(Invariant.COMMIT_NOT_PAST_UNFINISHED);
		// The max handling time passed while a was queued; its worker claims it afterwards.
		List<ResponderEvent> claimedAfterErrorReply = List.of(new ResponderEvent.Assigned(P0, 0, null),
				new ResponderEvent.Arrived(this.a, null, Long.MAX_VALUE), new ResponderEvent.MaxHandlingTime(this.a),
				new ResponderEvent.Started(this.a, true));
		assertThat(violation(claimedAfterErrorReply, Fault.METHOD_AFTER_DEADLINE_EXCEEDED))
			.isEqualTo(Invariant.NO_METHOD_AFTER_END);
		assertThat(RecordedReplay.violationOf(ReplyHandler.Ordering.NONE, 4, finishedOutOfOrder,
				EnumSet.noneOf(Fault.class))).isNull();
	}

	private static Invariant violation(List<ResponderEvent> events, Fault fault) {
		SimulationChecks.Violation violation = RecordedReplay.violationOf(ReplyHandler.Ordering.NONE, 4, events,
				EnumSet.of(fault));
		assertThat(violation).isNotNull();
		return violation.invariant;
	}

}
