package dev.requestreply.requester;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.PendingRequestInfo;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class PendingRequestsTests {

	private final PendingRequests registry = new PendingRequests(Duration.ofMillis(5), 1_000,
			Duration.ofMinutes(1));

	@AfterEach
	void close() {
		this.registry.close();
	}

	@Test
	void whenRequestsAreRegisteredThenTheirIdsAreVersion8UuidsNamingThisInstance() {
		PendingRequest<String> first = this.registry.register("t", String.class, Duration.ofSeconds(30));
		PendingRequest<String> second = this.registry.register("t", String.class, Duration.ofSeconds(30));
		try (PendingRequests other = new PendingRequests()) {
			PendingRequest<String> elsewhere = other.register("t", String.class, Duration.ofSeconds(30));
			java.util.UUID uuid = java.util.UUID.fromString(first.id.toString());
			assertThat(uuid.version()).isEqualTo(8);
			assertThat(uuid.variant()).isEqualTo(2);
			assertThat(first.id.mostSignificantBits()).isEqualTo(second.id.mostSignificantBits());
			assertThat(first.id).isNotEqualTo(second.id);
			assertThat(this.registry.isOwnId(second.id)).isTrue();
			assertThat(elsewhere.id.mostSignificantBits()).isNotEqualTo(first.id.mostSignificantBits());
			assertThat(this.registry.isOwnId(elsewhere.id)).isFalse();
			assertThat(other.isOwnId(elsewhere.id)).isTrue();
		}
	}

	@Test
	void whenReplyTakenThenNothingIsLeftBehind() throws Exception {
		PendingRequest<String> request = this.registry.register("t", String.class, Duration.ofSeconds(30));
		assertThat(this.registry.pendingCount()).isOne();
		assertThat(this.registry.get(request.id)).isSameAs(request);
		assertThat(this.registry.succeed(request, "ok")).isTrue();
		assertThat(request.get(1, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(this.registry.pendingCount()).isZero();
		assertThat(request.bucket).isNull();
		assertThat(this.registry.completedCount()).isOne();
		assertThat(this.registry.get(request.id)).isNull();
		assertThat(this.registry.succeed(request, "again")).isFalse();
		assertThat(this.registry.completedCount()).isOne();
	}

	@Test
	void whenRequestTimesOutThenOutcomeListenersRunOffTheTimerThread() throws Exception {
		CompletableFuture<String> listenerThread = new CompletableFuture<>();
		this.registry.addListener((topic, outcome, duration) -> listenerThread.complete(Thread.currentThread().getName()));
		this.registry.register("t", String.class, Duration.ofMillis(20));
		assertThat(listenerThread.get(5, TimeUnit.SECONDS)).doesNotStartWith("request-reply-timer");
	}

	@Test
	void whenAsManyRequestsAsTheLimitTimeOutAtOnceThenTheIdOfEveryOneIsRememberedForLateReplies() {
		// The ids remembered are bounded by max(max-pending, 10,000): at that bound, none is forgotten early.
		int count = 10_000;
		try (PendingRequests full = new PendingRequests(Duration.ofMillis(5), count, Duration.ofMinutes(1))) {
			List<PendingRequest<String>> requests = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				requests.add(full.register("t", String.class, Duration.ofMillis(20)));
			}
			assertThat(full.awaitNoPending(Duration.ofSeconds(10))).isTrue();
			long forgotten = requests.stream().filter((request) -> !full.endedRecently(request.id)).count();
			assertThat(forgotten).as("ids forgotten of %d", count).isZero();
		}
	}

	@Test
	void whenTimeoutPassesThenFutureFailsWithRequestTimeoutException() {
		PendingRequest<String> request = this.registry.register("orders", String.class, Duration.ofMillis(50));
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> request.get(5, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestTimeoutException.class)
			.withMessageContaining("orders");
		// The timer thread counts a timeout just after it failed the future.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.timeoutCount() == 1);
		assertThat(this.registry.pendingCount()).isZero();
		assertThat(this.registry.endedRecently(request.id)).isTrue();
	}

	@Test
	void whenTimeoutPassesThenItFiresCloseToItsDeadline() throws Exception {
		long start = System.nanoTime();
		PendingRequest<String> request = this.registry.register("t", String.class, Duration.ofMillis(200));
		CompletableFuture<Long> failedAt = request.handle((value, ex) -> System.nanoTime());
		long elapsedMs = TimeUnit.NANOSECONDS.toMillis(failedAt.get(5, TimeUnit.SECONDS) - start);
		assertThat(elapsedMs).isBetween(200L, 1_000L);
	}

	@Test
	void whenCallbacksBlockEveryCompletionThreadThenOtherTimeoutsStillFireOnACompletionThread() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try {
			for (int i = 0; i <= Completions.defaultThreads(); i++) {
				this.registry.register("t", String.class, Duration.ofMillis(10)).handle((value, ex) -> {
					try {
						return release.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException interrupted) {
						return false;
					}
				});
			}
			PendingRequest<String> other = this.registry.register("t", String.class, Duration.ofMillis(200));
			CompletableFuture<String> thread = other.handle((value, ex) -> Thread.currentThread().getName());
			assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith(RequesterSettings.COMPLETION_THREAD_PREFIX);
			assertThat(other).isCompletedExceptionally();
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void whenEveryCompletionThreadBlocksThenAnExpiryIsStillCountedOnTimeAndItsFutureCompletesOnceAThreadFrees()
			throws Exception {
		// Two completion threads that cannot grow, both held by callbacks.
		ExecutorService twoThreads = Executors.newFixedThreadPool(2);
		CountDownLatch release = new CountDownLatch(1);
		try (PendingRequests saturated = new PendingRequests(Duration.ofMillis(5), 1_000, Duration.ofMinutes(1),
				twoThreads)) {
			CountDownLatch blocked = new CountDownLatch(2);
			for (int i = 0; i < 2; i++) {
				saturated.register("t", String.class, Duration.ofMillis(10)).handle((value, ex) -> {
					blocked.countDown();
					return awaitQuietly(release);
				});
			}
			assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
			PendingRequest<String> late = saturated.register("t", String.class, Duration.ofMillis(50));
			CompletableFuture<Long> endActionAt = new CompletableFuture<>();
			// The engine's own end action (where the cancel record goes out).
			saturated.ends().whenEnded(late, (outcome) -> endActionAt.complete(System.nanoTime()));
			long lateMillis = TimeUnit.NANOSECONDS.toMillis(endActionAt.get(2, TimeUnit.SECONDS) - late.deadlineNanos);
			assertThat(lateMillis).isLessThan(1_000);
			assertThat(saturated.pendingCount()).isZero();
			assertThat(saturated.timeoutCount()).isEqualTo(3);
			assertThat(saturated.endedRecently(late.id)).isTrue();
			assertThat(late.outcome()).isEqualTo(RequestOutcome.TIMEOUT);
			// Only the completion of the future waits for a completion thread.
			assertThat(late).isNotDone();
			release.countDown();
			assertThat(late).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseExactlyInstanceOf(RequestTimeoutException.class);
		}
		finally {
			release.countDown();
			twoThreads.shutdownNow();
		}
	}

	@Test
	void whenEveryCallbackFallsBackToAWaitingRequestThenEveryRequestEndsByItsTimeout() throws Exception {
		// Scaled down from 300 requests on 256 threads: each timeout's callback waits for another
		// request, which only its own timeout can end, on a pool that cannot grow.
		ExecutorService twoThreads = Executors.newFixedThreadPool(2);
		try (PendingRequests saturated = new PendingRequests(Duration.ofMillis(5), 1_000, Duration.ofMinutes(1),
				twoThreads)) {
			List<CompletableFuture<String>> fallbacks = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				fallbacks.add(saturated.register("t", String.class, Duration.ofMillis(50)).exceptionally((ex) -> {
					try {
						// As requestAndWait does: a get() without bound, the request's timeout ends it.
						return saturated.register("t", String.class, Duration.ofMillis(200)).get();
					}
					catch (ExecutionException fallbackFailed) {
						return fallbackFailed.getCause().getClass().getSimpleName();
					}
					catch (InterruptedException interrupted) {
						Thread.currentThread().interrupt();
						return "interrupted";
					}
				}));
			}
			CompletableFuture.allOf(fallbacks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			assertThat(fallbacks).allSatisfy((fallback) -> assertThat(fallback.join()).isEqualTo("RequestTimeoutException"));
			assertThat(saturated.timeoutCount()).isEqualTo(12);
		}
		finally {
			twoThreads.shutdownNow();
		}
	}

	private static boolean awaitQuietly(CountDownLatch latch) {
		try {
			return latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Test
	void when500RequestsTimeOutThenRegistryIsEmpty() {
		List<PendingRequest<String>> requests = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			requests.add(this.registry.register("t", String.class, Duration.ofMillis(20 + (i % 50))));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> requests.stream().allMatch(CompletableFuture::isDone));
		assertThat(this.registry.pendingCount()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.timeoutCount() == 500);
		assertThat(requests).allMatch((request) -> request.bucket == null);
	}

	@Test
	void whenFutureIsCancelledThenRequestIsForgotten() {
		PendingRequest<String> request = this.registry.register("t", String.class, Duration.ofSeconds(30));
		assertThat(request.cancel(false)).isTrue();
		assertThat(this.registry.pendingCount()).isZero();
		assertThat(this.registry.cancelledCount()).isOne();
		assertThat(this.registry.endedRecently(request.id)).isTrue();
		assertThat(request.bucket).isNull();
	}

	@Test
	void whenCancelledByIdThenFutureFailsWithRequestReplyException() {
		PendingRequest<String> request = this.registry.register("t", String.class, Duration.ofSeconds(30));
		assertThat(this.registry.cancel(request.id)).isTrue();
		assertThat(this.registry.cancel(request.id)).isFalse();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> request.get(1, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining("cancelled");
		assertThat(this.registry.cancelledCount()).isOne();
	}

	@Test
	void whenMaxPendingReachedThenRegisterFailsAtOnce() {
		for (int i = 0; i < 1_000; i++) {
			this.registry.register("t", String.class, Duration.ofSeconds(30));
		}
		assertThatExceptionOfType(RequestReplyException.class)
			.isThrownBy(() -> this.registry.register("t", String.class, Duration.ofSeconds(30)))
			.withMessageContaining("request-reply.max-pending");
		assertThat(this.registry.rejectedCount()).isOne();
	}

	@Test
	void whenFailAllThenEveryPendingFutureFails() {
		List<PendingRequest<String>> requests = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			requests.add(this.registry.register("t", String.class, Duration.ofSeconds(30)));
		}
		assertThat(this.registry.failAll("stopping")).isEqualTo(10);
		// Ended at once, completed on the completion threads.
		assertThat(this.registry.pendingCount()).isZero();
		assertThat(requests).allSatisfy((request) -> assertThat(request).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withMessageContaining("stopping"));
		assertThat(this.registry.errorCount()).isEqualTo(10);
	}

	@Test
	void whenOldestAskedThenOldestComeFirstWithoutPayload() {
		PendingRequest<String> first = this.registry.register("a", String.class, Duration.ofSeconds(30));
		this.registry.register("b", String.class, Duration.ofSeconds(30));
		this.registry.register("c", String.class, Duration.ofSeconds(30));
		List<PendingRequestInfo> oldest = this.registry.oldest(2);
		assertThat(oldest).hasSize(2);
		assertThat(oldest.get(0).correlationId()).isEqualTo(first.id);
		assertThat(oldest.get(0).timeLeft()).isPositive();
		assertThat(this.registry.find(first.id)).hasValueSatisfying((info) -> assertThat(info.topic()).isEqualTo("a"));
	}

	@Test
	void whenListenerAddedThenItHearsEveryOutcome() {
		AtomicInteger outcomes = new AtomicInteger();
		this.registry.addListener((topic, outcome, nanos) -> outcomes.incrementAndGet());
		PendingRequest<String> answered = this.registry.register("t", String.class, Duration.ofSeconds(30));
		this.registry.succeed(answered, "x");
		this.registry.register("t", String.class, Duration.ofMillis(10));
		this.registry.register("t", String.class, Duration.ofSeconds(30)).cancel(false);
		await().atMost(Duration.ofSeconds(5)).untilAtomic(outcomes, org.hamcrest.Matchers.equalTo(3));
	}

	@Test
	void whenManyThreadsRegisterAndCompleteThenRegistryEndsEmpty() throws Exception {
		PendingRequests big = new PendingRequests(Duration.ofMillis(5), 1_000_000, Duration.ofMinutes(1));
		try {
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				Thread thread = new Thread(() -> {
					for (int i = 0; i < 20_000; i++) {
						PendingRequest<String> request = big.register("t", String.class,
								Duration.ofMillis((i % 3 == 0) ? 1 : 30_000));
						big.succeed(request, "r");
					}
				});
				thread.start();
				threads.add(thread);
			}
			for (Thread thread : threads) {
				thread.join(30_000);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> big.pendingCount() == 0);
			await().atMost(Duration.ofSeconds(5)).until(() -> big.completedCount() + big.timeoutCount() == 80_000);
		}
		finally {
			big.close();
		}
	}

	@Test
	void whenSingleRequestsAreRegisteredThenEachAllocatesOnlyItsFutureIdAndMapEntry() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long thread = Thread.currentThread().getId();
		int count = 20_000;
		Duration timeout = Duration.ofMinutes(1);
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(10), 2 * count, Duration.ofMinutes(1))) {
			List<PendingRequest<String>> held = new ArrayList<>(count);
			// The map's table grown first, so that only what each request holds is measured.
			for (int i = 0; i < count; i++) {
				registry.register("t", String.class, timeout);
			}
			registry.failAll("warm-up");
			long before = threads.getThreadAllocatedBytes(thread);
			for (int i = 0; i < count; i++) {
				held.add(registry.register("t", String.class, timeout));
			}
			long perRequest = (threads.getThreadAllocatedBytes(thread) - before) / count;
			// The request (its future and wheel entry, 88 bytes), its id (32) and its map node (32),
			// as in 0.3: no state object of its own.
			assertThat(perRequest).as("bytes allocated per registration").isLessThanOrEqualTo(160);
			assertThat(held).hasSize(count);
		}
	}

	@Test
	void whenEveryCompletionThreadIsBlockedThenATimeoutReachesTheEngineListenersAtOnce() throws Exception {
		ExecutorService completion = Executors.newSingleThreadExecutor();
		CountDownLatch release = new CountDownLatch(1);
		completion.execute(() -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(5), 10, Duration.ofMinutes(1),
				completion)) {
			CompletableFuture<RequestOutcome> engine = new CompletableFuture<>();
			CompletableFuture<RequestOutcome> user = new CompletableFuture<>();
			registry.addEngineListener((topic, outcome, nanos) -> engine.complete(outcome));
			registry.addListener((topic, outcome, nanos) -> user.complete(outcome));
			PendingRequest<String> request = registry.register("t", String.class, Duration.ofMillis(20));
			assertThat(engine.get(2, TimeUnit.SECONDS)).isEqualTo(RequestOutcome.TIMEOUT);
			assertThat(user).isNotDone();
			assertThat(request).isNotDone();
			release.countDown();
			assertThat(user.get(5, TimeUnit.SECONDS)).isEqualTo(RequestOutcome.TIMEOUT);
		}
		finally {
			release.countDown();
			completion.shutdown();
		}
	}

	@Test
	void whenRequestNamesNoReplyPartitionThenItsEndReleasesNone() {
		PendingRequest<String> request = this.registry.register("t", String.class, Duration.ofSeconds(30));
		CompletableFuture<Boolean> released = new CompletableFuture<>();
		this.registry.ends().whenEnded(request, (outcome, release, sendCancel) -> released.complete(release));
		assertThat(this.registry.cancel(request.id)).isTrue();
		assertThat(released).isCompletedWithValue(false);
	}

	@Test
	void whenCancelsAreOffForItsTopicsThenItsTimeoutSendsNoneButReleasesItsPartition() throws Exception {
		PendingRequest<String> request = this.registry.admission()
			.admit("t", String.class, Duration.ofMillis(20), null, new Registration(false, true));
		CompletableFuture<List<Boolean>> ended = new CompletableFuture<>();
		this.registry.ends()
			.whenEnded(request, (outcome, release, sendCancel) -> ended.complete(List.of(release, sendCancel)));
		assertThat(ended.get(5, TimeUnit.SECONDS)).containsExactly(true, false);
		assertThat(request.outcome()).isEqualTo(RequestOutcome.TIMEOUT);
	}

}
