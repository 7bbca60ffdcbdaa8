package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Tells whether the reply consumer can read: it runs, and the broker answered one of its fetches
 * (or, for the group's reader of {@code reply-partitions=auto}, any of its requests) within the
 * timeout. A healthy consumer gets an answer to a fetch at least every
 * {@code fetch.max.wait.ms} (500 ms by default), replies or not; its {@code fetch-total} metric
 * counts those answers, so a count that stands still for longer than the timeout means the broker
 * is unreachable (or no longer leads the reply partitions). Read on demand, at most every
 * {@value #SAMPLE_MILLIS} ms, so a request costs a volatile read, no broker round trip.
 *
 * @since 0.2.0
 */
final class ReplyPathMonitor {

	static final long SAMPLE_MILLIS = 100;

	private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";

	private static final String FETCH_TOTAL = "fetch-total";

	private static final String CONSUMER_GROUP = "consumer-metrics";

	// Every answer the consumer got from a broker: fetches, but also the group's heartbeats and
	// joins, metadata. With reply-partitions=auto, the group's reader fetches nothing while it owns
	// no partition or waits in a rebalance, yet the broker still answers it.
	private static final String RESPONSE_TOTAL = "response-total";

	private final ReplyListener listener;

	private final long timeoutNanos;


	private double lastFetches = -1;

	private volatile long lastSampleNanos;

	private volatile long lastProgressNanos;

	/**
	 * Create a monitor of a started reply listener.
	 * @param listener the reply listener
	 * @param timeout how long the broker may leave the reply consumer without an answer
	 */
	ReplyPathMonitor(ReplyListener listener, Duration timeout) {
		Assert.notNull(listener, "'listener' must not be null");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be positive");
		this.listener = listener;
		this.timeoutNanos = timeout.toNanos();
		this.lastProgressNanos = System.nanoTime();
		this.lastSampleNanos = this.lastProgressNanos;
	}

	/**
	 * Return why the reply consumer cannot read.
	 * @return the reason, or {@code null} when it reads
	 */
	public @Nullable String problem() {
		if (!this.listener.isRunning()) {
			return "is not running";
		}
		long now = System.nanoTime();
		if (now - this.lastSampleNanos >= TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS)) {
			sample(now);
		}
		long silent = now - this.lastProgressNanos;
		return (silent > this.timeoutNanos) ? "has had no answer from the broker for "
				+ TimeUnit.NANOSECONDS.toMillis(silent) + " ms (request-reply.reply-path-timeout is "
				+ TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + " ms)" : null;
	}

	private synchronized void sample(long now) {
		if (now - this.lastSampleNanos < TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS)) {
			return;
		}
		this.lastSampleNanos = now;
		// Every consumer of the reply path (one container, or the owned and draining readers):
		// progress on any of them counts. Looked up each time, as readers come and go.
		double fetches = 0;
		for (Metric metric : findFetchTotals(this.listener.consumerMetrics())) {
			if (metric.metricValue() instanceof Number count) {
				fetches += count.doubleValue();
			}
		}
		if (fetches != this.lastFetches) {
			this.lastFetches = fetches;
			this.lastProgressNanos = now;
		}
	}

	private static List<Metric> findFetchTotals(Map<MetricName, ? extends Metric> metrics) {
		List<Metric> totals = new ArrayList<>();
		for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
			MetricName name = entry.getKey();
			// A consumer's totals, not one of its per-topic or per-node figures.
			boolean fetches = FETCH_TOTAL.equals(name.name()) && FETCH_GROUP.equals(name.group());
			boolean responses = RESPONSE_TOTAL.equals(name.name()) && CONSUMER_GROUP.equals(name.group());
			if ((fetches || responses) && !name.tags().containsKey("topic") && !name.tags().containsKey("node-id")) {
				totals.add(entry.getValue());
			}
		}
		return totals;
	}

}
