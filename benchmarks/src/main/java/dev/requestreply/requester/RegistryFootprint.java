package dev.requestreply.requester;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import dev.requestreply.bench.ScheduledTimeoutRegistry;
import org.HdrHistogram.Histogram;

/**
 * Heap per pending request and timeout accuracy, at 100,000 pending, for our registry and the
 * baseline of a map plus one scheduled task per request.
 * <ul>
 * <li>Heap: used heap after full GCs, before and after registering the requests (30 s timeout),
 * divided by their number; the median of {@code bench.footprint.repeats} (default 5) rounds.</li>
 * <li>Timeouts: the requests registered at once with timeouts spread evenly over
 * {@code [bench.timeouts.min, bench.timeouts.min + bench.timeouts.spread]} ms (default 2,000 +
 * 2,000), then the lateness of each (when its future failed minus its deadline); and the same with
 * every request on one deadline (a burst).</li>
 * </ul>
 * Run with a fixed heap, e.g. {@code -Xms1g -Xmx1g}, so that heap sizing does not move the figures.
 *
 * <p>
 * In the engine's package on purpose: it drives the registry's package-private end path as the
 * reply dispatcher does, without widening it for a benchmark.
 */
public final class RegistryFootprint {

	private static final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private RegistryFootprint() {
	}

	public static void main(String[] args) throws Exception {
		int count = Integer.getInteger("bench.pending", 100_000);
		int repeats = Integer.getInteger("bench.footprint.repeats", 5);
		long minMs = Long.getLong("bench.timeouts.min", 2_000);
		long spreadMs = Long.getLong("bench.timeouts.spread", 2_000);
		System.out.printf("%n%,d pending requests, %d rounds, JVM %s, %s%n", count, repeats,
				System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());

		// Heap per pending request
		double[] ours = new double[repeats];
		double[] baseline = new double[repeats];
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(10), count,
				Duration.ofMinutes(1)); ScheduledTimeoutRegistry scheduled = new ScheduledTimeoutRegistry()) {
			for (int round = 0; round < repeats; round++) {
				ours[round] = bytesPerRequest(count, () -> {
					for (int i = 0; i < count; i++) {
						registry.register("bench", String.class, Duration.ofSeconds(30));
					}
				}, () -> registry.failAll("done"));
				baseline[round] = bytesPerRequest(count, () -> {
					for (int i = 0; i < count; i++) {
						scheduled.register("bench", Duration.ofSeconds(30));
					}
				}, scheduled::failAll);
			}
		}
		System.out.println();
		System.out.println("| heap per pending request | PendingRequests | baseline |");
		System.out.println("| --- | ---: | ---: |");
		System.out.printf("| median bytes (rounds: %s / %s) | %.0f | %.0f |%n", format(ours), format(baseline),
				median(ours), median(baseline));

		// Timeout accuracy
		System.out.println();
		System.out.println("| timeouts, " + String.format("%,d", count)
				+ " pending | registry | p50 late ms | p99 late ms | p99.9 late ms | max late ms |");
		System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
		for (boolean burst : new boolean[] { false, true }) {
			String pattern = burst ? "one deadline (" + minMs + " ms)"
					: "deadlines spread over " + minMs + "-" + (minMs + spreadMs) + " ms";
			IntFunction<Long> timeoutOf = (i) -> burst ? minMs : minMs + (spreadMs * i) / count;
			try (PendingRequests registry = new PendingRequests(Duration.ofMillis(10), count,
					Duration.ofMinutes(1))) {
				Histogram lateness = new Histogram(3);
				List<CompletableFuture<?>> futures = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					PendingRequest<String> request = registry.register("bench", String.class,
							Duration.ofMillis(timeoutOf.apply(i)));
					long deadline = request.deadlineNanos;
					futures.add(request.whenComplete((value, ex) -> record(lateness, deadline)));
				}
				awaitAll(futures);
				print(pattern, "PendingRequests", lateness);
			}
			try (ScheduledTimeoutRegistry registry = new ScheduledTimeoutRegistry()) {
				Histogram lateness = new Histogram(3);
				List<CompletableFuture<?>> futures = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					ScheduledTimeoutRegistry.Pending<String> request = registry.register("bench",
							Duration.ofMillis(timeoutOf.apply(i)));
					long deadline = request.deadlineNanos;
					futures.add(request.whenComplete((value, ex) -> record(lateness, deadline)));
				}
				awaitAll(futures);
				print(pattern, "baseline", lateness);
			}
		}
	}

	private static double bytesPerRequest(int count, Runnable register, Runnable clear) {
		long before = usedAfterGc();
		register.run();
		long after = usedAfterGc();
		clear.run();
		return (double) (after - before) / count;
	}

	private static long usedAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private static void record(Histogram lateness, long deadlineNanos) {
		long late = Math.max(0, System.nanoTime() - deadlineNanos);
		synchronized (lateness) {
			lateness.recordValue(late);
		}
	}

	private static void awaitAll(List<CompletableFuture<?>> futures) {
		for (CompletableFuture<?> future : futures) {
			future.handle((value, ex) -> null).orTimeout(60, TimeUnit.SECONDS).join();
		}
	}

	private static void print(String pattern, String name, Histogram lateness) {
		synchronized (lateness) {
			System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.1f |%n", pattern, name,
					lateness.getValueAtPercentile(50) / 1e6, lateness.getValueAtPercentile(99) / 1e6,
					lateness.getValueAtPercentile(99.9) / 1e6, lateness.getMaxValue() / 1e6);
		}
	}

	private static String format(double[] values) {
		StringBuilder text = new StringBuilder();
		for (double value : values) {
			text.append((text.length() > 0) ? ", " : "").append(Math.round(value));
		}
		return text.toString();
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
