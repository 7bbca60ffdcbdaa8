package dev.requestreply.responder;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Urgent work runs on threads of its own, bounded, while every call blocks; at their bound it runs
 * on the call threads, and says so.
 */
@ExtendWith(OutputCaptureExtension.class)
class HandlerThreadsTests {

	private final HandlerThreads threads = new HandlerThreads("bean.method", 2, false, null);

	private final CountDownLatch releaseCalls = new CountDownLatch(1);

	private final CountDownLatch releaseUrgent = new CountDownLatch(1);

	private final AtomicInteger calls = new AtomicInteger();

	private final HandlerExecutor executor = new HandlerExecutor(2, this.threads.calls(), this.threads.urgent(),
			(request) -> {
				this.calls.incrementAndGet();
				TestCalls.block(this.releaseCalls);
			}, () -> {
			}, false);

	@AfterEach
	void stop() {
		this.releaseCalls.countDown();
		this.releaseUrgent.countDown();
		this.threads.close();
	}

	@Test
	void whenEveryCallBlocksThenUrgentWorkRunsOnABoundedPoolOfItsOwn() {
		this.executor.submit(TestCalls.request(0));
		this.executor.submit(TestCalls.request(1));
		// The watchdog's tick: the first call blocks, so a second worker starts.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			this.executor.tick();
			return this.calls.get() == 2;
		});
		Set<String> names = ConcurrentHashMap.newKeySet();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		int tasks = 3 * HandlerThreads.URGENT_THREADS;
		for (int i = 0; i < tasks; i++) {
			this.executor.urgent(() -> {
				names.add(Thread.currentThread().getName());
				most.accumulateAndGet(running.incrementAndGet(), Math::max);
				TestCalls.block(this.releaseUrgent);
				running.decrementAndGet();
				done.incrementAndGet();
			});
		}
		// Beside the calls, which all block: never behind them.
		await().atMost(Duration.ofSeconds(10)).until(() -> running.get() >= HandlerThreads.URGENT_THREADS);
		this.releaseUrgent.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == tasks);
		assertThat(most.get()).isEqualTo(HandlerThreads.URGENT_THREADS);
		assertThat(names).hasSize(HandlerThreads.URGENT_THREADS)
			.allMatch((name) -> name.startsWith("request-reply-bean.method-urgent-"));
		assertThat(this.calls.get()).isEqualTo(2);
	}

	@Test
	void whenUrgentWorkIsAtItsBoundThenItRunsOnTheCallThreadsWithAWarning(CapturedOutput output) throws Exception {
		AtomicInteger running = new AtomicInteger();
		for (int i = 0; i < HandlerThreads.URGENT_THREADS; i++) {
			this.executor.urgent(() -> {
				running.incrementAndGet();
				TestCalls.block(this.releaseUrgent);
			});
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == HandlerThreads.URGENT_THREADS);
		AtomicInteger queued = new AtomicInteger();
		for (int i = 0; i < HandlerThreads.URGENT_QUEUE; i++) {
			this.executor.urgent(queued::incrementAndGet);
		}
		CompletableFuture<String> overflow = new CompletableFuture<>();
		this.executor.urgent(() -> overflow.complete(Thread.currentThread().getName()));
		assertThat(overflow.get(10, TimeUnit.SECONDS)).startsWith("request-reply-bean.method-")
			.doesNotContain("urgent");
		assertThat(queued.get()).isZero();
		assertThat(output).contains("Urgent work of handler bean.method").contains("ran on its call threads");
		this.releaseUrgent.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> queued.get() == HandlerThreads.URGENT_QUEUE);
	}

}
