package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a handler's consumer is asked to do from other threads, carried out on its own thread: on
 * a {@link MockConsumer} that records the calls.
 */
class ConsumerMailboxTests {

	private static final int POSTERS = 4;

	private static final int POSTS = 500;

	private final TopicPartition first = new TopicPartition("orders-requests", 0);

	private final TopicPartition second = new TopicPartition("orders-requests", 1);

	private final RecordingConsumer consumer = new RecordingConsumer();

	private final ConsumerMailbox mailbox = new ConsumerMailbox();

	@Test
	void whenThreadsPostConcurrentlyThenTheConsumersThreadCarriesOutEachPieceOnceInItsPostersOrder()
			throws Exception {
		List<TopicPartition> partitions = new ArrayList<>();
		for (int poster = 0; poster < POSTERS; poster++) {
			partitions.add(new TopicPartition("orders-requests", poster));
		}
		this.consumer.assign(partitions);
		CountDownLatch go = new CountDownLatch(1);
		AtomicBoolean posting = new AtomicBoolean(true);
		List<CompletableFuture<Void>> posters = new ArrayList<>();
		for (TopicPartition partition : partitions) {
			posters.add(CompletableFuture.runAsync(() -> {
				await(go);
				for (int i = 0; i < POSTS; i++) {
					this.mailbox.post((i % 2 == 0) ? new ConsumerMailbox.Pause(List.of(partition))
							: new ConsumerMailbox.Resume(List.of(partition)));
				}
			}, (body) -> new Thread(body, "poster-" + partition.partition()).start()));
		}
		CompletableFuture<Void> all = CompletableFuture.allOf(posters.toArray(CompletableFuture[]::new))
			.whenComplete((done, ex) -> posting.set(false));
		CompletableFuture<Void> drained = new CompletableFuture<>();
		new Thread(() -> {
			go.countDown();
			while (posting.get() || this.mailbox.waiting() > 0) {
				this.mailbox.drain(this.consumer);
			}
			drained.complete(null);
		}, "consumer-thread").start();
		all.get(10, TimeUnit.SECONDS);
		drained.get(10, TimeUnit.SECONDS);
		assertThat(this.consumer.calls).hasSize(POSTERS * POSTS)
			.allSatisfy((call) -> assertThat(call.thread()).isEqualTo("consumer-thread"));
		for (TopicPartition partition : partitions) {
			List<String> kinds = this.consumer.calls.stream()
				.filter((call) -> call.partitions().equals(List.of(partition)))
				.map(Call::kind)
				.toList();
			assertThat(kinds).hasSize(POSTS);
			for (int i = 0; i < POSTS; i++) {
				assertThat(kinds.get(i)).isEqualTo((i % 2 == 0) ? "pause" : "resume");
			}
		}
		assertThat(this.consumer.paused()).isEmpty();
		assertThat(this.mailbox.failures()).isZero();
	}

	@Test
	void whenACallFailsThenTheWorkAfterItStillRunsAndTheFailureIsCounted() {
		this.consumer.assign(List.of(this.first));
		// Not assigned: the consumer refuses to pause it.
		this.mailbox.post(new ConsumerMailbox.Pause(List.of(this.second)));
		this.mailbox.post(new ConsumerMailbox.Pause(List.of(this.first)));
		this.mailbox.drain(this.consumer);
		assertThat(this.consumer.paused()).containsExactly(this.first);
		assertThat(this.mailbox.failures()).isOne();
		assertThat(this.mailbox.waiting()).isZero();
	}

	@Test
	void whenDrainedInTheRevokeCallbackThenTheCommitIsDoneAndToldBeforeTheDrainReturns() {
		this.consumer.assign(List.of(this.first));
		AtomicReference<@Nullable Exception> told = new AtomicReference<>(new IllegalStateException("not told"));
		this.mailbox.post(new ConsumerMailbox.Commit(Map.of(this.first, new OffsetAndMetadata(5)),
				(offsets, ex) -> told.set(ex)));
		this.mailbox.drainSync(this.consumer, Duration.ofSeconds(1));
		assertThat(told.get()).isNull();
		assertThat(this.consumer.committed(Set.of(this.first))).containsEntry(this.first, new OffsetAndMetadata(5));
		// (MockConsumer's commitSync goes through its own commitAsync.)
		assertThat(this.consumer.calls).extracting(Call::kind).startsWith("commitSync");
	}

	@Test
	void whenAnAsyncCommitFailsThenWhoAskedIsToldAndTheRestStillRuns() {
		this.consumer.assign(List.of(this.first));
		this.consumer.failCommits = true;
		AtomicReference<@Nullable Exception> told = new AtomicReference<>();
		this.mailbox.post(new ConsumerMailbox.Commit(Map.of(this.first, new OffsetAndMetadata(5)),
				(offsets, ex) -> told.set(ex)));
		this.mailbox.post(new ConsumerMailbox.Pause(List.of(this.first)));
		this.mailbox.drain(this.consumer);
		assertThat(told.get()).isInstanceOf(RebalanceInProgressException.class);
		assertThat(this.consumer.paused()).containsExactly(this.first);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	record Call(String kind, List<TopicPartition> partitions, String thread) {

	}

	static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		volatile boolean failCommits;

		RecordingConsumer() {
			super("earliest");
		}

		@Override
		public synchronized void pause(Collection<TopicPartition> partitions) {
			record("pause", partitions);
			super.pause(partitions);
		}

		@Override
		public synchronized void resume(Collection<TopicPartition> partitions) {
			record("resume", partitions);
			super.resume(partitions);
		}

		@Override
		public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
				OffsetCommitCallback callback) {
			record("commitAsync", offsets.keySet());
			if (this.failCommits) {
				callback.onComplete(offsets, new RebalanceInProgressException("rebalancing"));
				return;
			}
			super.commitAsync(offsets, callback);
		}

		@Override
		public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
			record("commitSync", offsets.keySet());
			super.commitSync(offsets, timeout);
		}

		private void record(String kind, Collection<TopicPartition> partitions) {
			this.calls.add(new Call(kind, List.copyOf(partitions), Thread.currentThread().getName()));
		}

	}

}
