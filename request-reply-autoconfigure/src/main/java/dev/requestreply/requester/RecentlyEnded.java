package dev.requestreply.requester;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.CorrelationId;

/**
 * Correlation ids of requests that ended without a reply (timed out or cancelled), remembered for
 * a while so that a reply arriving after them is counted as late rather than as another
 * instance's. Bounded in time and in number.
 * <p>
 * An id is remembered in the registry's own map, its request replaced by {@link #ENDED}: ending a
 * request that way costs one update of an entry that exists (no second map, no resize of one, no
 * change of the map's size), which is most of what a timeout costs the registry.
 */
final class RecentlyEnded {

	/**
	 * What the registry's map holds, in place of a request, for an id remembered here.
	 */
	static final Object ENDED = new Object() {

		@Override
		public String toString() {
			return "ENDED";
		}

	};

	private final ConcurrentMap<CorrelationId, Object> entries;

	private final ConcurrentLinkedQueue<Remembered> order = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final long windowNanos;

	private final int capacity;

	RecentlyEnded(ConcurrentMap<CorrelationId, Object> entries, long windowNanos, int capacity) {
		this.entries = entries;
		this.windowNanos = windowNanos;
		this.capacity = capacity;
	}

	/**
	 * Remove a request from the map, remembering its id.
	 * @return whether the map held that request
	 */
	boolean replace(CorrelationId id, Object request, long nowNanos) {
		if (this.windowNanos <= 0 || this.capacity <= 0) {
			return this.entries.remove(id, request);
		}
		if (!this.entries.replace(id, request, ENDED)) {
			return false;
		}
		this.order.offer(new Remembered(id, nowNanos + this.windowNanos));
		if (this.size.incrementAndGet() > this.capacity) {
			forgetOldest();
		}
		return true;
	}

	boolean contains(CorrelationId id) {
		return this.entries.get(id) == ENDED;
	}

	int size() {
		return this.size.get();
	}

	void expire(long nowNanos) {
		Remembered oldest;
		while ((oldest = this.order.peek()) != null && oldest.forgetAt - nowNanos <= 0) {
			forgetOldest();
		}
	}

	private void forgetOldest() {
		Remembered oldest = this.order.poll();
		if (oldest != null) {
			this.entries.remove(oldest.id, ENDED);
			this.size.decrementAndGet();
		}
	}

	private record Remembered(CorrelationId id, long forgetAt) {

	}

}
