package dev.requestreply.responder.core;

import java.util.List;

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

	private final ResponderCore core = new ResponderCore(ReplyHandler.Ordering.KEY, 4096);

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
				new ResponderAction.Commit(P0, 0, "rr1:AQE", true));
		assertThat(this.core.on(new ResponderEvent.Returned(a, false))).containsExactly(new ResponderAction.SendReply(a));
		assertThat(this.core.on(new ResponderEvent.ReplySent(a))).containsExactly(
				new ResponderAction.Outcome(a, Ending.REPLIED), new ResponderAction.Start(c),
				new ResponderAction.Commit(P0, 2, "", true));
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
				new ResponderAction.Outcome(a, Ending.ERROR_REPLIED), new ResponderAction.Commit(P0, 1, "", true));
	}

	@Test
	void whenAWorkerClaimedARequestBeforeItsEndReachedTheCoreThenTheNextOfItsLaneWaitsForItsMethod() {
		assign();
		RequestRef a = arrive(0, "k");
		RequestRef b = arrive(1, "k");
		// a's worker claimed it and calls the method; its Started comes after the cancel.
		assertThat(this.core.on(new ResponderEvent.Cancel(a))).containsExactly(new ResponderAction.Withdraw(a),
				new ResponderAction.Outcome(a, Ending.CANCELLED), new ResponderAction.Commit(P0, 1, "", true));
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
				new ResponderAction.Commit(P0, 0, "rr1:AQE", true), new ResponderAction.Interrupt(a),
				new ResponderAction.Outcome(a, Ending.ABANDONED), new ResponderAction.Outcome(c, Ending.ABANDONED));
		// a's method still runs: a request of its key delivered again waits for it.
		this.core.on(new ResponderEvent.Assigned(P0, 0, "rr1:AQE"));
		RequestRef again = arrive(0, "k");
		assertThat(this.core.on(new ResponderEvent.Returned(a, false))).containsExactly(new ResponderAction.Start(again));
		assertThat(this.core.inHand()).isEqualTo(1);
	}

	@Test
	void whenTheMetadataCannotNameEveryFinishedOffsetThenThePartitionPausesUntilItCan() {
		// 8 characters: "rr1:" and one run of unfinished and finished offsets (2 bytes), not two.
		ResponderCore narrow = new ResponderCore(ReplyHandler.Ordering.NONE, 8);
		narrow.on(new ResponderEvent.Assigned(P0, 0, null));
		RequestRef a = new RequestRef(0, P0, 0);
		RequestRef b = new RequestRef(2, P0, 2);
		narrow.on(new ResponderEvent.Arrived(a, null, Long.MAX_VALUE));
		assertThat(quick(narrow, 1)).contains(new ResponderAction.Commit(P0, 0, "rr1:AQE", true));
		narrow.on(new ResponderEvent.Arrived(b, null, Long.MAX_VALUE));
		assertThat(quick(narrow, 3)).containsExactly(new ResponderAction.Outcome(new RequestRef(3, P0, 3), Ending.REPLIED),
				new ResponderAction.Commit(P0, 0, "rr1:AQE", false), new ResponderAction.Pause(P0));
		assertThat(narrow.on(new ResponderEvent.DeadlinePassed(a))).containsExactly(new ResponderAction.Withdraw(a),
				new ResponderAction.Outcome(a, Ending.EXPIRED), new ResponderAction.Commit(P0, 2, "rr1:AQE", true),
				new ResponderAction.Resume(P0));
	}

	@Test
	void whenAMethodRunsLongThenCommitsNameItAsStartedAndItsNextOwnerCountsItsSecondRun() {
		assign();
		RequestRef a = arrive(0, "k");
		RequestRef b = arrive(1, "j");
		this.core.on(new ResponderEvent.Started(a, true));
		assertThat(this.core.on(new ResponderEvent.RunningLong(a))).containsExactly(
				new ResponderAction.Commit(P0, 0, "rr2:.AAA", true));
		this.core.on(new ResponderEvent.Started(b, true));
		this.core.on(new ResponderEvent.Returned(b, false));
		List<ResponderAction> actions = this.core.on(new ResponderEvent.ReplySent(b));
		ResponderAction.Commit commit = (ResponderAction.Commit) actions.get(actions.size() - 1);
		assertThat(commit.metadata()).startsWith(CommitMetadata.STARTED_PREFIX);
		assertThat(CommitMetadata.decodeStarted(0, commit.metadata()).offsets()).containsExactly(0L);
		assertThat(CommitMetadata.decode(0, commit.metadata()).contains(1)).isTrue();
		this.core.on(new ResponderEvent.Lost(List.of(P0)));
		// Its next owner: a runs again, counted; b is skipped.
		ResponderCore next = new ResponderCore(ReplyHandler.Ordering.KEY, 4096);
		next.on(new ResponderEvent.Assigned(P0, commit.offset(), commit.metadata()));
		RequestRef again = new RequestRef(10, P0, 0);
		next.on(new ResponderEvent.Arrived(again, "k", Long.MAX_VALUE));
		RequestRef bAgain = new RequestRef(11, P0, 1);
		assertThat(next.on(new ResponderEvent.Arrived(bAgain, "j", Long.MAX_VALUE)))
			.contains(new ResponderAction.Outcome(bAgain, Ending.ALREADY_FINISHED));
		assertThat(next.on(new ResponderEvent.Started(again, true))).containsExactly(new ResponderAction.Rerun(again));
	}

	private static List<ResponderAction> quick(ResponderCore core, long offset) {
		RequestRef quick = new RequestRef(offset, P0, offset);
		core.on(new ResponderEvent.Arrived(quick, null, Long.MAX_VALUE));
		core.on(new ResponderEvent.Started(quick, true));
		core.on(new ResponderEvent.Returned(quick, false));
		return core.on(new ResponderEvent.ReplySent(quick));
	}

	private void assign() {
		this.core.on(new ResponderEvent.Assigned(P0, 0, null));
	}

	private RequestRef arrive(long offset, String key) {
		RequestRef ref = new RequestRef(this.ids++, P0, offset);
		this.core.on(new ResponderEvent.Arrived(ref, key, Long.MAX_VALUE));
		return ref;
	}

}
