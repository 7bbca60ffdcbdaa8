package dev.requestreply.durable;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.DurableOutcome;

/**
 * The counts of durable requests' outcomes and skips, kept across restarts of the instance's
 * durable parts.
 */
final class DurableFigures {

	// Outcome types, as meters tag them.
	static final String REPLIED = "replied";

	static final String FAILED = "failed";

	static final String TIMED_OUT = "timed_out";

	static final String CANCELLED = "cancelled";

	static final List<String> TYPES = List.of(REPLIED, FAILED, TIMED_OUT, CANCELLED);

	// By kind, then by type.
	private final Map<String, Map<String, LongAdder>> outcomes = new ConcurrentHashMap<>();

	private final LongAdder listenerFailures = new LongAdder();

	private final LongAdder unknownReplies = new LongAdder();

	private final LongAdder redeliveries = new LongAdder();

	private volatile long lastRestoreMillis = -1;

	void delivered(DurableOutcome<?> outcome) {
		String type = (outcome instanceof DurableOutcome.Replied<?>) ? REPLIED
				: (outcome instanceof DurableOutcome.Failed<?>) ? FAILED
						: (outcome instanceof DurableOutcome.TimedOut<?>) ? TIMED_OUT : CANCELLED;
		LongAdder count = byType(outcome.kind()).get(type);
		if (count != null) {
			count.increment();
		}
	}

	private Map<String, LongAdder> byType(String kind) {
		return this.outcomes.computeIfAbsent(kind, (key) -> {
			Map<String, LongAdder> types = new LinkedHashMap<>();
			TYPES.forEach((type) -> types.put(type, new LongAdder()));
			return Collections.unmodifiableMap(types);
		});
	}

	long outcomes(String type) {
		String key = type.toLowerCase(Locale.ROOT);
		long sum = 0;
		for (Map<String, LongAdder> types : this.outcomes.values()) {
			LongAdder count = types.get(key);
			sum += (count != null) ? count.sum() : 0;
		}
		return sum;
	}

	long outcomes(String kind, String type) {
		Map<String, LongAdder> types = this.outcomes.get(kind);
		LongAdder count = (types != null) ? types.get(type.toLowerCase(Locale.ROOT)) : null;
		return (count != null) ? count.sum() : 0;
	}

	/**
	 * Return the outcomes by kind and type.
	 * @param kinds kinds to show even without outcomes
	 * @return the counts of those kinds and of each kind that had an outcome, sorted by kind,
	 * every type present
	 */
	Map<String, Map<String, Long>> outcomesByKind(Collection<String> kinds) {
		Map<String, Map<String, Long>> byKind = new TreeMap<>();
		Set<String> all = new TreeSet<>(kinds);
		all.addAll(this.outcomes.keySet());
		for (String kind : all) {
			Map<String, Long> counts = new LinkedHashMap<>();
			TYPES.forEach((type) -> counts.put(type, outcomes(kind, type)));
			byKind.put(kind, counts);
		}
		return byKind;
	}

	void listenerFailed() {
		this.listenerFailures.increment();
	}

	long listenerFailures() {
		return this.listenerFailures.sum();
	}

	void unknownReply() {
		this.unknownReplies.increment();
	}

	long unknownReplies() {
		return this.unknownReplies.sum();
	}

	void redelivered() {
		this.redeliveries.increment();
	}

	long redeliveries() {
		return this.redeliveries.sum();
	}

	void restored(long millis) {
		this.lastRestoreMillis = millis;
	}

	long lastRestoreMillis() {
		return this.lastRestoreMillis;
	}

}
