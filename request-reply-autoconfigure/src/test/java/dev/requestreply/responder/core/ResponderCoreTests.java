package dev.requestreply.responder.core;

import java.util.List;
import java.util.Set;

import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.ReplyHandler;
import dev.requestreply.responder.core.ResponderAction.Ending;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The responder core's decisions, one example each; the simulation checks them in every order.
 */
class ResponderCoreTests {

	private static final Partition P0 = new Partition("requests", 0);

	private final ResponderCore core = new ResponderCore(ReplyHandler.Ordering.KEY, 4);

	private long ids;

	@Test
	void whenAWaitingRequestOfAKeyIsCancelledThenTheNextStillWaitsForTheOneRunning() {
		assign();
		RequestRef a = arrive(0, "k");
		RequestRef b = arrive(1, "k");
		RequestRef c = arrive(2, "k");
		assertThat(this.core.on(new ResponderEvent.Started(a, true))).isEmpty();
		// b leaves (its offset finished), c keeps waiting for a.
		assertThat(this.core.on(new ResponderEvent.Cancel(b))).containsExactly(new ResponderAction.Outcome(b, Ending.CANCELLED),
				new ResponderAction.Commit(P0, 0, List.of(1L), true));
		assertThat(this.core.on(new ResponderEvent.Returned(a, false))).containsExactly(new ResponderAction.SendReply(a));
		assertThat(this.core.on(new ResponderEvent.ReplySent(a))).containsExactly(
				new ResponderAction.Outcome(a, Ending.REPLIED), new ResponderAction.Start(c),
				new ResponderAction.Commit(P0, 2, List.of(), true));
	}

	@Test
	void whenTheMaxHandlingTimePassesBeforeAQueuedRequestRunsThenItNeverRuns() {
		assign();
		RequestRef a = arrive(0, "k");
		assertThat(this.core.on(new ResponderEvent.MaxHandlingTime(a))).containsExactly(new ResponderAction.Withdraw(a),
				new ResponderAction.SendError(a, ReplyErrorCodes.DEADLINE_EXCEEDED));
		// The withdrawal won the claim: the worker skips it.
		assertThat(this.core.on(new ResponderEvent.Started(a, false))).isEmpty();
		assertThat(this.core.on(new ResponderEvent.ReplySent(a))).containsExactly(
				new ResponderAction.Outcome(a, Ending.ERROR_REPLIED), new ResponderAction.Commit(P0, 1, List.of(), true));
	}

	@Test
	void whenAWorkerClaimedARequestBeforeItsEndReachedTheCoreThenTheNextOfItsLaneWaitsForItsMethod() {
		assign();
		RequestRef a = arrive(0, "k");
		RequestRef b = arrive(1, "k");
		// a's worker claimed it and calls the method; its Started comes after the cancel.
		assertThat(this.core.on(new ResponderEvent.Cancel(a))).containsExactly(new ResponderAction.Withdraw(a),
				new ResponderAction.Outcome(a, Ending.CANCELLED), new ResponderAction.Commit(P0, 1, List.of(), true));
		assertThat(this.core.on(new ResponderEvent.Started(a, true))).isEmpty();
		assertThat(this.core.on(new ResponderEvent.Returned(a, false))).containsExactly(new ResponderAction.Start(b));
	}

	@Test
	void whenAPartitionIsRevokedThenItsFinishedOffsetsAreCommittedAndTheRestLeftToItsNextOwner() {
		assign();
		RequestRef a = arrive(0, "k");
		RequestRef b = arrive(1, "j");
		RequestRef c = arrive(2, "k");
		this.core.on(new ResponderEvent.Started(b, true));
		this.core.on(new ResponderEvent.Returned(b, false));
		this.core.on(new ResponderEvent.ReplySent(b));
		this.core.on(new ResponderEvent.Started(a, true));
		assertThat(this.core.on(new ResponderEvent.Revoked(List.of(P0)))).containsExactly(
				new ResponderAction.Commit(P0, 0, List.of(1L), true), new ResponderAction.Interrupt(a),
				new ResponderAction.Outcome(a, Ending.ABANDONED), new ResponderAction.Outcome(c, Ending.ABANDONED));
		// a's method still runs: a request of its key delivered again waits for it.
		this.core.on(new ResponderEvent.Assigned(P0, 0, Set.of(1L)));
		RequestRef again = arrive(0, "k");
		assertThat(this.core.on(new ResponderEvent.Returned(a, false))).containsExactly(new ResponderAction.Start(again));
		assertThat(this.core.inHand()).isEqualTo(1);
	}

	@Test
	void whenTheMetadataCannotNameEveryFinishedOffsetThenThePartitionPausesUntilItCan() {
		ResponderCore narrow = new ResponderCore(ReplyHandler.Ordering.NONE, 1);
		narrow.on(new ResponderEvent.Assigned(P0, 0, Set.of()));
		RequestRef a = new RequestRef(0, P0, 0);
		narrow.on(new ResponderEvent.Arrived(a, null, Long.MAX_VALUE));
		for (long offset = 1; offset <= 2; offset++) {
			RequestRef quick = new RequestRef(offset, P0, offset);
			narrow.on(new ResponderEvent.Arrived(quick, null, Long.MAX_VALUE));
			narrow.on(new ResponderEvent.Started(quick, true));
			narrow.on(new ResponderEvent.Returned(quick, false));
			List<ResponderAction> actions = narrow.on(new ResponderEvent.ReplySent(quick));
			if (offset == 2) {
				assertThat(actions).contains(new ResponderAction.Commit(P0, 0, List.of(1L), false),
						new ResponderAction.Pause(P0));
			}
		}
		assertThat(narrow.on(new ResponderEvent.DeadlinePassed(a))).containsExactly(new ResponderAction.Withdraw(a),
				new ResponderAction.Outcome(a, Ending.EXPIRED), new ResponderAction.Commit(P0, 3, List.of(), true),
				new ResponderAction.Resume(P0));
	}

	private void assign() {
		this.core.on(new ResponderEvent.Assigned(P0, 0, Set.of()));
	}

	private RequestRef arrive(long offset, String key) {
		RequestRef ref = new RequestRef(this.ids++, P0, offset);
		this.core.on(new ResponderEvent.Arrived(ref, key, Long.MAX_VALUE));
		return ref;
	}

}
