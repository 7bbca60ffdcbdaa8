package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the timer's batches of completions are handed over and taken up again when they stall,
 * checked tick by tick with a clock of the test's own and an executor that only records.
 */
class CompletionBatchesTests {

	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final List<Runnable> handedOver = new ArrayList<>();

	private final CompletionBatches batches = new CompletionBatches(new Completions(this.handedOver::add));

	private long now;

	@Test
	void whenMoreCompletionsThanABatchAreAddedThenEachFullBatchIsHandedOverAtOnceAndTheRestOnFlush() {
		List<Integer> ran = new ArrayList<>();
		int count = 2 * CompletionBatches.BATCH_SIZE + 3;
		for (int i = 0; i < count; i++) {
			int index = i;
			this.batches.execute(() -> ran.add(index));
		}
		assertThat(this.handedOver).hasSize(2);
		this.batches.flush();
		assertThat(this.handedOver).hasSize(3);
		this.handedOver.forEach(Runnable::run);
		assertThat(ran).hasSize(count).doesNotHaveDuplicates();
	}

	@Test
	void whenABatchWaitsForAThreadThenItIsNotHandedOverTwice() {
		this.batches.execute(() -> {
		});
		this.batches.execute(() -> {
		});
		this.batches.flush();
		tick(10);
		assertThat(this.handedOver).as("queued, not stalled").hasSize(1);
	}

	@Test
	void whenACompletionOfABatchBlocksThenTheRestIsHandedToAnotherThreadAfterTwoTicksAnd20Ms() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocking = new CountDownLatch(1);
		List<Integer> ran = new ArrayList<>();
		this.batches.execute(() -> {
			blocking.countDown();
			awaitQuietly(release);
		});
		this.batches.execute(() -> ran.add(1));
		this.batches.execute(() -> ran.add(2));
		this.batches.flush();
		assertThat(this.handedOver).hasSize(1);
		CompletableFuture<Void> first = CompletableFuture.runAsync(this.handedOver.get(0));
		try {
			assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
			tick(2);
			assertThat(this.handedOver).as("not yet 20 ms").hasSize(1);
			tick(1);
			assertThat(this.handedOver).as("the rest taken up").hasSize(2);
			this.handedOver.get(1).run();
			assertThat(ran).containsExactly(1, 2);
			assertThat(this.batches.pendingBatches()).isOne();
		}
		finally {
			release.countDown();
		}
		first.get(5, TimeUnit.SECONDS);
		tick(1);
		assertThat(this.batches.pendingBatches()).as("forgotten once wholly taken").isZero();
		assertThat(ran).containsExactly(1, 2);
	}

	@Test
	void whenABatchRunsLongWhileItsCompletionsEndThenThePoolDoesNotGrow() throws Exception {
		ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
		Completions.configure(pool, 1);
		pool.initialize();
		Completions completions = new Completions(pool);
		CompletionBatches poolBatches = new CompletionBatches(completions);
		int count = 6;
		List<CountDownLatch> releases = new ArrayList<>();
		CountDownLatch ended = new CountDownLatch(count);
		try {
			for (int i = 0; i < count; i++) {
				CountDownLatch release = new CountDownLatch(1);
				releases.add(release);
				poolBatches.execute(() -> {
					awaitQuietly(release);
					ended.countDown();
				});
			}
			poolBatches.flush();
			// A task waiting behind the batch, so that the pool has completions waiting.
			completions.execute(() -> {
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.getActiveCount() == 1);
			for (CountDownLatch release : releases) {
				long before = count - ended.getCount();
				release.countDown();
				await().atMost(Duration.ofSeconds(5)).until(() -> count - ended.getCount() > before);
				this.now += TICK_NANOS;
				completions.check(this.now);
			}
			assertThat(completions.threads()).as("a completion ended every tick: no stall").isOne();
		}
		finally {
			releases.forEach(CountDownLatch::countDown);
			pool.shutdown();
		}
	}

	private void tick(int ticks) {
		for (int i = 0; i < ticks; i++) {
			this.now += TICK_NANOS;
			this.batches.check(this.now);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
