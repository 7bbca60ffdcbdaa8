package dev.requestreply.requester;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Which partitions of the reply topic this instance owns (allotted by the reply group), names in
 * its requests, and reads; how many of its pending requests named each. Shared by the request
 * senders, the owned-partition reader and the draining reader, under one lock.
 * <p>
 * A partition not owned is read (by the draining reader) while this instance owns none (before
 * the first assignment, or with more instances than partitions: then requests name no partition
 * and replies may land on any), while a request named none, or while a request that named it is
 * pending (it was taken from this instance).
 */
final class ReplyPartitions {

	private final Object lock = new Object();

	// How many pending requests named each partition, by its number (no boxing per request).
	private int[] pendingByPartition = new int[0];

	private final Set<Integer> draining = new HashSet<>();

	private List<Integer> owned = List.of();

	private int pendingUnnamed;

	private boolean assigned;

	private int topicPartitions;

	/**
	 * @param topicPartitions how many partitions the reply topic has at start
	 */
	ReplyPartitions(int topicPartitions) {
		this.topicPartitions = topicPartitions;
	}

	/**
	 * Return how many partitions the reply topic has, as last seen.
	 * @return the count
	 */
	int topicPartitions() {
		synchronized (this.lock) {
			return this.topicPartitions;
		}
	}

	/**
	 * Take partitions added to the reply topic while running, and tell which of them the draining
	 * reader must read from now on (from their first offset: a reply of this instance's may be
	 * there already, before any of its consumers saw the partition); those are counted as
	 * drained.
	 * @param count how many partitions the topic has now
	 * @return the new partitions the draining reader must add, none if the topic did not grow
	 */
	Set<Integer> grow(int count) {
		synchronized (this.lock) {
			Set<Integer> added = new TreeSet<>();
			for (int partition = this.topicPartitions; partition < count; partition++) {
				if (keepsDraining(partition)) {
					added.add(partition);
				}
			}
			this.topicPartitions = Math.max(this.topicPartitions, count);
			this.draining.addAll(added);
			return added;
		}
	}

	/**
	 * Choose the partition a new request names, and count it pending there. All requests name the
	 * same one while it is owned: responders then batch this instance's replies into one
	 * partition, and its reader fetches from one (the other partitions it owns are read all the
	 * same, for replies to requests that named none).
	 * @return the first of the partitions owned, or {@code null} when none is owned
	 */
	@Nullable Integer acquire() {
		synchronized (this.lock) {
			if (this.owned.isEmpty()) {
				this.pendingUnnamed++;
				return null;
			}
			Integer partition = this.owned.get(0);
			if (partition >= this.pendingByPartition.length) {
				this.pendingByPartition = Arrays.copyOf(this.pendingByPartition, partition + 1);
			}
			this.pendingByPartition[partition]++;
			return partition;
		}
	}

	/**
	 * Count a request ended.
	 * @param partition the partition it named, or {@code null}
	 */
	void release(@Nullable Integer partition) {
		synchronized (this.lock) {
			if (partition == null) {
				this.pendingUnnamed--;
			}
			else if (partition < this.pendingByPartition.length && this.pendingByPartition[partition] > 0) {
				this.pendingByPartition[partition]--;
			}
		}
	}

	/**
	 * Start owning partitions, after the owned-partition reader positioned them.
	 * @param partitions the partitions assigned
	 */
	void own(Collection<Integer> partitions) {
		synchronized (this.lock) {
			this.assigned = true;
			Set<Integer> now = new TreeSet<>(this.owned);
			now.addAll(partitions);
			this.owned = List.copyOf(now);
		}
	}

	/**
	 * Stop owning partitions, and tell which of all partitions the draining reader must read from
	 * now on that it does not read yet; those are counted as drained.
	 * @param partitions the partitions revoked
	 * @return the partitions the draining reader must add
	 */
	Set<Integer> disown(Collection<Integer> partitions) {
		synchronized (this.lock) {
			Set<Integer> now = new TreeSet<>(this.owned);
			now.removeAll(partitions);
			this.owned = List.copyOf(now);
			Set<Integer> added = new TreeSet<>();
			for (int partition = 0; partition < this.topicPartitions; partition++) {
				if (!this.draining.contains(partition) && keepsDraining(partition)) {
					added.add(partition);
				}
			}
			for (Integer partition : partitions) {
				if (!this.draining.contains(partition) && keepsDraining(partition)) {
					added.add(partition);
				}
			}
			this.draining.addAll(added);
			return added;
		}
	}

	/**
	 * Count the draining reader as reading partitions.
	 * @param partitions the partitions
	 */
	void draining(Collection<Integer> partitions) {
		synchronized (this.lock) {
			this.draining.addAll(partitions);
		}
	}

	/**
	 * Take a partition from the draining reader if it reads it, for the owned-partition reader.
	 * @param partition the partition
	 * @return whether the draining reader read it (and must hand over its position)
	 */
	boolean takeFromDraining(int partition) {
		synchronized (this.lock) {
			return this.draining.remove(partition);
		}
	}

	/**
	 * Stop draining a partition once nothing of this instance can come on it any more.
	 * @param partition the partition
	 * @return whether the draining reader must stop reading it
	 */
	boolean drained(int partition) {
		synchronized (this.lock) {
			if (this.draining.contains(partition) && !keepsDraining(partition)) {
				this.draining.remove(partition);
				return true;
			}
			return false;
		}
	}

	private boolean keepsDraining(int partition) {
		return !this.owned.contains(partition) && (this.owned.isEmpty() || this.pendingUnnamed > 0
				|| (partition < this.pendingByPartition.length && this.pendingByPartition[partition] > 0));
	}

	/**
	 * Return whether this instance got its assignment but owns no partition: there are more
	 * instances than partitions, so it reads them all.
	 * @return whether it shares the others' partitions
	 */
	boolean isShared() {
		synchronized (this.lock) {
			return this.assigned && this.owned.isEmpty();
		}
	}

	/**
	 * Return the partitions owned.
	 * @return the partitions, in order
	 */
	List<Integer> owned() {
		synchronized (this.lock) {
			return this.owned;
		}
	}

	/**
	 * Return every partition read, owned or draining.
	 * @return the partitions, in order
	 */
	List<Integer> read() {
		synchronized (this.lock) {
			Set<Integer> read = new TreeSet<>(this.owned);
			read.addAll(this.draining);
			return new ArrayList<>(read);
		}
	}

}
