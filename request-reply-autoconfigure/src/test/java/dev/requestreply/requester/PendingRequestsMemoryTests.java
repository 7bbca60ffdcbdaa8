package dev.requestreply.requester;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.requestreply.TestFigures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry after a million requests: nothing left behind, heap back to where it started.
 */
@Tag("slow")
class PendingRequestsMemoryTests {

	private static final int TOTAL = 1_000_000;

	private static final int BATCH = 10_000;

	private static final long MB = 1024 * 1024;

	@Test
	void whenMillionRequestsEndThenRegistryIsEmptyAndHeapReturnsToBaseline() {
		long startNanos = System.nanoTime();
		// Late replies remembered for 200 ms only, so that the ids of timed-out requests are
		// forgotten within the test too.
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(10), 100_000,
				Duration.ofMillis(200))) {
			warmUp(registry);
			long baseline = usedHeapAfterGc();

			List<PendingRequest<String>> held = new ArrayList<>(100_000);
			for (int i = 0; i < 100_000; i++) {
				held.add(registry.register("memory", String.class, Duration.ofMinutes(10)));
			}
			long atFullLoad = usedHeapAfterGc();
			long bytesPerPending = (atFullLoad - baseline) / 100_000;
			assertThat(registry.pendingCount()).isEqualTo(100_000);
			for (PendingRequest<String> request : held) {
				assertThat(registry.succeed(request, "ok")).isTrue();
			}
			held.clear();

			int timedOut = 0;
			List<PendingRequest<String>> batch = new ArrayList<>(BATCH);
			for (int done = 100_000; done < TOTAL; done += BATCH) {
				for (int i = 0; i < BATCH; i++) {
					// One request in four is never answered and times out after 20 ms.
					boolean answered = (i % 4) != 0;
					PendingRequest<String> request = registry.register("memory", String.class,
							answered ? Duration.ofMinutes(1) : Duration.ofMillis(20));
					if (answered) {
						batch.add(request);
					}
					else {
						timedOut++;
					}
				}
				for (PendingRequest<String> request : batch) {
					assertThat(registry.succeed(request, "ok")).isTrue();
				}
				batch.clear();
				if (registry.pendingCount() > 50_000) {
					assertThat(registry.awaitNoPending(Duration.ofSeconds(10))).isTrue();
				}
			}
			assertThat(registry.awaitNoPending(Duration.ofSeconds(10))).isTrue();
			int expectedTimeouts = timedOut;
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.timeoutCount() == expectedTimeouts);
			assertThat(registry.pendingCount()).isZero();
			assertThat(registry.completedCount()).isEqualTo(TOTAL - timedOut + 2_000);
			assertThat(registry.errorCount()).isZero();
			// The wheel forgets the ids of timed-out requests once the late-reply window passes.
			long[] after = new long[1];
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				after[0] = usedHeapAfterGc();
				return after[0] - baseline < 20 * MB;
			});
			TestFigures.report("RELIABILITY memory: %d requests (%d answered, %d timed out) in %d ms; pending %d;"
					+ " heap baseline %d KB, at 100,000 pending +%d KB (%d bytes per pending request),"
					+ " after the run +%d KB", TOTAL, registry.completedCount() - 2_000, timedOut,
					(System.nanoTime() - startNanos) / 1_000_000, registry.pendingCount(), baseline / 1024,
					(atFullLoad - baseline) / 1024, bytesPerPending, (after[0] - baseline) / 1024);
			assertThat(bytesPerPending).isLessThan(1_000);
		}
	}

	@Test
	void whenRequestsTimeOutThenTheirIdsAreRememberedWithinTheirBound() {
		// Default late-reply window: the ids of timed-out requests stay for a minute, at most
		// max(max-pending, 10,000) of them.
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(10), 100_000,
				Duration.ofMinutes(1))) {
			warmUp(registry);
			long baseline = usedHeapAfterGc();
			for (int i = 0; i < 100_000; i++) {
				registry.register("memory", String.class, Duration.ofMillis(1));
			}
			assertThat(registry.awaitNoPending(Duration.ofSeconds(10))).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.timeoutCount() == 100_000);
			// More timeouts than the bound: the oldest ids are forgotten.
			for (int i = 0; i < 50_000; i++) {
				registry.register("memory", String.class, Duration.ofMillis(1));
			}
			assertThat(registry.awaitNoPending(Duration.ofSeconds(10))).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.timeoutCount() == 150_000);
			long remembered = usedHeapAfterGc() - baseline;
			TestFigures.report("RELIABILITY memory: 100,000 ids of timed-out requests remembered (of 150,000) take"
					+ " %d KB, %d bytes each", remembered / 1024, remembered / 100_000);
			assertThat(remembered).isLessThan(30 * MB);
		}
	}

	private static void warmUp(PendingRequests registry) {
		List<PendingRequest<String>> requests = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			requests.add(registry.register("memory", String.class, Duration.ofMinutes(1)));
		}
		requests.forEach((request) -> assertThat(registry.succeed(request, "ok")).isTrue());
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		System.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

}
