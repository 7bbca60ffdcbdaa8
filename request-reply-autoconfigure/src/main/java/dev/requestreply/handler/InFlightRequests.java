package dev.requestreply.handler;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests a handler has in hand, by correlation id, so that a cancel record reaches the one
 * it names; and the ids of cancel records that came before their request (a request whose
 * requester gave up before it started is skipped), a bounded number of them.
 */
final class InFlightRequests {

	static final int MAX_EARLY_CANCELS = 10_000;

	private final Map<ByteBuffer, HandlerCallContext> inHand = new ConcurrentHashMap<>();

	// Guarded by itself; the eldest entries leave first.
	private final Map<ByteBuffer, Boolean> earlyCancels = new LinkedHashMap<>(16, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
			return size() > MAX_EARLY_CANCELS;
		}

	};

	private final Runnable onCancelled;

	/**
	 * @param onCancelled called once for each request in hand that gets cancelled
	 */
	InFlightRequests(Runnable onCancelled) {
		this.onCancelled = onCancelled;
	}

	void add(HandlerCallContext context) {
		this.inHand.put(ByteBuffer.wrap(context.requestId()), context);
	}

	void remove(HandlerCallContext context) {
		this.inHand.remove(ByteBuffer.wrap(context.requestId()), context);
	}

	/**
	 * A cancel record arrived: cancel the request in hand, or remember the id for a request yet
	 * to come.
	 * @return whether a request in hand was cancelled
	 */
	boolean cancel(byte[] correlationId) {
		ByteBuffer id = ByteBuffer.wrap(correlationId);
		HandlerCallContext context = this.inHand.get(id);
		if (context != null) {
			if (context.cancel()) {
				this.onCancelled.run();
				return true;
			}
			return false;
		}
		synchronized (this.earlyCancels) {
			this.earlyCancels.put(id, Boolean.TRUE);
		}
		return false;
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
	 * @return the oldest timestamp of the requests taken in hand before then, or
	 * {@link Long#MAX_VALUE} if there is none
	 */
	long oldestTimestampInHandBefore(long takenBeforeNanos) {
		long oldest = Long.MAX_VALUE;
		for (HandlerCallContext context : this.inHand.values()) {
			if (context.receivedNanos() - takenBeforeNanos <= 0) {
				oldest = Math.min(oldest, context.recordTimestamp());
			}
		}
		return oldest;
	}

	int size() {
		return this.inHand.size();
	}

}
