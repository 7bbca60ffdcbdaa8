package dev.requestreply.actuate;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.requestreply.requester.RequestOutcome;
import dev.requestreply.requester.RequestOutcomeListener;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * How requests ended, by target topic, with the round trip percentiles of the most recent
 * replies of each. Memory is bounded: a fixed window of recent round trips per topic, and at most
 * {@value #MAX_TOPICS} topics (the figures of any further topic are added up under
 * {@value #OTHER_TOPICS}). Register it with
 * {@link dev.requestreply.CorrelationRegistry#addEngineListener(RequestOutcomeListener)}: it is
 * quick and never blocks, so it counts each end at once, whatever the completion threads do.
 *
 * @since 0.1.0
 */
public class RequestReplyTopicStatistics implements RequestOutcomeListener {

	/**
	 * Most topics kept apart.
	 */
	public static final int MAX_TOPICS = 1000;

	/**
	 * Name under which the figures of topics beyond {@value #MAX_TOPICS} are kept.
	 */
	public static final String OTHER_TOPICS = "(other)";

	private static final int DEFAULT_WINDOW = 1024;

	private final Map<String, TopicFigures> topics = new ConcurrentHashMap<>();

	private final int window;

	/**
	 * Create statistics that keep the last 1024 round trips of each topic.
	 */
	public RequestReplyTopicStatistics() {
		this(DEFAULT_WINDOW);
	}

	/**
	 * Create statistics.
	 * @param window how many of the most recent round trips of each topic the percentiles are
	 * computed from
	 */
	public RequestReplyTopicStatistics(int window) {
		Assert.isTrue(window > 0, "'window' must be positive");
		this.window = window;
	}

	@Override
	public void onOutcome(String topic, RequestOutcome outcome, long durationNanos) {
		TopicFigures figures = this.topics.get(topic);
		if (figures == null) {
			String key = (this.topics.size() < MAX_TOPICS) ? topic : OTHER_TOPICS;
			figures = this.topics.computeIfAbsent(key, (name) -> new TopicFigures(this.window));
		}
		figures.record(outcome, durationNanos);
	}

	/**
	 * Return a snapshot of the figures of every topic a request ended for, by topic name.
	 * @return the figures, sorted by topic
	 */
	public Map<String, Snapshot> snapshot() {
		Map<String, Snapshot> result = new TreeMap<>();
		this.topics.forEach((topic, figures) -> result.put(topic, figures.snapshot()));
		return result;
	}

	/**
	 * The figures of one topic at one moment.
	 *
	 * @param completed requests answered with a reply that converted
	 * @param timeouts requests that timed out
	 * @param partialGathers scatter-gathers that reached their timeout with some replies and
	 * completed with them
	 * @param errors requests that failed
	 * @param cancelled requests cancelled before their reply
	 * @param samples how many round trips the percentiles are computed from
	 * @param p50Millis the median round trip of recent replies (success or error), in
	 * milliseconds, or {@code null} without any
	 * @param p99Millis the 99th percentile of the same, or {@code null} without any
	 */
	public record Snapshot(long completed, long timeouts, long partialGathers, long errors, long cancelled, int samples,
			@Nullable Double p50Millis,
			@Nullable Double p99Millis) {

	}

	private static final class TopicFigures {

		private final LongAdder completed = new LongAdder();

		private final LongAdder timeouts = new LongAdder();

		private final LongAdder partialGathers = new LongAdder();

		private final LongAdder errors = new LongAdder();

		private final LongAdder cancelled = new LongAdder();

		private final long[] roundTrips;

		private long recorded;

		TopicFigures(int window) {
			this.roundTrips = new long[window];
		}

		void record(RequestOutcome outcome, long durationNanos) {
			switch (outcome) {
				case SUCCESS -> this.completed.increment();
				case TIMEOUT -> this.timeouts.increment();
				case PARTIAL -> this.partialGathers.increment();
				case ERROR -> this.errors.increment();
				case CANCELLED -> this.cancelled.increment();
			}
			// Timeouts and cancellations measure the wait, not a round trip.
			if (outcome == RequestOutcome.SUCCESS || outcome == RequestOutcome.ERROR) {
				synchronized (this) {
					this.roundTrips[(int) (this.recorded++ % this.roundTrips.length)] = durationNanos;
				}
			}
		}

		Snapshot snapshot() {
			long[] samples;
			synchronized (this) {
				samples = Arrays.copyOf(this.roundTrips, (int) Math.min(this.recorded, this.roundTrips.length));
			}
			Arrays.sort(samples);
			return new Snapshot(this.completed.sum(), this.timeouts.sum(), this.partialGathers.sum(), this.errors.sum(),
					this.cancelled.sum(),
					samples.length, percentile(samples, 0.50), percentile(samples, 0.99));
		}

		private static @Nullable Double percentile(long[] sorted, double quantile) {
			if (sorted.length == 0) {
				return null;
			}
			int index = (int) Math.ceil(quantile * sorted.length) - 1;
			return sorted[Math.max(0, index)] / 1_000_000.0;
		}

	}

}
