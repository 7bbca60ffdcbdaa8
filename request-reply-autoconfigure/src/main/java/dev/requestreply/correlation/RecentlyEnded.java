package dev.requestreply.correlation;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.CorrelationId;

/**
 * Correlation ids of requests that ended without a reply (timed out or cancelled), remembered for
 * a while so that a reply arriving after them is counted as late rather than as another
 * instance's. Bounded in time and in number.
 */
final class RecentlyEnded {

	private final ConcurrentHashMap<CorrelationId, Long> forgetAt = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<CorrelationId> order = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final long windowNanos;

	private final int capacity;

	RecentlyEnded(long windowNanos, int capacity) {
		this.windowNanos = windowNanos;
		this.capacity = capacity;
	}

	void add(CorrelationId id, long nowNanos) {
		if (this.windowNanos <= 0 || this.capacity <= 0) {
			return;
		}
		if (this.forgetAt.put(id, nowNanos + this.windowNanos) == null) {
			this.order.offer(id);
			if (this.size.incrementAndGet() > this.capacity) {
				forgetOldest();
			}
		}
	}

	boolean contains(CorrelationId id) {
		return this.forgetAt.containsKey(id);
	}

	int size() {
		return this.size.get();
	}

	void expire(long nowNanos) {
		CorrelationId oldest;
		while ((oldest = this.order.peek()) != null) {
			Long at = this.forgetAt.get(oldest);
			if (at != null && at - nowNanos > 0) {
				return;
			}
			forgetOldest();
		}
	}

	private void forgetOldest() {
		CorrelationId oldest = this.order.poll();
		if (oldest != null) {
			this.forgetAt.remove(oldest);
			this.size.decrementAndGet();
		}
	}

}
