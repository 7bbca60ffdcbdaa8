package dev.requestreply.responder.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import dev.requestreply.responder.core.ResponderAction.Acknowledgement;
import dev.requestreply.responder.core.ResponderAction.Ending;
import org.jspecify.annotations.Nullable;

/**
 * The share group around a queue handler's core in a simulated schedule: a broker that hands each
 * record to one share consumer at a time under an acquisition lock (released when the lock runs
 * out, when the consumer closes or crashes, or on {@code RELEASE}; delivered again, maybe to another
 * member, until its delivery limit), consumers that acquire new records only once they hold none
 * (the share consumer's rule), say when half a lock ran out, learn late that a lock was lost, and
 * close or crash; and the checks of the acknowledgements.
 */
final class SimulatedQueue {

	private final ResponderSimulation simulation;

	private final SplittableRandom random;

	private final int records;

	private final long lock;

	private final int deliveryLimit;

	// The broker's side, by offset: deliveries so far, the acquisition holding it (a delivery id, -1
	// for none), until when, and whether it is done with (accepted, or archived at its limit).
	private final int[] delivered;

	private final long[] holder;

	private final long[] lockUntil;

	private final boolean[] done;

	private final Map<Long, Delivery> deliveries = new HashMap<>();

	private final Map<Integer, Set<Long>> consumers = new HashMap<>();

	private int nextConsumer;

	// The Acknowledge just carried out, whose Outcome must come next.
	private @Nullable Delivery accepting;

	SimulatedQueue(ResponderSimulation simulation, SplittableRandom random, int records) {
		this.simulation = simulation;
		this.random = random;
		this.records = records;
		this.lock = random.nextLong(60, 300);
		this.deliveryLimit = random.nextInt(2, 6);
		this.delivered = new int[records];
		this.holder = new long[records];
		this.lockUntil = new long[records];
		this.done = new boolean[records];
		Arrays.fill(this.holder, -1);
	}

	void start(long horizon) {
		for (int i = this.random.nextInt(1, 4); i > 0; i--) {
			open();
		}
		for (int i = this.random.nextInt(3); i > 0; i--) {
			this.simulation.at(this.random.nextLong(horizon), this::closeOne);
		}
	}

	private void open() {
		if (this.simulation.stopped) {
			return;
		}
		int consumer = this.nextConsumer++;
		this.consumers.put(consumer, new LinkedHashSet<>());
		pollLater(consumer);
	}

	private void pollLater(int consumer) {
		this.simulation.at(this.random.nextLong(1, 15), () -> poll(consumer));
	}

	// Acquires new records only once it holds none of its last poll's.
	private void poll(int consumer) {
		Set<Long> held = this.consumers.get(consumer);
		if (held == null || this.simulation.stopped) {
			return;
		}
		if (held.isEmpty()) {
			int most = this.random.nextInt(1, 4);
			for (int offset = 0; offset < this.records && most > 0; offset++) {
				if (!this.done[offset] && this.holder[offset] < 0) {
					acquire(consumer, offset);
					most--;
				}
			}
		}
		if (!allDone()) {
			pollLater(consumer);
		}
	}

	private boolean allDone() {
		for (boolean one : this.done) {
			if (!one) {
				return false;
			}
		}
		return true;
	}

	private void acquire(int consumer, int offset) {
		if (++this.delivered[offset] > this.deliveryLimit) {
			// Archived by the broker: delivered no more.
			this.done[offset] = true;
			return;
		}
		RequestRef ref = this.simulation.nextRef(offset);
		Delivery delivery = new Delivery(ref, consumer, offset);
		this.deliveries.put(ref.id(), delivery);
		this.consumers.get(consumer).add(ref.id());
		this.holder[offset] = ref.id();
		this.lockUntil[offset] = this.simulation.now + this.lock;
		expireLater(delivery);
		renewLater(delivery);
		SimulatedRequest request = this.simulation.inHand(ref, null, 1);
		this.simulation.deliver(new ResponderEvent.Acquired(ref, consumer, this.delivered[offset], request.deadline));
	}

	// Its consumer says so at half the lock, late at times (a busy consumer: the lock runs out).
	private void renewLater(Delivery delivery) {
		long delay = (this.random.nextInt(8) == 0) ? this.random.nextLong(this.lock / 2, this.lock * 2)
				: this.random.nextLong(this.lock / 4, this.lock / 2 + 1);
		this.simulation.at(delay, () -> {
			if (delivery.held()) {
				this.simulation.deliver(new ResponderEvent.RenewDue(delivery.ref));
			}
		});
	}

	private void expireLater(Delivery delivery) {
		this.simulation.at(this.lockUntil[delivery.offset] - this.simulation.now, () -> {
			if (this.holder[delivery.offset] == delivery.ref.id()
					&& this.simulation.now >= this.lockUntil[delivery.offset]) {
				// The broker takes it back; its consumer learns later, if it is still open.
				this.holder[delivery.offset] = -1;
				this.simulation.at(this.random.nextLong(0, this.lock), () -> {
					if (delivery.held()) {
						this.consumers.get(delivery.consumer).remove(delivery.ref.id());
						delivery.lost = true;
						this.simulation.deliver(new ResponderEvent.LockLost(delivery.ref));
					}
				});
			}
		});
	}

