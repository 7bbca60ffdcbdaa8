package dev.requestreply.requester;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * 2,000), then the lateness of each (when its callback ran minus its deadline) and the bytes
 * allocated and the CPU time spent per expiry from the end of their registration (all Java
 * threads, and the registry's timer thread alone); and the same with every request on one deadline
 * (a burst); with the collections that ran meanwhile (count and total pause).</li>
 * <li>Before the timeouts are measured, {@code bench.timeouts.warmups} (default 3) unmeasured
 * rounds of both patterns on both registries, each with a fifth of the requests and a fifth of the
 * times (as many expiries a tick as measured): as an application's timer, which expires requests
 * all along, the code of each pattern's path is compiled before it is measured (without them, the
 * first burst of one deadline ran partly in the interpreter and the first tier of the JIT, and
 * compiled its path while it ran).</li>
 * </ul>
 * Run with a fixed heap, e.g. {@code -Xms1g -Xmx1g}, so that heap sizing does not move the figures.
 * Each timeout run starts on a collected heap (the garbage of the run before is not collected
 * during its expiries), and its callbacks record into an array allocated before it (no lock, no
 * garbage of the harness's own while requests expire). With {@code -Dbench.timeouts.settle=true}
 * the heap is also collected once all requests are registered, before the first deadline, as the
 * young collections of a busy application would have met requests pending for seconds; by default
 * the first collection during the expiries copies the requests still pending.
 *
 * <p>
 * In the engine's package on purpose: it drives the registry's package-private end path as the
 * reply dispatcher does, without widening it for a benchmark.
 */
public final class RegistryFootprint {

	private static final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private static final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	// The warm-up's requests and times are this fraction of the measured ones (as many expiries a tick).
	private static final int WARMUP_SCALE = 5;

	private RegistryFootprint() {
	}

	public static void main(String[] args) throws Exception {
		int count = Integer.getInteger("bench.pending", 100_000);
		int repeats = Integer.getInteger("bench.footprint.repeats", 5);
		long minMs = Long.getLong("bench.timeouts.min", 2_000);
		long spreadMs = Long.getLong("bench.timeouts.spread", 2_000);
		boolean settle = Boolean.getBoolean("bench.timeouts.settle");
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

		// Timeout accuracy, after a warm-up of both patterns on both registries (not measured)
		int warmups = Integer.getInteger("bench.timeouts.warmups", 3);
		int warmupCount = Math.max(1, count / WARMUP_SCALE);
		for (int round = 0; round < warmups; round++) {
			for (boolean burst : new boolean[] { false, true }) {
				expireOurs(warmupCount, minMs / WARMUP_SCALE, spreadMs / WARMUP_SCALE, burst, settle);
				expireBaseline(warmupCount, minMs / WARMUP_SCALE, spreadMs / WARMUP_SCALE, burst, settle);
			}
		}
		System.out.println();
		System.out.println("| timeouts, " + String.format("%,d", count)
				+ " pending | registry | p50 late ms | p99 late ms | p99.9 late ms | max late ms"
				+ " | bytes allocated per expiry, all threads | of which the timer thread"
				+ " | CPU us per expiry, all threads | of which the timer thread | collections (pause ms) |");
		System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (boolean burst : new boolean[] { false, true }) {
			String pattern = burst ? "one deadline (" + minMs + " ms)"
					: "deadlines spread over " + minMs + "-" + (minMs + spreadMs) + " ms";
			expireOurs(count, minMs, spreadMs, burst, settle).print(pattern, "PendingRequests");
			expireBaseline(count, minMs, spreadMs, burst, settle).print(pattern, "baseline");
		}
	}

	// Register requests with our registry, let them all time out and return what was measured.
	private static Expiries expireOurs(int count, long minMs, long spreadMs, boolean burst, boolean settle)
			throws InterruptedException {
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(10), count, Duration.ofMinutes(1),
				Completions.ownPool())) {
			return expire(count, "request-reply-timer", settle, (i, expiries) -> {
				PendingRequest<String> request = registry.register("bench", String.class,
						Duration.ofMillis(timeout(i, count, minMs, spreadMs, burst)));
				long deadline = request.deadlineNanos;
				request.whenComplete((value, ex) -> expiries.record(deadline));
			});
		}
	}

	// The same with the baseline.
	private static Expiries expireBaseline(int count, long minMs, long spreadMs, boolean burst, boolean settle)
			throws InterruptedException {
		try (ScheduledTimeoutRegistry registry = new ScheduledTimeoutRegistry()) {
			return expire(count, "baseline-timeouts-", settle, (i, expiries) -> {
				ScheduledTimeoutRegistry.Pending<String> request = registry.register("bench",
						Duration.ofMillis(timeout(i, count, minMs, spreadMs, burst)));
				long deadline = request.deadlineNanos;
				request.whenComplete((value, ex) -> expiries.record(deadline));
			});
		}
	}

	// On a collected heap: register the requests (each records its expiry), then measure until all expired.
	private static Expiries expire(int count, String timerPrefix, boolean settle, Registrar registrar)
			throws InterruptedException {
		usedAfterGc();
		Expiries expiries = new Expiries(count, timerPrefix);
		for (int i = 0; i < count; i++) {
			registrar.register(i, expiries);
		}
		settle(settle);
		expiries.start();
		expiries.await();
		return expiries;
	}

	// Registers the i-th request, whose callback records its expiry.
	@FunctionalInterface
	private interface Registrar {

		void register(int i, Expiries expiries);

	}

	// The timeout of the i-th request: one for all (a burst), or spread evenly.
	private static long timeout(int i, int count, long minMs, long spreadMs, boolean burst) {
		return burst ? minMs : minMs + (spreadMs * i) / count;
	}

	private static double bytesPerRequest(int count, Runnable register, Runnable clear) {
		long before = usedAfterGc();
		register.run();
		long after = usedAfterGc();
		clear.run();
		return (double) (after - before) / count;
	}

	// Collect once the requests are registered (the collection's pause comes before the first deadline).
	private static void settle(boolean settle) {
		if (settle) {
			System.gc();
		}
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

	/**
	 * The lateness of each expiry (from its deadline to its callback), and the bytes allocated and
	 * CPU time spent while they expire (from the end of their registration), by the registry's
	 * timer thread (named by the prefix; the baseline's, its scheduler's) and by every Java thread (the
	 * timer's, the completion threads with the callbacks
	 * and the dependent futures' own failures, the main thread waiting). The futures are not kept:
	 * a callback counts down a latch, so that nothing of an ended request stays reachable but what
	 * the registry keeps.
	 */
	private static final class Expiries {

		// Each callback's lateness, in nanoseconds, at the index it took.
		private final long[] late;

		private final AtomicInteger recorded = new AtomicInteger();

		private final CountDownLatch done;

		private final int count;

		private final String timerPrefix;

		private Map<Long, Long> allocatedBefore = Map.of();

		private Map<Long, Long> cpuBefore = Map.of();

		private long timerBytes;

		private long allBytes;

		private long timerCpu;

		private long allCpu;

		private long collectionsBefore;

		private long pausedBefore;

		private long collections;

		private long paused;

		Expiries(int count, String timerPrefix) {
			this.count = count;
			this.late = new long[count];
			this.done = new CountDownLatch(count);
			this.timerPrefix = timerPrefix;
		}

		// Once the requests are registered: what registering them allocates is not counted.
		void start() {
			this.allocatedBefore = allocated();
			this.cpuBefore = cpu();
			this.collectionsBefore = collections();
			this.pausedBefore = paused();
		}

		void record(long deadlineNanos) {
			long late = Math.max(0, System.nanoTime() - deadlineNanos);
			int index = this.recorded.getAndIncrement();
			if (index < this.late.length) {
				this.late[index] = late;
			}
			this.done.countDown();
		}

		void await() throws InterruptedException {
			if (!this.done.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException(this.done.getCount() + " of " + this.count + " never completed");
			}
			this.collections = collections() - this.collectionsBefore;
			this.paused = paused() - this.pausedBefore;
			Map<Long, Long> after = allocated();
			Map<Long, Long> cpuAfter = cpu();
			for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
				Long now = (thread != null) ? after.get(thread.getThreadId()) : null;
				if (thread == null || now == null) {
					continue;
				}
				long bytes = now - this.allocatedBefore.getOrDefault(thread.getThreadId(), 0L);
				long cpu = cpuAfter.getOrDefault(thread.getThreadId(), 0L)
						- this.cpuBefore.getOrDefault(thread.getThreadId(), 0L);
				this.allBytes += bytes;
				this.allCpu += cpu;
				if (thread.getThreadName().startsWith(this.timerPrefix)) {
					this.timerBytes += bytes;
					this.timerCpu += cpu;
				}
			}
		}

		void print(String pattern, String name) {
			Histogram lateness = new Histogram(3);
			for (long value : this.late) {
				lateness.recordValue(value);
			}
			System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %,d | %,d | %.2f | %.2f | %d (%d) |%n", pattern,
					name, lateness.getValueAtPercentile(50) / 1e6, lateness.getValueAtPercentile(99) / 1e6,
					lateness.getValueAtPercentile(99.9) / 1e6, lateness.getMaxValue() / 1e6,
					this.allBytes / this.count, this.timerBytes / this.count, this.allCpu / 1e3 / this.count,
					this.timerCpu / 1e3 / this.count, this.collections, this.paused);
		}

		private static long collections() {
			long total = 0;
			for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
				total += Math.max(0, collector.getCollectionCount());
			}
			return total;
		}

		// Approximate: G1's young collector reports the time of its pauses, its concurrent cycles not.
		private static long paused() {
			long total = 0;
			for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
				total += Math.max(0, collector.getCollectionTime());
			}
			return total;
		}

		private static Map<Long, Long> allocated() {
			long[] ids = threads.getAllThreadIds();
			return perThread(ids, threads.getThreadAllocatedBytes(ids));
		}

		private static Map<Long, Long> cpu() {
			long[] ids = threads.getAllThreadIds();
			return perThread(ids, threads.getThreadCpuTime(ids));
		}

		private static Map<Long, Long> perThread(long[] ids, long[] values) {
			Map<Long, Long> byThread = new HashMap<>();
			for (int i = 0; i < ids.length; i++) {
				if (values[i] >= 0) {
					byThread.put(ids[i], values[i]);
				}
			}
			return byThread;
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
