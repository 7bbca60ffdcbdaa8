package dev.requestreply.responder.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.requestreply.responder.core.ResponderAction.Acknowledgement;
import dev.requestreply.responder.core.ResponderAction.Ending;
import org.jspecify.annotations.Nullable;

/**
 * The deliveries of a handler in queue mode (a share group), in place of the partitions' ledgers:
 * which share consumer holds each, how many times the broker delivered it, and its
 * acknowledgement, decided once per delivery as its request ends ({@code ACCEPT}; {@code RELEASE}
 * when it is left unanswered: at the stop) and never once the broker took it back (its lock ran
 * out, its consumer closed). While its request is in hand, its lock is renewed when its consumer
 * says half of it ran out. Part of {@link ResponderCore}, used by it only.
 */
final class ShareDeliveries {

	private final CoreRequests requests;

	private final Set<Fault> faults;

	// The deliveries whose acknowledgement is not decided yet, by id.
	private final Map<Long, Delivery> held = new HashMap<>();

	ShareDeliveries(CoreRequests requests, Set<Fault> faults) {
		this.requests = requests;
		this.faults = faults;
	}

	/**
	 * Take an event of queue mode's own.
	 * @return whether it was one
	 */
	boolean on(ResponderEvent event, List<ResponderAction> actions) {
		if (event instanceof ResponderEvent.Acquired acquired) {
			acquired(acquired, actions);
		}
		else if (event instanceof ResponderEvent.RenewDue due) {
			Delivery delivery = this.held.get(due.ref().id());
			CoreRequest request = this.requests.get(due.ref());
			if (delivery != null && delivery.open && request != null && request.inHand()) {
				actions.add(new ResponderAction.Renew(due.ref()));
			}
		}
		else if (event instanceof ResponderEvent.LockLost lost) {
			Delivery delivery = this.held.get(lost.ref().id());
			if (delivery != null) {
				delivery.open = false;
			}
		}
		else if (event instanceof ResponderEvent.ConsumerClosed closed) {
			if (!this.faults.contains(Fault.ACKNOWLEDGED_AFTER_CLOSE)) {
				for (Delivery delivery : this.held.values()) {
					delivery.open &= delivery.consumer != closed.consumer();
				}
			}
		}
		else {
			return false;
		}
		return true;
	}

	private void acquired(ResponderEvent.Acquired acquired, List<ResponderAction> actions) {
		RequestRef ref = acquired.ref();
		this.held.put(ref.id(), new Delivery(ref, acquired.consumer()));
		if (this.requests.stopped()) {
			// Acquired while the handler stops: another instance takes it.
			actions.add(new ResponderAction.Outcome(ref, Ending.ABANDONED));
			return;
		}
		this.requests.arrived(ref, null, actions);
	}

	/**
	 * The handler stops: every request in hand is left unanswered (its delivery released).
	 */
	void stop(List<ResponderAction> actions) {
		for (Delivery delivery : List.copyOf(this.held.values())) {
			CoreRequest request = this.requests.get(delivery.ref);
			if (request != null && request.inHand()) {
				this.requests.end(request, Ending.ABANDONED, false, actions);
			}
			else if (delivery.open && this.held.remove(delivery.ref.id()) != null) {
				// Only with ACKNOWLEDGED_TWICE: an accepted one stays held.
				actions.add(new ResponderAction.Acknowledge(delivery.ref, Acknowledgement.RELEASE));
			}
		}
	}

	/**
	 * Acknowledge the delivery of each request the actions end, just before its outcome.
	 * @param actions the actions an event led to
	 * @return them with the acknowledgements
	 */
	List<ResponderAction> acknowledge(List<ResponderAction> actions) {
		@Nullable List<ResponderAction> all = null;
		for (int i = 0; i < actions.size(); i++) {
			ResponderAction action = actions.get(i);
			ResponderAction.@Nullable Acknowledge acknowledge = null;
			if (action instanceof ResponderAction.Outcome outcome) {
				acknowledge = decide(outcome.ref(), (outcome.ending() != Ending.ABANDONED) ? Acknowledgement.ACCEPT
						: Acknowledgement.RELEASE);
			}
			else if (action instanceof ResponderAction.SendReply reply && this.faults
				.contains(Fault.ACCEPT_BEFORE_REPLY_SENT)) {
				acknowledge = decide(reply.ref(), Acknowledgement.ACCEPT);
			}
			if (acknowledge != null) {
				if (all == null) {
					all = new ArrayList<>(actions.subList(0, i));
				}
				all.add(acknowledge);
			}
			if (all != null) {
				all.add(action);
			}
		}
		return (all != null) ? all : actions;
	}

	private ResponderAction.@Nullable Acknowledge decide(RequestRef ref, Acknowledgement type) {
		Delivery delivery = this.faults.contains(Fault.ACKNOWLEDGED_TWICE) ? this.held.get(ref.id())
				: this.held.remove(ref.id());
		return (delivery != null && delivery.open) ? new ResponderAction.Acknowledge(ref, type) : null;
	}

	private static final class Delivery {

		final RequestRef ref;

		final int consumer;

		// Neither its lock ran out nor its consumer closed: acknowledged to its consumer.
		boolean open = true;

		Delivery(RequestRef ref, int consumer) {
			this.ref = ref;
			this.consumer = consumer;
		}

	}

}