	private void closeOne() {
		List<Integer> open = new ArrayList<>(this.consumers.keySet());
		if (!open.isEmpty()) {
			close(open.get(this.random.nextInt(open.size())));
			this.simulation.at(this.random.nextLong(1, 60), this::open);
		}
	}

	// Closed or crashed: the broker releases what it held.
	private void close(int consumer) {
		Set<Long> held = this.consumers.remove(consumer);
		if (held == null) {
			return;
		}
		for (long id : held) {
			Delivery delivery = this.deliveries.get(id);
			delivery.closed = true;
			if (this.holder[delivery.offset] == id) {
				this.holder[delivery.offset] = -1;
			}
		}
		this.simulation.deliver(new ResponderEvent.ConsumerClosed(consumer));
	}

	/**
	 * The handler stopped (the core released what it held): its consumers close.
	 */
	void stopped() {
		for (int consumer : List.copyOf(this.consumers.keySet())) {
			close(consumer);
		}
	}

	/**
	 * Check an action before it is carried out, and carry out those of queue mode.
	 */
	void before(ResponderAction action) {
		Delivery accepting = this.accepting;
		if (accepting != null) {
			this.accepting = null;
			check(action instanceof ResponderAction.Outcome outcome && outcome.ref().equals(accepting.ref)
					&& outcome.ending() != Ending.ABANDONED, Invariant.ACCEPTED_ONCE_ENDED,
					accepting.ref + " accepted before its request ended (then " + action + ")");
		}
		if (action instanceof ResponderAction.Start start) {
			Delivery delivery = this.deliveries.get(start.ref().id());
			check(!delivery.started, Invariant.ONE_START_PER_DELIVERY, start.ref() + " started twice");
			delivery.started = true;
		}
		else if (action instanceof ResponderAction.Acknowledge acknowledge) {
			acknowledge(this.deliveries.get(acknowledge.ref().id()), acknowledge.type());
		}
		else if (action instanceof ResponderAction.Renew renew) {
			Delivery delivery = this.deliveries.get(renew.ref().id());
			check(!delivery.closed && !delivery.lost && delivery.acknowledged == 0,
					Invariant.NO_ACKNOWLEDGEMENT_AFTER_CLOSE, renew.ref() + " renewed after it was acknowledged, "
							+ "its consumer closed or its lock was lost");
			if (this.holder[delivery.offset] == delivery.ref.id()) {
				this.lockUntil[delivery.offset] = this.simulation.now + this.lock;
				expireLater(delivery);
			}
			renewLater(delivery);
		}
	}

	private void acknowledge(Delivery delivery, Acknowledgement type) {
		check(delivery.acknowledged == 0, Invariant.ACKNOWLEDGED_ONCE, delivery.ref + " acknowledged twice");
		check(!delivery.closed && !delivery.lost, Invariant.NO_ACKNOWLEDGEMENT_AFTER_CLOSE,
				delivery.ref + " acknowledged after its consumer closed or its lock was lost");
		delivery.acknowledged++;
		if (type == Acknowledgement.ACCEPT) {
			SimulatedRequest request = this.simulation.request(delivery.ref);
			check(request.outcome == null && (request.replySent || request.replyFailed || request.callerGaveUp
					|| request.skipped), Invariant.ACCEPTED_ONCE_ENDED,
					delivery.ref + " accepted with its reply not sent");
			this.accepting = delivery;
		}
		this.consumers.getOrDefault(delivery.consumer, Set.of()).remove(delivery.ref.id());
		if (this.holder[delivery.offset] == delivery.ref.id()) {
			// The acquisition still holds: the broker takes it.
			this.holder[delivery.offset] = -1;
			this.done[delivery.offset] = type == Acknowledgement.ACCEPT;
		}
	}

	void afterStep() {
		check(this.accepting == null, Invariant.ACCEPTED_ONCE_ENDED,
				(this.accepting != null) ? this.accepting.ref + " accepted, its request not ended" : "");
	}

	void atEnd() {
		for (Delivery delivery : this.deliveries.values()) {
			check(delivery.acknowledged == 1 || delivery.closed || delivery.lost, Invariant.ACKNOWLEDGED_ONCE,
					delivery.ref + " never acknowledged, its consumer open and its lock held");
		}
	}

	private void check(boolean holds, Invariant invariant, String message) {
		if (!holds) {
			throw new SimulationChecks.Violation(invariant,
					"at " + this.simulation.now + " ms, step " + this.simulation.steps + ": " + message);
		}
	}

	private final class Delivery {

		final RequestRef ref;

		final int consumer;

		final int offset;

		int acknowledged;

		boolean started;

		// Its consumer closed (the broker released it), or learnt its lock ran out.
		boolean closed;

		boolean lost;

		Delivery(RequestRef ref, int consumer, int offset) {
			this.ref = ref;
			this.consumer = consumer;
			this.offset = offset;
		}

		// Its consumer holds it, not acknowledged.
		boolean held() {
			Set<Long> held = SimulatedQueue.this.consumers.get(this.consumer);
			return held != null && held.contains(this.ref.id());
		}

	}

}
