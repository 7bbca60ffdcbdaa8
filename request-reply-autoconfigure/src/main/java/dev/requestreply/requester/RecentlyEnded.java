package dev.requestreply.requester;

import java.util.concurrent.ConcurrentMap;

import dev.requestreply.CorrelationId;
import org.jspecify.annotations.Nullable;

/**
 * Correlation ids of requests that ended without a reply (timed out or cancelled), remembered for
 * a while so that a reply arriving after them is counted as late rather than as another
 * instance's. Bounded in time and in number.
 * <p>
 * An id is remembered in the registry's own map, its request replaced by {@link #ENDED}: ending a
 * request that way costs one update of an entry that exists (no second map, no resize of one, no
 * change of the map's size), which is most of what a timeout costs the registry. The order in which
 * they are forgotten is a ring of ids and times, grown by doubling up to the capacity: remembering
 * one allocates nothing once the ring has grown.
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

	private final long windowNanos;

	private final int capacity;

	// The ring, oldest at head, guarded by this object's monitor.
	private @Nullable CorrelationId[] ids = new CorrelationId[16];

	private long[] forgetAt = new long[16];

	private int head;

	private int count;

	// The count, for readers outside the monitor.
	private volatile int size;

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
		synchronized (this) {
			if (this.count == this.capacity) {
				forgetOldest();
			}
			else if (this.count == this.ids.length) {
				grow();
			}
			int tail = (this.head + this.count) % this.ids.length;
			this.ids[tail] = id;
			this.forgetAt[tail] = nowNanos + this.windowNanos;
			this.count++;
			this.size = this.count;
		}
		return true;
	}

	boolean contains(CorrelationId id) {
		return this.entries.get(id) == ENDED;
	}

	int size() {
		return this.size;
	}

	void expire(long nowNanos) {
		synchronized (this) {
			while (this.count > 0 && this.forgetAt[this.head] - nowNanos <= 0) {
				forgetOldest();
			}
		}
	}

	// Under the monitor, with at least one id remembered.
	private void forgetOldest() {
		CorrelationId oldest = this.ids[this.head];
		this.ids[this.head] = null;
		this.head = (this.head + 1) % this.ids.length;
		this.count--;
		this.size = this.count;
		if (oldest != null) {
			this.entries.remove(oldest, ENDED);
		}
	}

	// Under the monitor, with the ring full and below the capacity.
	private void grow() {
		int length = (int) Math.min((long) this.ids.length * 2, Math.max(this.capacity, this.ids.length));
		@Nullable CorrelationId[] grownIds = new CorrelationId[length];
		long[] grownTimes = new long[length];
		for (int i = 0; i < this.count; i++) {
			int from = (this.head + i) % this.ids.length;
			grownIds[i] = this.ids[from];
			grownTimes[i] = this.forgetAt[from];
		}
		this.ids = grownIds;
		this.forgetAt = grownTimes;
		this.head = 0;
	}

}
