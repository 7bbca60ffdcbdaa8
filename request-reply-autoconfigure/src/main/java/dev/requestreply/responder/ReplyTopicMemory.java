package dev.requestreply.responder;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What was learned of reply topics, each fact until a time: the partition count of a topic found,
 * and the topics found missing. Requests may name any topic, so each kind is bounded by
 * {@link #MAX_REMEMBERED} names, the least recently used leaving first: names forged by the
 * thousand push out only other forged names, and an evicted name is looked up again.
 */
final class ReplyTopicMemory {

	/**
	 * Most names remembered as found, and as missing.
	 */
	static final int MAX_REMEMBERED = 1024;

	/**
	 * A topic found, and until when (nanoTime) that holds.
	 * @param partitions its partition count
	 * @param untilNanos when it is to be looked up again
	 */
	record Found(int partitions, long untilNanos) {

		boolean due(long nowNanos) {
			return nowNanos - this.untilNanos >= 0;
		}

	}

	// Guarded by this.
	private final Map<String, Found> found = lruMap();

	// Guarded by this: when each topic found missing may be looked up again (nanoTime).
	private final Map<String, Long> missing = lruMap();

	private static <V> Map<String, V> lruMap() {
		return new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
				return size() > MAX_REMEMBERED;
			}

		};
	}

	/**
	 * Return what is known of a topic found, due or not, or {@code null}.
	 */
	synchronized @Nullable Found found(String topic) {
		return this.found.get(topic);
	}

	/**
	 * Return whether a topic is known to be missing still.
	 */
	synchronized boolean stillMissing(String topic, long nowNanos) {
		Long until = this.missing.get(topic);
		return until != null && nowNanos - until < 0;
	}

	synchronized void foundUntil(String topic, int partitions, long untilNanos) {
		this.missing.remove(topic);
		this.found.put(topic, new Found(partitions, untilNanos));
	}

	synchronized void missingUntil(String topic, long untilNanos) {
		this.found.remove(topic);
		this.missing.put(topic, untilNanos);
	}

	/**
	 * Keep what is known of a topic found until a later time (it could not be looked up again).
	 */
	synchronized void postpone(String topic, long untilNanos) {
		Found known = this.found.get(topic);
		if (known != null) {
			this.found.put(topic, new Found(known.partitions(), untilNanos));
		}
	}

}
