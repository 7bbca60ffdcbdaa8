package dev.requestreply.responder;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How many threads a handler's executor uses: up to its limit for calls that block, from the
 * first (before any completed), and few for calls that do not.
 */
class HandlerExecutorTests {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void whenCallsBlockThenWorkersGrowToTheLimitBeforeAnyCompletes() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger running = new AtomicInteger();
		HandlerExecutor executor = new HandlerExecutor(8, this.threads, (request) -> {
			running.incrementAndGet();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, () -> {
		}, false);
		for (int i = 0; i < 20; i++) {
			executor.submit(request(i));
		}
		// The watchdog's tick: no worker made progress, so more start.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			executor.grow();
			return running.get() == 8;
		});
		assertThat(executor.active()).isEqualTo(8);
		assertThat(executor.queued()).isEqualTo(12);
		assertThat(executor.saturated()).isTrue();
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 20 && executor.active() == 0);
	}

	@Test
	void whenCallsAreQuickThenAFewWorkersTakeAPollOfThem() {
		Set<Thread> used = ConcurrentHashMap.newKeySet();
		AtomicInteger done = new AtomicInteger();
		HandlerExecutor executor = new HandlerExecutor(64, this.threads, (request) -> {
			used.add(Thread.currentThread());
			done.incrementAndGet();
		}, () -> {
		}, false);
		executor.handOut(() -> {
			for (int i = 0; i < 500; i++) {
				executor.submit(request(i));
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 500);
		// Not a thread per request (nor the limit of 64): a few, however cold the code (many when it is).
		assertThat(used).hasSizeLessThanOrEqualTo(8);
		assertThat(executor.started()).isEqualTo(500);
	}

	private static InHandRequest request(long offset) {
		return new InHandRequest(new ConsumerRecord<>("t", 0, offset, null, null), null,
				new PartitionLedger(new TopicPartition("t", 0), null, 4096), null, null, Long.MAX_VALUE);
	}

}
