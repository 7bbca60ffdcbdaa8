package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.bench.ScheduledTimeoutRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pending-request registry against the baseline of a map plus one scheduled task per request
 * ({@link ScheduledTimeoutRegistry}).
 * <ul>
 * <li>{@code *RegisterComplete}: register a request (20 min timeout, later than every background request), then take it by id and
 * complete it, as a reply does.</li>
 * <li>{@code *RegisterTimeout}: register a request with a 1 ms timeout; each thread keeps at most
 * {@value #WINDOW} of its own requests pending and waits for the oldest to time out past that,
 * so the score is the sustained rate of requests that end by timing out.</li>
 * </ul>
 * In package {@code dev.requestreply} to reach the registry's package-private operations.
 *
 * <p>
 * In the engine's package on purpose: it drives the registry's package-private end path as the
 * reply dispatcher does, without widening it for a benchmark.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
public class RegistryBenchmark {

	static final int WINDOW = 16_384;

	static final Duration REPLY_TIMEOUT = Duration.ofMinutes(20);

	static final Duration SHORT_TIMEOUT = Duration.ofMillis(1);

	@State(Scope.Benchmark)
	@SuppressWarnings("NullAway.Init") // JMH calls setUp() before any benchmark method
	public static class Registries {

		/**
		 * Requests left pending in each registry before measuring, their deadlines spread over the
		 * 10 minutes before those of the measured requests (as when requests of one timeout arrive
		 * at a steady rate).
		 */
		@Param({ "0", "10000" })
		public int pending;

		PendingRequests wheel;

		ScheduledTimeoutRegistry baseline;

		@Setup(Level.Trial)
		public void setUp() {
			// The production tick and late-reply window; a limit just above 8 threads' windows (the
			// limit also bounds how many ended ids are remembered for late replies).
			this.wheel = new PendingRequests(Duration.ofMillis(10), 200_000, Duration.ofMinutes(1));
			this.baseline = new ScheduledTimeoutRegistry();
			for (int i = 0; i < this.pending; i++) {
				Duration timeout = Duration.ofMinutes(10).plusMillis(600_000L * i / this.pending);
				this.wheel.register("background", String.class, timeout);
				this.baseline.register("background", timeout);
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.wheel.close();
			this.baseline.close();
		}

	}

	@State(Scope.Thread)
	public static class Window {

		final ArrayDeque<CompletableFuture<?>> pending = new ArrayDeque<>(WINDOW + 1);

		void add(CompletableFuture<?> future) {
			this.pending.addLast(future);
			if (this.pending.size() > WINDOW) {
				awaitEnd(this.pending.pollFirst());
			}
		}

		@TearDown(Level.Iteration)
		public void drain() {
			CompletableFuture<?> future;
			while ((future = this.pending.pollFirst()) != null) {
				awaitEnd(future);
			}
		}

		private static void awaitEnd(CompletableFuture<?> future) {
			future.handle((value, ex) -> null).join();
		}

	}

	@Benchmark
	public Object wheelRegisterComplete(Registries registries) {
		PendingRequests registry = registries.wheel;
		PendingRequest<String> request = registry.register("bench", String.class, REPLY_TIMEOUT);
		// As the reply dispatcher does: look the request up by its id, then end it.
		@SuppressWarnings("unchecked")
		PendingRequest<String> found = (PendingRequest<String>) registry.get(request.id);
		if (found == null) {
			throw new IllegalStateException("The request just registered is not pending");
		}
		registry.succeed(found, "reply");
		return found;
	}

	@Benchmark
	public Object baselineRegisterComplete(Registries registries) {
		ScheduledTimeoutRegistry registry = registries.baseline;
		ScheduledTimeoutRegistry.Pending<String> request = registry.register("bench", REPLY_TIMEOUT);
		@SuppressWarnings("unchecked")
		ScheduledTimeoutRegistry.Pending<String> taken = (ScheduledTimeoutRegistry.Pending<String>) registry
			.take(request.id);
		taken.complete("reply");
		return taken;
	}

	@Benchmark
	public void wheelRegisterTimeout(Registries registries, Window window) {
		window.add(registries.wheel.register("bench", String.class, SHORT_TIMEOUT));
	}

	@Benchmark
	public void baselineRegisterTimeout(Registries registries, Window window) {
		window.add(registries.baseline.register("bench", SHORT_TIMEOUT));
	}

}
