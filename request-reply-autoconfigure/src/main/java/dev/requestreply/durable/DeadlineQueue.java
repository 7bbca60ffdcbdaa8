package dev.requestreply.durable;

import java.util.Comparator;
import java.util.PriorityQueue;

import org.jspecify.annotations.Nullable;

/**
 * The deadlines of one durable partition's pending requests, soonest first. An entry whose request
 * ended another way stays until it comes up, then the caller finds its state gone (or another
 * deadline) and skips it.
 */
final class DeadlineQueue {

	record Entry(long deadline, String id) {

	}

	private final PriorityQueue<Entry> entries = new PriorityQueue<>(Comparator.comparingLong(Entry::deadline));

	void add(String id, long deadline) {
		this.entries.add(new Entry(deadline, id));
	}

	/**
	 * Return the soonest entry when its deadline is at or before a time.
	 * @param millis the time, epoch milliseconds
	 * @return the entry, or {@code null}
	 */
	@Nullable Entry dueBy(long millis) {
		Entry next = this.entries.peek();
		return (next != null && next.deadline() <= millis) ? next : null;
	}

	void remove() {
		this.entries.poll();
	}

	void clear() {
		this.entries.clear();
	}

	int size() {
		return this.entries.size();
	}

}
