package dev.requestreply.responder;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.requestreply.support.LogThrottle;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * What one consumer of a handler is asked to do (commit, pause, resume), by whichever thread
 * decided it: the consumer is not thread-safe, so the work waits here until the consumer's own
 * thread drains it, before and after each poll ({@link #drain}) and inside the revoke callback
 * ({@link #drainSync}). Each piece of work is one call on the consumer, carried out in the order
 * it was posted. Posting never waits for the consumer. A call that fails is logged (at most once a
 * minute, with the number since) and counted, and the work after it still runs; a commit's
 * failure is also told to whoever asked for it.
 */
final class ConsumerMailbox {

	private static final LogAccessor logger = new LogAccessor(ConsumerMailbox.class);

	private final Queue<Work> work = new ConcurrentLinkedQueue<>();

	private final LogThrottle failures = new LogThrottle(Duration.ofMinutes(1));

	/**
	 * Work for the consumer: one call on it.
	 */
	sealed interface Work {

	}

	/**
	 * Commit offsets (asynchronously before a poll, synchronously in the revoke callback).
	 * @param offsets the offsets and their metadata
	 * @param done told the outcome, on the consumer's thread
	 */
	record Commit(Map<TopicPartition, OffsetAndMetadata> offsets, CommitDone done) implements Work {

	}

	/**
	 * Stop fetching partitions.
	 * @param partitions the partitions
	 */
	record Pause(Collection<TopicPartition> partitions) implements Work {

	}

	/**
	 * Fetch paused partitions again.
	 * @param partitions the partitions
	 */
	record Resume(Collection<TopicPartition> partitions) implements Work {

	}

	/**
	 * Told how a commit ended, on the consumer's thread.
	 */
	@FunctionalInterface
	interface CommitDone {

		/**
		 * @param offsets the offsets asked for
		 * @param failure why the commit failed, or {@code null} when the broker took it
		 */
		void done(Map<TopicPartition, OffsetAndMetadata> offsets, @Nullable Exception failure);

	}

	/**
	 * Ask for work on any thread: it is carried out at the consumer's next drain.
	 * @param work the work
	 */
	void post(Work work) {
		this.work.add(work);
	}

	/**
	 * Carry out what was posted, on the consumer's thread at a poll: commits are asynchronous.
	 * @param consumer the consumer
	 */
	void drain(Consumer<?, ?> consumer) {
		drain(consumer, null);
	}

	/**
	 * Carry out what was posted, on the consumer's thread inside the revoke callback: commits are
	 * synchronous, each bounded by the timeout, so that they are done before the partitions go.
	 * @param consumer the consumer
	 * @param timeout the longest a commit may take
	 */
	void drainSync(Consumer<?, ?> consumer, Duration timeout) {
		drain(consumer, timeout);
	}

	/**
	 * Return how many pieces of work wait.
	 */
	int waiting() {
		return this.work.size();
	}

	/**
	 * Return how many calls failed so far.
	 */
	long failures() {
		return this.failures.total();
	}

	private void drain(Consumer<?, ?> consumer, @Nullable Duration syncTimeout) {
		Work next;
		while ((next = this.work.poll()) != null) {
			try {
				carryOut(consumer, next, syncTimeout);
			}
			catch (RuntimeException ex) {
				failed(next, ex);
			}
		}
	}

	private void carryOut(Consumer<?, ?> consumer, Work work, @Nullable Duration syncTimeout) {
		if (work instanceof Commit commit) {
			commit(consumer, commit, syncTimeout);
		}
		else if (work instanceof Pause pause) {
			consumer.pause(pause.partitions());
		}
		else if (work instanceof Resume resume) {
			consumer.resume(resume.partitions());
		}
	}

	private void commit(Consumer<?, ?> consumer, Commit commit, @Nullable Duration syncTimeout) {
		Exception failure = null;
		try {
			if (syncTimeout == null) {
				// The broker's answer comes later, on this thread, at a poll.
				consumer.commitAsync(commit.offsets(), (offsets, ex) -> tell(commit, ex));
				return;
			}
			consumer.commitSync(commit.offsets(), syncTimeout);
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		tell(commit, failure);
	}

	private void tell(Commit commit, @Nullable Exception failure) {
		try {
			commit.done().done(commit.offsets(), failure);
		}
		catch (RuntimeException ex) {
			failed(commit, ex);
		}
	}

	private void failed(Work work, RuntimeException ex) {
		long count = this.failures.occurred();
		if (count > 0) {
			logger.warn(ex, () -> count + " call(s) on a handler's consumer failed (latest: " + work + "; "
					+ this.failures.total() + " since start; this line at most once a minute)");
		}
	}

}
