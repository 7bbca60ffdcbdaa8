package dev.requestreply.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handlers' commit coalescing, over Kafka's {@link MockConsumer}: which commits reach the
 * consumer, in which order, and when.
 */
class CommitCoalescingConsumerTests {

	private static final TopicPartition FIRST = new TopicPartition("orders", 0);

	private static final TopicPartition SECOND = new TopicPartition("orders", 1);

	private final RecordingConsumer delegate = new RecordingConsumer();

	@Test
	void whenCommitsComeFasterThanTheIntervalThenTheLatestIsCommittedAtALaterPoll() {
		AtomicInteger callbacks = new AtomicInteger();
		try (Consumer<byte[], byte[]> consumer = CommitCoalescingConsumer.wrap(this.delegate, Duration.ofMillis(300))) {
			consumer.assign(List.of(FIRST));
			for (long offset = 1; offset <= 5; offset++) {
				consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(offset)),
						(offsets, ex) -> callbacks.incrementAndGet());
			}
			assertThat(this.delegate.commits).containsExactly("async orders-0=1");
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				consumer.poll(Duration.ZERO);
				return callbacks.get() >= 2;
			});
			// Five commits asked for, two sent: the first, then the merged rest.
			assertThat(callbacks.get()).isEqualTo(2);
			assertThat(this.delegate.commits).containsExactly("async orders-0=1", "async orders-0=5");
			assertThat(this.delegate.committed(Set.of(FIRST)).get(FIRST).offset()).isEqualTo(5);
		}
	}

	@Test
	void whenClosedWithCommitsWaitingThenTheyAreCommitted() {
		try (Consumer<byte[], byte[]> consumer = CommitCoalescingConsumer.wrap(this.delegate, Duration.ofMinutes(5))) {
			consumer.assign(List.of(FIRST));
			consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(3)), null);
			consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(7)), null);
		}
		assertThat(this.delegate.commits).containsExactly("async orders-0=3", "sync orders-0=7", "close");
	}

	@Test
	void whenACommitIsInFlightThenTheNextWaitsForItWhateverTheInterval() {
		this.delegate.holdAsyncCommits = true;
		Consumer<byte[], byte[]> consumer = CommitCoalescingConsumer.wrap(this.delegate, Duration.ZERO);
		consumer.assign(List.of(FIRST, SECOND));
		consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(1)), null);
		consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(2)), null);
		consumer.commitAsync(Map.of(SECOND, new OffsetAndMetadata(4)), null);
		consumer.poll(Duration.ZERO);
		assertThat(this.delegate.commits).containsExactly("async orders-0=1");
		this.delegate.completeHeldCommits();
		consumer.poll(Duration.ZERO);
		assertThat(this.delegate.commits).containsExactly("async orders-0=1", "async orders-0=2 orders-1=4");
	}

	@Test
	void whenAPartitionWasRevokedThenItsWaitingOffsetIsDropped() {
		Consumer<byte[], byte[]> consumer = CommitCoalescingConsumer.wrap(this.delegate, Duration.ofMillis(200));
		consumer.assign(List.of(FIRST, SECOND));
		consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(1)), null);
		consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(2), SECOND, new OffsetAndMetadata(9)), null);
		consumer.assign(List.of(FIRST));
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			consumer.poll(Duration.ZERO);
			return this.delegate.commits.size() == 2;
		});
		assertThat(this.delegate.commits).containsExactly("async orders-0=1", "async orders-0=2");
	}

	@Test
	void whenCommittedSynchronouslyThenWaitingOffsetsGoFirstInOrder() {
		Consumer<byte[], byte[]> consumer = CommitCoalescingConsumer.wrap(this.delegate, Duration.ofMinutes(5));
		consumer.assign(List.of(FIRST));
		consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(1)), null);
		consumer.commitAsync(Map.of(FIRST, new OffsetAndMetadata(2)), null);
		consumer.commitSync(Map.of(FIRST, new OffsetAndMetadata(3)));
		assertThat(this.delegate.commits).containsExactly("async orders-0=1", "sync orders-0=2", "sync orders-0=3");
	}

	/**
	 * Records each commit it is asked for; can hold asynchronous commits in flight until told.
	 */
	static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {

		final List<String> commits = new ArrayList<>();

		boolean holdAsyncCommits;

		private final List<Runnable> held = new ArrayList<>();

		private boolean inCommitSync;

		RecordingConsumer() {
			super("earliest");
			updateBeginningOffsets(Map.of(FIRST, 0L, SECOND, 0L));
		}

		@Override
		public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
				OffsetCommitCallback callback) {
			if (this.inCommitSync) {
				// MockConsumer's commitSync goes through its commitAsync.
				super.commitAsync(offsets, callback);
				return;
			}
			this.commits.add("async " + describe(offsets));
			if (this.holdAsyncCommits) {
				this.held.add(() -> super.commitAsync(offsets, callback));
			}
			else {
				super.commitAsync(offsets, callback);
			}
		}

		@Override
		public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
			this.commits.add("sync " + describe(offsets));
			this.inCommitSync = true;
			try {
				super.commitSync(offsets);
			}
			finally {
				this.inCommitSync = false;
			}
		}

		@Override
		public void close() {
			this.commits.add("close");
			super.close();
		}

		synchronized void completeHeldCommits() {
			this.held.forEach(Runnable::run);
			this.held.clear();
		}

		private static String describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
			Map<String, Long> sorted = new TreeMap<>();
			offsets.forEach((partition, offset) -> sorted.put(partition.toString(), offset.offset()));
			return String.join(" ", sorted.entrySet().stream().map((entry) -> entry.getKey() + "=" + entry.getValue())
				.toList());
		}

	}

}
