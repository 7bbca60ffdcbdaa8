package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.RequestTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tick that expires many requests at once ends them on several of the timer's threads: each
 * request once, its engine's part there, its future's callbacks still on the completion threads.
 */
class ExpiryLanesTests {

	@Test
	void whenManyRequestsShareADeadlineThenSeveralTimerThreadsEndEachOnceAndCallbacksRunOnCompletionThreads()
			throws Exception {
		int count = 4 * TimeoutWheel.LANES_FROM;
		Map<String, AtomicInteger> told = new ConcurrentHashMap<>();
		Set<String> endingThreads = ConcurrentHashMap.newKeySet();
		Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
		// Ticks of 50 ms: the registrations take less, so one slot holds at least half of the requests.
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(50), count, Duration.ofMinutes(1),
				Completions.ownPool(), 2)) {
			// The library's own listeners run on the thread that ends the request.
			registry.addEngineListener((topic, outcome, duration) -> {
				endingThreads.add(Thread.currentThread().getName());
				told.computeIfAbsent(topic, (key) -> new AtomicInteger()).incrementAndGet();
			});
			List<CompletableFuture<Class<?>>> callbacks = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				callbacks.add(registry.register("t" + i, String.class, Duration.ofMillis(200)).handle((value, ex) -> {
					callbackThreads.add(Thread.currentThread().getName());
					return ex.getClass();
				}));
			}
			CompletableFuture.allOf(callbacks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			assertThat(callbacks).allSatisfy((callback) -> assertThat(callback.join()).isEqualTo(RequestTimeoutException.class));
			assertThat(told).hasSize(count).allSatisfy((topic, times) -> assertThat(times).as(topic).hasValue(1));
			assertThat(registry.statistics().timeouts()).isEqualTo(count);
			assertThat(registry.pendingCount()).isZero();
			assertThat(endingThreads).contains("request-reply-timer", "request-reply-timer-1")
				.allSatisfy((name) -> assertThat(name).startsWith("request-reply-timer"));
			assertThat(callbackThreads).isNotEmpty()
				.allSatisfy((name) -> assertThat(name).startsWith(RequesterSettings.COMPLETION_THREAD_PREFIX));
		}
	}

	@Test
	void whenALaneThrowsThenTheRunStillReturnsAndTheLaneRunsAgain() {
		try (ExpiryLanes lanes = new ExpiryLanes(2, "test-lanes")) {
			Map<Integer, String> ranOn = new ConcurrentHashMap<>();
			lanes.run((lane) -> {
				if (lane == 1) {
					throw new IllegalStateException("a lane that fails");
				}
			});
			lanes.run((lane) -> ranOn.put(lane, Thread.currentThread().getName()));
			assertThat(ranOn).containsEntry(0, Thread.currentThread().getName()).containsEntry(1, "test-lanes-1");
		}
	}

	@Test
	void whenTheLanesAreClosedThenEveryLaneRunsOnTheCallersThread() {
		ExpiryLanes lanes = new ExpiryLanes(4, "test-lanes");
		lanes.run((lane) -> {
		});
		lanes.close();
		Map<Integer, String> ranOn = new ConcurrentHashMap<>();
		lanes.run((lane) -> ranOn.put(lane, Thread.currentThread().getName()));
		assertThat(ranOn).hasSize(4).allSatisfy((lane, name) -> assertThat(name).isEqualTo(Thread.currentThread().getName()));
	}

}
