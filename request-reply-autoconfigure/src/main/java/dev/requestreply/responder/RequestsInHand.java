package dev.requestreply.responder;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The requests one handler has in hand, for the watchdog and for cancel records (by correlation
 * id), with the one way a request leaves: {@link #end}. Also the ids of cancel records that came
 * before their request (such a request is skipped when it comes), a bounded number of them.
 */
final class RequestsInHand {

	static final int MAX_EARLY_CANCELS = 10_000;

	private final Set<InHandRequest> all = ConcurrentHashMap.newKeySet();

	private final Map<ByteBuffer, InHandRequest> byId = new ConcurrentHashMap<>();

	// Ended while their method still ran: watched until it returns.
	private final Set<InHandRequest> overrunning = ConcurrentHashMap.newKeySet();

	// Guarded by itself; the eldest entries leave first.
	private final Map<ByteBuffer, Boolean> earlyCancels = new LinkedHashMap<>(16, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
			return size() > MAX_EARLY_CANCELS;
		}

	};

	// Told when a request leaves, while someone waits for requests to leave (a revocation).
	private final Object left = new Object();

	private final AtomicInteger waiting = new AtomicInteger();

	private final RequestLanes lanes;

	private final Consumer<InHandRequest> onCancel;

	private final Consumer<ConsumerLedgers> wake;

	/**
	 * @param lanes the lanes whose next request may start once one ends
	 * @param onCancel ends a request in hand whose cancel record arrived (called on the thread
	 * that read it, so it must not run user code)
	 * @param wake wakes a consumer whose partitions may resume
	 */
	RequestsInHand(RequestLanes lanes, Consumer<InHandRequest> onCancel, Consumer<ConsumerLedgers> wake) {
		this.lanes = lanes;
		this.onCancel = onCancel;
		this.wake = wake;
	}

	void add(InHandRequest request) {
		this.all.add(request);
		if (request.headers != null) {
			this.byId.put(ByteBuffer.wrap(request.headers.correlationId()), request);
		}
	}

	/**
	 * End a request: the one way out of hand.
	 * @param request the request
	 * @param always whether to end it whatever its state (else not while its reply is on its way)
	 * @param finished whether its offset finished (else it is handled again after a rebalance or
	 * a restart: an end at shutdown, or on a partition taken away)
	 * @return whether this call ended it
	 */
	boolean end(InHandRequest request, boolean always, boolean finished) {
		if (!request.end(always)) {
			return false;
		}
		if (request.headers != null) {
			this.byId.remove(ByteBuffer.wrap(request.headers.correlationId()), request);
		}
		if (request.acknowledger != null) {
			request.acknowledger.ended(request, finished);
		}
		else if (finished && !request.keepsUnfinished() && request.ledger != null) {
			// Without a core: its ledger's; with one, the core finished it before.
			request.ledger.finish(request.record.offset());
		}
		// Out of hand once its offset finished: a revocation waiting for it then commits it.
		this.all.remove(request);
		if (this.waiting.get() > 0) {
			synchronized (this.left) {
				this.left.notifyAll();
			}
		}
		request.stopObservation();
		if (request.methodRunning()) {
			this.overrunning.add(request);
		}
		if (request.owner != null && request.owner().ended()) {
			this.wake.accept(request.owner);
		}
		if (request.release()) {
			this.lanes.done(request);
		}
		return true;
	}

	/**
	 * Wait until requests are out of hand (their offsets finished, if they did), at most until a
	 * time; on the consumer's thread in the revoke callback.
	 * @param requests the requests
	 * @param untilNanos a {@link System#nanoTime()} value
	 * @return whether they all are
	 */
	boolean awaitLeft(Collection<InHandRequest> requests, long untilNanos) {
		synchronized (this.left) {
			this.waiting.incrementAndGet();
			try {
				while (requests.stream().anyMatch(this.all::contains)) {
					long remaining = untilNanos - System.nanoTime();
					if (remaining <= 0) {
						return false;
					}
					TimeUnit.NANOSECONDS.timedWait(this.left, remaining);
				}
				return true;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			finally {
				this.waiting.decrementAndGet();
			}
		}
	}

	/**
	 * The worker of a request returned (or found it ended before its turn).
	 */
	void workerDone(InHandRequest request) {
		this.overrunning.remove(request);
		if (request.release()) {
			this.lanes.done(request);
		}
	}

	/**
	 * A cancel record arrived: end the request in hand, or remember the id for a request yet to
	 * come.
	 */
	void cancel(byte[] correlationId) {
		ByteBuffer id = ByteBuffer.wrap(correlationId);
		InHandRequest request = this.byId.get(id);
		if (request != null) {
			this.onCancel.accept(request);
			return;
		}
		synchronized (this.earlyCancels) {
			this.earlyCancels.put(id, Boolean.TRUE);
		}
	}

	/**
	 * Return whether the request with this id was cancelled before it arrived (once).
	 */
	boolean cancelledBefore(byte[] correlationId) {
		synchronized (this.earlyCancels) {
			return !this.earlyCancels.isEmpty() && this.earlyCancels.remove(ByteBuffer.wrap(correlationId)) != null;
		}
	}

	/**
	 * Return the oldest record timestamp of the requests in hand since before a time.
	 * @param takenBeforeNanos a {@link System#nanoTime()} value
	 * @return the oldest timestamp, or {@link Long#MAX_VALUE} if there is none
	 */
	long oldestTimestampInHandBefore(long takenBeforeNanos) {
		long oldest = Long.MAX_VALUE;
		for (InHandRequest request : this.all) {
			if (request.receivedNanos - takenBeforeNanos <= 0) {
				oldest = Math.min(oldest, request.record.timestamp());
			}
		}
		return oldest;
	}

	Set<InHandRequest> all() {
		return this.all;
	}

	Set<InHandRequest> overrunning() {
		return this.overrunning;
	}

	int size() {
		return this.all.size();
	}

}
