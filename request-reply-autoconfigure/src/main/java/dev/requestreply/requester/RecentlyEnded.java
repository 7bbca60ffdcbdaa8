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
 * they are forgotten is kept in a ring of ids and times, its oldest forgotten first (past the window,
 * or past the capacity). The ring is a chain of chunks of {@value #CHUNK} ids: it grows without
 * copying, gives back the chunks of a burst once their ids are forgotten, and keeps one spare, so
 * remembering an id allocates nothing while the number remembered stays level.
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

	static final int CHUNK = 256;

	private final ConcurrentMap<CorrelationId, Object> entries;

	private final long windowNanos;

	private final boolean remembers;

	private final Ring ring;

	/**
	 * Remember ids.
	 * @param entries the registry's map
	 * @param windowNanos how long an id is remembered
	 * @param capacity how many are remembered at most
	 */
	RecentlyEnded(ConcurrentMap<CorrelationId, Object> entries, long windowNanos, int capacity) {
		this.entries = entries;
		this.windowNanos = windowNanos;
		this.remembers = windowNanos > 0 && capacity > 0;
		this.ring = new Ring(entries, Math.max(1, capacity));
	}

	/**
	 * Remove a request from the map, remembering its id.
	 * @return whether the map held that request
	 */
	boolean replace(CorrelationId id, Object request, long nowNanos) {
		if (!this.remembers) {
			return this.entries.remove(id, request);
		}
		if (!this.entries.replace(id, request, ENDED)) {
			return false;
		}
		this.ring.add(id, nowNanos + this.windowNanos);
		return true;
	}

	boolean contains(CorrelationId id) {
		return this.entries.get(id) == ENDED;
	}

	int size() {
		return this.ring.size;
	}

	void expire(long nowNanos) {
		this.ring.expire(nowNanos);
	}

	/**
	 * Return how many chunks the ring holds (the spare included), for tests.
	 * @return the number of chunks
	 */
	int chunks() {
		return this.ring.chunks();
	}

	/**
	 * The ids, oldest first, guarded by this object's monitor.
	 */
	private static final class Ring {

		private final ConcurrentMap<CorrelationId, Object> entries;

		private final int capacity;

		// The oldest chunk and the index of its oldest id; the newest and the index after its newest.
		private @Nullable Chunk head;

		private int headIndex;

		private @Nullable Chunk tail;

		private int tailIndex;

		private @Nullable Chunk spare;

		private int count;

		// The count, for readers outside the monitor.
		private volatile int size;

		Ring(ConcurrentMap<CorrelationId, Object> entries, int capacity) {
			this.entries = entries;
			this.capacity = capacity;
		}

		synchronized void add(CorrelationId id, long forgetAt) {
			if (this.count == this.capacity) {
				forgetOldest();
			}
			Chunk last = this.tail;
			if (last == null || this.tailIndex == CHUNK) {
				Chunk chunk = (this.spare != null) ? this.spare : new Chunk();
				this.spare = null;
				if (last == null) {
					this.head = chunk;
					this.headIndex = 0;
				}
				else {
					last.next = chunk;
				}
				this.tail = chunk;
				this.tailIndex = 0;
				last = chunk;
			}
			last.ids[this.tailIndex] = id;
			last.forgetAt[this.tailIndex] = forgetAt;
			this.tailIndex++;
			this.size = ++this.count;
		}

		synchronized void expire(long nowNanos) {
			Chunk first;
			while (this.count > 0 && (first = this.head) != null && first.forgetAt[this.headIndex] - nowNanos <= 0) {
				forgetOldest();
			}
		}

		synchronized int chunks() {
			int chunks = (this.spare != null) ? 1 : 0;
			for (Chunk chunk = this.head; chunk != null; chunk = chunk.next) {
				chunks++;
			}
			return chunks;
		}

		// Under the monitor, with at least one id remembered.
		private void forgetOldest() {
			Chunk first = this.head;
			if (first == null) {
				return;
			}
			CorrelationId oldest = first.ids[this.headIndex];
			first.ids[this.headIndex] = null;
			this.headIndex++;
			this.size = --this.count;
			if (this.count == 0) {
				// Empty: the chunk being filled starts over, the others (none) are gone.
				this.headIndex = 0;
				this.tailIndex = 0;
				this.head = this.tail;
				if (this.tail != null) {
					this.tail.next = null;
				}
			}
			else if (this.headIndex == CHUNK) {
				// The oldest chunk is used up: kept as the spare, or dropped.
				this.head = first.next;
				this.headIndex = 0;
				first.next = null;
				if (this.spare == null) {
					this.spare = first;
				}
			}
			if (oldest != null) {
				this.entries.remove(oldest, ENDED);
			}
		}

	}

	private static final class Chunk {

		private final @Nullable CorrelationId[] ids = new CorrelationId[CHUNK];

		private final long[] forgetAt = new long[CHUNK];

		private @Nullable Chunk next;

	}

}
