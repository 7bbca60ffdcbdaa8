package dev.requestreply.requester;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.RequestTimeoutException;
import dev.requestreply.requester.core.RequestEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the timer hands the completions of the requests it ends to the completion threads: many
 * timeouts at once in bounded batches, and a callback that blocks holds up no other completion of
 * its batch for long.
 */
class TimeoutHandOffTests {

	@Test
	void whenManyRequestsShareADeadlineThenTheirCompletionsReachTheExecutorInBoundedBatches() throws Exception {
		ExecutorService twoThreads = Executors.newFixedThreadPool(2);
		AtomicInteger handOffs = new AtomicInteger();
		int count = 2_000;
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(5), count, Duration.ofMinutes(1),
				(task) -> {
					handOffs.incrementAndGet();
					twoThreads.execute(task);
				})) {
			List<CompletableFuture<Class<?>>> failures = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				failures.add(registry.register("t", String.class, Duration.ofMillis(100))
					.handle((value, ex) -> ex.getClass()));
			}
			CompletableFuture.allOf(failures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			assertThat(failures).allSatisfy((failure) -> assertThat(failure.join()).isEqualTo(RequestTimeoutException.class));
			// The deadlines fall in a few ticks: one hand-off per batch, plus a partial one per tick.
			assertThat(handOffs.get()).as("hand-offs of %d completions", count)
				.isLessThanOrEqualTo(count / CompletionBatches.BATCH_SIZE + 40);
		}
		finally {
			twoThreads.shutdownNow();
		}
	}

	@Test
	void whenTheCallbacksOfOneBatchEachWaitForAllTheOthersThenEveryOneRuns() throws Exception {
		// The registry's own pool, which grows while callbacks block all its threads.
		int count = 6;
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(5), count, Duration.ofMinutes(1))) {
			CountDownLatch allRunning = new CountDownLatch(count);
			List<CompletableFuture<Boolean>> callbacks = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				callbacks.add(registry.register("t", String.class, Duration.ofMillis(50)).handle((value, ex) -> {
					allRunning.countDown();
					try {
						return allRunning.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException interrupted) {
						Thread.currentThread().interrupt();
						return false;
					}
				}));
			}
			CompletableFuture.allOf(callbacks.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
			assertThat(callbacks).allSatisfy((callback) -> assertThat(callback.join()).isTrue());
		}
	}

	@Test
	void whenRequestsTimeOutThenTheThreadEndingThemMakesNoStateObjectForAny() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long thread = Thread.currentThread().getId();
		int count = 20_000;
		int[] handedOver = new int[1];
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(10), count, Duration.ofMinutes(1))) {
			PendingRequest<?>[] requests = new PendingRequest<?>[count];
			for (int i = 0; i < count; i++) {
				requests[i] = registry.register("t", String.class, Duration.ofMinutes(1));
			}
			// One event for all, as the timer makes one per tick; the completions are dropped.
			RequestEvent.Timeout timeout = new RequestEvent.Timeout(requests[count - 1].deadlineNanos);
			long before = threads.getThreadAllocatedBytes(thread);
			for (PendingRequest<?> request : requests) {
				registry.ends().expire(request, timeout, (completion) -> handedOver[0]++);
			}
			long perExpiry = (threads.getThreadAllocatedBytes(thread) - before) / count;
			assertThat(handedOver[0]).isEqualTo(count);
			assertThat(registry.statistics().timeouts()).isEqualTo(count);
			// About 100 bytes: the task that completes the future (40), the id's place in the ring of ids
			// remembered (12), the iteration of the library's listeners; no state, transition or event
			// of its own (315 bytes in all before 0.4, two states and a transition of 184).
			assertThat(perExpiry).as("bytes allocated per expiry").isLessThanOrEqualTo(128);
		}
	}

}
