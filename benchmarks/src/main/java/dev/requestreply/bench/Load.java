package dev.requestreply.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * The two loads of the end-to-end benchmarks, on one {@link EndToEndBenchmark.RoundTrip}: one
 * request at a time (latency), and a closed loop keeping a number of requests in flight
 * (throughput). Each reports the CPU time this JVM spent over its measured window, so that a JVM
 * holding only one implementation's clients can tell its CPU per round trip.
 */
final class Load {

	private static final long TIMEOUT_SECONDS = 30;

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private Load() {
	}

	/**
	 * What one measured window counted.
	 *
	 * @param roundTrips round trips completed within the window
	 * @param seconds the window's length
	 * @param cpuNanos CPU time of this whole JVM over the window
	 */
	record Window(long roundTrips, double seconds, long cpuNanos) {

		double perSecond() {
			return this.roundTrips / this.seconds;
		}

		double cpuMicrosPerRoundTrip() {
			return (this.roundTrips > 0) ? this.cpuNanos / 1e3 / this.roundTrips : 0;
		}

	}

	/**
	 * One request at a time for {@code seconds}, each round trip recorded.
	 */
	static Histogram latency(EndToEndBenchmark.RoundTrip roundTrip, double seconds) throws Exception {
		Histogram histogram = new Histogram(3);
		long end = System.nanoTime() + (long) (seconds * 1e9);
		while (System.nanoTime() - end < 0) {
			long start = System.nanoTime();
			roundTrip.call().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			histogram.recordValue(System.nanoTime() - start);
		}
		return histogram;
	}

	/**
	 * {@code inFlight} requests in flight for {@code seconds}: the first fifth (at most a second) is
	 * ramp-up, not counted.
	 */
	static Window throughput(EndToEndBenchmark.RoundTrip roundTrip, int inFlight, double seconds) throws Exception {
		Semaphore permits = new Semaphore(inFlight);
		AtomicLong completed = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		long start = System.nanoTime();
		long measureFrom = start + (long) Math.min(1e9, seconds * 0.2e9); // not the ramp-up
		long end = start + (long) (seconds * 1e9);
		long countAtFrom = -1;
		long cpuAtFrom = 0;
		while (true) {
			long now = System.nanoTime();
			if (countAtFrom < 0 && now - measureFrom >= 0) {
				countAtFrom = completed.get();
				cpuAtFrom = cpuNanos();
			}
			if (now - end >= 0) {
				break;
			}
			if (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
				continue;
			}
			roundTrip.call().whenComplete((result, ex) -> {
				if (ex != null) {
					failed.incrementAndGet();
				}
				completed.incrementAndGet();
				permits.release();
			});
		}
		long count = completed.get() - countAtFrom;
		long cpu = cpuNanos() - cpuAtFrom;
		double elapsed = (System.nanoTime() - measureFrom) / 1e9;
		if (!permits.tryAcquire(inFlight, TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Requests still in flight after " + TIMEOUT_SECONDS + " s");
		}
		if (failed.get() > 0) {
			throw new IllegalStateException(failed.get() + " requests failed");
		}
		return new Window(count, elapsed, cpu);
	}

	/**
	 * The CPU time of this JVM so far (all its threads: the clients', the JIT's, the collector's).
	 */
	static long cpuNanos() {
		return OS.getProcessCpuTime();
	}

}
