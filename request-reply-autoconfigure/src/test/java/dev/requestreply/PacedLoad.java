package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Requests sent at a steady pace, round-robin over the partitions of a topic, each recording how
 * it ended and when: for the crash tests, which measure the outage a fault causes (from the fault
 * to the first reply again) and count requests failed, replied late and lost.
 */
final class PacedLoad {

	/** A reply slower than this counts as late. */
	static final Duration LATE = Duration.ofSeconds(1);

	private final RequestReplyTemplate template;

	private final String topic;

	private final int partitions;

	private final IntFunction<Duration> timeouts;

	private final List<Sample> samples = new CopyOnWriteArrayList<>();

	private final AtomicInteger sequence = new AtomicInteger();

	private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();

	private volatile long faultNanos = Long.MAX_VALUE;

	/**
	 * @param timeouts the timeout of the request of each sequence number
	 */
	PacedLoad(RequestReplyTemplate template, String topic, int partitions, IntFunction<Duration> timeouts) {
		this.template = template;
		this.topic = topic;
		this.partitions = partitions;
		this.timeouts = timeouts;
	}

	void start(Duration interval) {
		this.sender.scheduleAtFixedRate(this::sendOne, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void sendOne() {
		int seq = this.sequence.getAndIncrement();
		int partition = seq % this.partitions;
		Sample sample = new Sample(seq, partition, System.nanoTime());
		this.samples.add(sample);
		this.template
			.request(new ProducerRecord<>(this.topic, partition, null, "m" + seq), String.class,
					this.timeouts.apply(seq))
			.whenComplete(sample::end);
	}

	/**
	 * Record that the fault happens now.
	 */
	void fault() {
		this.faultNanos = System.nanoTime();
	}

	/**
	 * Return how many requests were sent after the first reply to a request sent after the fault
	 * on one of the given partitions, or -1 while there is none.
	 */
	int sentSinceRecovery(IntPredicate partitions) {
		long recovered = firstReplyAfterFault(partitions);
		return (recovered == Long.MAX_VALUE) ? -1
				: (int) this.samples.stream().filter((sample) -> sample.sentNanos > recovered).count();
	}

	private long firstReplyAfterFault(IntPredicate partitions) {
		return this.samples.stream()
			.filter((sample) -> sample.sentNanos > this.faultNanos && partitions.test(sample.partition)
					&& sample.replied())
			.mapToLong((sample) -> sample.endedNanos)
			.min()
			.orElse(Long.MAX_VALUE);
	}

	/**
	 * Return how many requests were answered from {@code before} the fault to {@code after} it.
	 */
	int repliedAroundFault(Duration before, Duration after) {
		long from = this.faultNanos - before.toNanos();
		long to = this.faultNanos + after.toNanos();
		return count(this.samples.stream().toList(),
				(sample) -> sample.replied() && sample.endedNanos - from >= 0 && sample.endedNanos - to <= 0);
	}

	/**
	 * Return how long after the fault the answered rate was back to half of what it was in the
	 * {@code before} before it, in windows of {@code window} sliding from the fault; 0 when it
	 * never fell below, -1 when it was not back by the last request sent.
	 */
	long rateDegradedMs(Duration before, Duration window) {
		long fault = this.faultNanos;
		List<Sample> all = this.samples.stream().toList();
		long from = fault - before.toNanos();
		int repliedBefore = count(all, (sample) -> sample.replied() && sample.endedNanos - from >= 0
				&& sample.endedNanos - fault < 0);
		double needed = repliedBefore * ((double) window.toNanos() / before.toNanos()) / 2;
		long last = all.stream().mapToLong((sample) -> sample.sentNanos).max().orElse(fault);
		long step = window.toNanos() / 5;
		for (long start = fault; start - last < 0; start += step) {
			long windowStart = start;
			long windowEnd = start + window.toNanos();
			int replied = count(all, (sample) -> sample.replied() && sample.endedNanos - windowStart >= 0
					&& sample.endedNanos - windowEnd < 0);
			if (replied >= needed) {
				return TimeUnit.NANOSECONDS.toMillis(start - fault);
			}
		}
		return -1;
	}

	/**
	 * Return how long after the fault the last request was sent that failed or was answered late
	 * (0 when none was).
	 */
	long sufferedMs() {
		long fault = this.faultNanos;
		return this.samples.stream()
			.filter((sample) -> sample.sentNanos - fault > 0 && (sample.failed() || sample.late()))
			.mapToLong((sample) -> TimeUnit.NANOSECONDS.toMillis(sample.sentNanos - fault))
			.max()
			.orElse(0);
	}

	/**
	 * Return how long after the fault (negative: before it) the first request was sent that
	 * failed or was answered late, among those sent at most {@code lookBack} before the fault (the
	 * ones in flight at the fault, leaving aside a slow start), or {@code null} when none was; with
	 * {@link #sufferedMs()}, the window of degraded service.
	 */
	@Nullable Long firstSufferedMs(Duration lookBack) {
		long fault = this.faultNanos;
		long from = fault - lookBack.toNanos();
		return this.samples.stream()
			.filter((sample) -> sample.sentNanos - from >= 0 && (sample.failed() || sample.late()))
			.mapToLong((sample) -> TimeUnit.NANOSECONDS.toMillis(sample.sentNanos - fault))
			.boxed()
			.min(Long::compare)
			.orElse(null);
	}

	/**
	 * Return how many requests were sent so far after the fault.
	 */
	int sentSinceFault() {
		long fault = this.faultNanos;
		return (int) this.samples.stream().filter((sample) -> sample.sentNanos - fault > 0).count();
	}

	/**
	 * Stop sending and wait, at most {@code timeout}, until every request sent has ended.
	 */
	void stop(Duration timeout) throws InterruptedException {
		this.sender.shutdown();
		this.sender.awaitTermination(10, TimeUnit.SECONDS);
		CompletableFuture<?>[] all = this.samples.stream().map((sample) -> sample.ended).toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(all).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			// Counted as lost below.
		}
	}

	/**
	 * Return the figures of the requests sent to the given partitions.
	 */
	Figures figures(IntPredicate partitions) {
		List<Sample> chosen = this.samples.stream().filter((sample) -> partitions.test(sample.partition)).toList();
		return figuresOf(chosen, firstReplyAfterFault(partitions));
	}

	/**
	 * Return the figures of the requests sent at most {@code lookBack} before the fault or after it.
	 */
	Figures figuresSince(Duration lookBack) {
		long from = this.faultNanos - lookBack.toNanos();
		List<Sample> chosen = this.samples.stream().filter((sample) -> sample.sentNanos - from >= 0).toList();
		return figuresOf(chosen, firstReplyAfterFault((p) -> true));
	}

	/**
	 * Return the figures of requests sent after the fault and before the recovery, with a
	 * timeout chosen by the predicate.
	 */
	Figures figuresDuringOutage(IntPredicate partitions, IntPredicate sequences) {
		long recovered = firstReplyAfterFault(partitions);
		List<Sample> chosen = this.samples.stream()
			.filter((sample) -> partitions.test(sample.partition) && sequences.test(sample.seq)
					&& sample.sentNanos > this.faultNanos && sample.sentNanos < recovered)
			.toList();
		return figuresOf(chosen, recovered);
	}

	private Figures figuresOf(List<Sample> chosen, long recoveredNanos) {
		return new Figures(chosen.size(), count(chosen, Sample::replied), count(chosen, Sample::late),
				count(chosen, Sample::failed), count(chosen, Sample::timedOut), count(chosen, Sample::wrong),
				count(chosen, (sample) -> !sample.ended.isDone()),
				TimeUnit.NANOSECONDS.toMillis(recoveredNanos - this.faultNanos));
	}

	private static int count(List<Sample> samples, Predicate<Sample> test) {
		return (int) samples.stream().filter(test).count();
	}

	/**
	 * How the requests of a run ended: {@code failed} includes {@code timedOut}; {@code lost} are
	 * those whose future never ended; {@code outageMs} runs from the fault to the first reply
	 * to a request sent after it.
	 */
	record Figures(int sent, int replied, int late, int failed, int timedOut, int wrong, int lost, long outageMs) {

		@Override
		public String toString() {
			return "sent " + this.sent + ", replied " + this.replied + " (late " + this.late + "), failed "
					+ this.failed + " (timed out " + this.timedOut + "), wrong " + this.wrong + ", lost " + this.lost
					+ ", outage " + this.outageMs + " ms";
		}

	}

	private static final class Sample {

		final int seq;

		final int partition;

		final long sentNanos;

		final CompletableFuture<Void> ended = new CompletableFuture<>();

		volatile long endedNanos;

		volatile String reply;

		volatile Throwable failure;

		Sample(int seq, int partition, long sentNanos) {
			this.seq = seq;
			this.partition = partition;
			this.sentNanos = sentNanos;
		}

		void end(String reply, Throwable failure) {
			this.endedNanos = System.nanoTime();
			this.reply = reply;
			this.failure = failure;
			this.ended.complete(null);
		}

		boolean replied() {
			return this.ended.isDone() && this.failure == null && ("echo:m" + this.seq).equals(this.reply);
		}

		boolean late() {
			return replied() && this.endedNanos - this.sentNanos > LATE.toNanos();
		}

		boolean failed() {
			return this.ended.isDone() && this.failure != null;
		}

		boolean timedOut() {
			return failed() && this.failure instanceof RequestTimeoutException;
		}

		boolean wrong() {
			return this.ended.isDone() && this.failure == null && !replied();
		}

	}

}
