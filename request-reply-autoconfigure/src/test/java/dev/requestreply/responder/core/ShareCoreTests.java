package dev.requestreply.responder.core;

import dev.requestreply.responder.core.ResponderAction.Acknowledgement;
import dev.requestreply.responder.core.ResponderAction.Ending;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decisions of a queue handler's core, one example each; the simulation checks them in every
 * order.
 */
class ShareCoreTests {

	private static final Partition QUEUE = new Partition("requests", 0);

	private final ShareCore core = new ShareCore();

	private long ids;

	@Test
	void whenARequestIsRepliedToThenItsDeliveryIsAcceptedOnceTheReplyWasSentAndNeverAgain() {
		RequestRef a = acquire(0, 1);
		assertThat(this.core.decide(new ResponderEvent.Started(a, true))).isEmpty();
		assertThat(this.core.decide(new ResponderEvent.Returned(a, false)))
			.containsExactly(new ResponderAction.SendReply(a));
		assertThat(this.core.decide(new ResponderEvent.ReplySent(a))).containsExactly(
				new ResponderAction.Acknowledge(a, Acknowledgement.ACCEPT), new ResponderAction.Outcome(a, Ending.REPLIED));
		assertThat(this.core.decide(new ResponderEvent.RenewDue(a))).isEmpty();
		assertThat(this.core.decide(new ResponderEvent.Stop())).isEmpty();
	}

	@Test
	void whenTheHandlerStopsThenTheDeliveriesInHandAreReleasedAndOneAcquiredLaterToo() {
		RequestRef a = acquire(0, 1);
		this.core.decide(new ResponderEvent.Started(a, true));
		assertThat(this.core.decide(new ResponderEvent.Stop())).containsExactly(new ResponderAction.Interrupt(a),
				new ResponderAction.Acknowledge(a, Acknowledgement.RELEASE),
				new ResponderAction.Outcome(a, Ending.ABANDONED));
		RequestRef b = new RequestRef(this.ids++, QUEUE, 1);
		assertThat(this.core.decide(new ResponderEvent.Acquired(b, 1, 1, Long.MAX_VALUE))).containsExactly(
				new ResponderAction.Acknowledge(b, Acknowledgement.RELEASE), new ResponderAction.Outcome(b, Ending.ABANDONED));
	}

	@Test
	void whenALockIsHalfGoneThenItIsRenewedWhileItsRequestIsInHandButNotOnceTheBrokerTookItBack() {
		RequestRef a = acquire(0, 2);
		this.core.decide(new ResponderEvent.Started(a, true));
		assertThat(this.core.decide(new ResponderEvent.RenewDue(a))).containsExactly(new ResponderAction.Renew(a));
		assertThat(this.core.decide(new ResponderEvent.LockLost(a))).isEmpty();
		assertThat(this.core.decide(new ResponderEvent.RenewDue(a))).isEmpty();
		this.core.decide(new ResponderEvent.Returned(a, false));
		// Its request still ends, unacknowledged: the broker delivers the record again.
		assertThat(this.core.decide(new ResponderEvent.ReplySent(a)))
			.containsExactly(new ResponderAction.Outcome(a, Ending.REPLIED));
	}

	@Test
	void whenItsConsumerClosedThenADeliveryIsNoLongerAcknowledgedButAnotherConsumersIs() {
		RequestRef a = acquire(0, 1);
		RequestRef b = new RequestRef(this.ids++, QUEUE, 1);
		this.core.decide(new ResponderEvent.Acquired(b, 2, 1, Long.MAX_VALUE));
		assertThat(this.core.decide(new ResponderEvent.ConsumerClosed(1))).isEmpty();
		assertThat(this.core.decide(new ResponderEvent.Cancel(a))).containsExactly(new ResponderAction.Withdraw(a),
				new ResponderAction.Outcome(a, Ending.CANCELLED));
		assertThat(this.core.decide(new ResponderEvent.Cancel(b))).containsExactly(new ResponderAction.Withdraw(b),
				new ResponderAction.Acknowledge(b, Acknowledgement.ACCEPT), new ResponderAction.Outcome(b, Ending.CANCELLED));
	}

	private RequestRef acquire(long offset, int deliveryCount) {
		RequestRef ref = new RequestRef(this.ids++, QUEUE, offset);
		assertThat(this.core.decide(new ResponderEvent.Acquired(ref, 1, deliveryCount, Long.MAX_VALUE)))
			.containsExactly(new ResponderAction.Start(ref));
		return ref;
	}

}
