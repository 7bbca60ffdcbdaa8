package dev.requestreply.support;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of events of one enum type, cheap to increment from many threads and read as one
 * snapshot. The one counter type of requesters and handlers.
 *
 * @param <E> the event type
 * @since 0.2.0
 */
public final class EventCounters<E extends Enum<E>> {

	private final Class<E> type;

	private final LongAdder[] counters;

	/**
	 * Create counters, all at zero.
	 * @param type the event type
	 */
	public EventCounters(Class<E> type) {
		this.type = type;
		this.counters = new LongAdder[type.getEnumConstants().length];
		for (int i = 0; i < this.counters.length; i++) {
			this.counters[i] = new LongAdder();
		}
	}

	/**
	 * Count one event.
	 * @param event the event
	 */
	public void increment(E event) {
		this.counters[event.ordinal()].increment();
	}

	/**
	 * Return how often an event happened.
	 * @param event the event
	 * @return the count
	 */
	public long get(E event) {
		return this.counters[event.ordinal()].sum();
	}

	/**
	 * Return every count at once.
	 * @return the counts by event, in the enum's order
	 */
	public Map<E, Long> snapshot() {
		EnumMap<E, Long> counts = new EnumMap<>(this.type);
		for (E event : this.type.getEnumConstants()) {
			counts.put(event, get(event));
		}
		return Collections.unmodifiableMap(counts);
	}

}
