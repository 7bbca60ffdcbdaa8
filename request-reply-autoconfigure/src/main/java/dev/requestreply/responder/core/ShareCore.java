package dev.requestreply.responder.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.requestreply.ReplyHandler;

/**
 * The decisions about the requests of a handler in queue mode (a share group): those of a
 * {@link ResponderCore} that orders nothing and owns no partitions (no commits), with the
 * deliveries' acknowledgements in place of the partitions' ledgers ({@link ShareDeliveries}):
 * each delivery is acknowledged once, as its request ends ({@link ResponderAction.Acknowledge},
 * just before its {@link ResponderAction.Outcome}), and renewed while its request is in hand. Not
 * thread-safe: one owner calls it, as {@link ResponderCore}.
 */
public final class ShareCore {

	private final ResponderCore core;

	private final ShareDeliveries deliveries;

	/**
	 * Make the core of one queue handler.
	 */
	public ShareCore() {
		this(EnumSet.noneOf(Fault.class));
	}

	ShareCore(Set<Fault> faults) {
		this.core = new ResponderCore(ReplyHandler.Ordering.NONE, 0, faults);
		this.deliveries = new ShareDeliveries(this.core.requests(), faults);
	}

	/**
	 * Return how many requests are in hand.
	 */
	public int inHand() {
		return this.core.inHand();
	}

	/**
	 * Take one event.
	 * @param event the event
	 * @return the actions it leads to, in the order they are to be carried out
	 */
	public List<ResponderAction> decide(ResponderEvent event) {
		List<ResponderAction> actions;
		if (event instanceof ResponderEvent.Stop) {
			actions = new ArrayList<>(this.core.decide(event));
			this.deliveries.stop(actions);
		}
		else {
			actions = new ArrayList<>(4);
			if (!this.deliveries.on(event, actions)) {
				actions = this.core.decide(event);
			}
		}
		return this.deliveries.acknowledge(actions);
	}

	/**
	 * Return nothing: a share group has no commits.
	 */
	public List<ResponderAction> commits() {
		return List.of();
	}

}
