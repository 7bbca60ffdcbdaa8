package dev.requestreply.responder;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;

/**
 * Why the partitions of one handler's consumer are paused, each reason on its own, and the one
 * place that pauses and resumes them: a partition is paused while any reason holds, so a resume
 * for one reason never undoes a pause for another. The reasons: too many requests in hand (every
 * partition), the handler's executor saturated (the partitions that delivered), a commit whose
 * metadata cannot name every finished offset (decided by the consumer's ledgers, or by the
 * handler's core), and the handler's event loop stuck (every partition). Only the consumer's
 * thread applies them ({@link #apply}), through its mailbox; the reasons decided elsewhere (the
 * core's, the loop's) are set from any thread.
 */
final class PartitionPauses {

	// The consumer's thread only.
	private final Set<TopicPartition> capacity = new HashSet<>();

	// Set by the consumer's ledgers on its thread, or by the handler's core on its loop.
	private final Set<TopicPartition> metadata = ConcurrentHashMap.newKeySet();

	private final Set<TopicPartition> paused = new HashSet<>();

	private volatile boolean inHand;

	private volatile boolean anyCapacity;

	private volatile boolean loopStalled;

	void inHand(boolean pause) {
		this.inHand = pause;
	}

	boolean inHand() {
		return this.inHand;
	}

	void capacity(Collection<TopicPartition> partitions) {
		this.capacity.addAll(partitions);
		this.anyCapacity = true;
	}

	void capacityOver() {
		this.capacity.clear();
		this.anyCapacity = false;
	}

	boolean anyCapacity() {
		return this.anyCapacity;
	}

	/**
	 * A partition's commit metadata can (not) name every finished offset; on any thread.
	 */
	void metadata(TopicPartition partition, boolean pause) {
		if (pause) {
			this.metadata.add(partition);
		}
		else {
			this.metadata.remove(partition);
		}
	}

	Set<TopicPartition> metadata() {
		return this.metadata;
	}

	/**
	 * The handler's event loop is (no longer) stuck; on any thread.
	 */
	void loopStalled(boolean stalled) {
		this.loopStalled = stalled;
	}

	/**
	 * Return whether no reason holds and nothing is paused, on the consumer's thread: then
	 * {@link #apply} has nothing to do (checked before each poll, without asking the consumer for
	 * its assignment).
	 */
	boolean holdsNothing() {
		return !this.inHand && !this.loopStalled && this.capacity.isEmpty() && this.metadata.isEmpty()
				&& this.paused.isEmpty();
	}

	/**
	 * Pause what a reason holds and resume the rest that was paused, on the consumer's thread.
	 * @param assignment the consumer's partitions
	 * @param mailbox where the calls go
	 */
	void apply(Set<TopicPartition> assignment, ConsumerMailbox mailbox) {
		Set<TopicPartition> wanted;
		if (this.inHand || this.loopStalled) {
			wanted = new HashSet<>(assignment);
		}
		else {
			wanted = new HashSet<>(this.capacity);
			wanted.addAll(this.metadata);
			wanted.retainAll(assignment);
		}
		if (wanted.equals(this.paused)) {
			return;
		}
		Set<TopicPartition> resume = new HashSet<>(this.paused);
		resume.removeAll(wanted);
		wanted.removeAll(this.paused);
		if (!resume.isEmpty()) {
			mailbox.post(new ConsumerMailbox.Resume(resume));
			this.paused.removeAll(resume);
		}
		if (!wanted.isEmpty()) {
			mailbox.post(new ConsumerMailbox.Pause(wanted));
			this.paused.addAll(wanted);
		}
	}

	/**
	 * Partitions were taken away: no reason holds for them any more.
	 */
	void forget(Collection<TopicPartition> partitions) {
		this.capacity.removeAll(partitions);
		this.metadata.removeAll(partitions);
		this.paused.removeAll(partitions);
	}

}
