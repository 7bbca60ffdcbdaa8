package dev.requestreply.observation;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.requestreply.CorrelationId;
import dev.requestreply.CorrelationRegistry;
import dev.requestreply.TestRequests;
import dev.requestreply.requester.FastFailure;
import dev.requestreply.requester.TestRegistries;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RequestReplyMeterBinder} over a registry with requests registered but never sent.
 */
class RequestReplyMeterBinderTests {

	private final CorrelationRegistry registry = TestRegistries.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		TestRegistries.close(this.registry);
	}

	@Test
	void whenBoundThenGaugeAndSkippedCountersExistAtZero() {
		new RequestReplyMeterBinder(this.registry, null).bindTo(this.meters);
		assertThat(this.meters.get("requestreply.pending").gauge().value()).isZero();
		assertThat(this.meters.get("requestreply.pending.limit").gauge().value())
			.isEqualTo(this.registry.getMaxPending());
		for (String reason : new String[] { "late", "duplicate", "foreign", "invalid" }) {
			assertThat(this.meters.get("requestreply.replies.skipped").tag("reason", reason).functionCounter().count())
				.isZero();
		}
		assertThat(this.meters.get("requestreply.requests.rejected").functionCounter().count()).isZero();
		assertThat(this.meters.find("requestreply.requests").timers()).isEmpty();
	}

	@Test
	void whenRequestsFailFastThenTheCounterOfTheirReasonMoves() {
		new RequestReplyMeterBinder(this.registry, null).bindTo(this.meters);
		TestRegistries.failedFast(this.registry, FastFailure.NO_RESPONDER);
		TestRegistries.failedFast(this.registry, FastFailure.NO_RESPONDER);
		TestRegistries.failedFast(this.registry, FastFailure.STREAM_OVERFLOW);
		assertThat(this.meters.get("requestreply.requests.failed.fast").tag("reason", "no-responder").functionCounter()
			.count()).isEqualTo(2.0);
		assertThat(this.meters.get("requestreply.requests.failed.fast").tag("reason", "reply-path-down")
			.functionCounter()
			.count()).isZero();
		assertThat(this.meters.get("requestreply.requests.failed.fast").tag("reason", "stream-overflow")
			.functionCounter()
			.count()).isEqualTo(1.0);
	}

	@Test
	void whenRequestPendsAndIsCancelledThenGaugeAndTimerFollow() {
		new RequestReplyMeterBinder(this.registry, null).bindTo(this.meters);
		TestRequests.register(this.registry, "orders", Duration.ofSeconds(30));
		assertThat(this.meters.get("requestreply.pending").gauge().value()).isEqualTo(1.0);
		CorrelationId id = this.registry.oldest(1).get(0).correlationId();
		TestRegistries.cancel(this.registry, id);
		assertThat(this.meters.get("requestreply.pending").gauge().value()).isZero();
		Timer timer = this.meters.get("requestreply.requests").tags("topic", "orders", "outcome", "cancelled").timer();
		assertThat(timer.count()).isEqualTo(1);
	}

	@Test
	void whenPercentileHistogramOnThenTimerPublishesIt() {
		assertThat(percentileHistogramOfCancelledTimer(true)).isTrue();
	}

	@Test
	void whenPercentileHistogramOffThenRegistryDefaultApplies() {
		// null, not false: so management.metrics.distribution.* can still switch it on
		assertThat(percentileHistogramOfCancelledTimer(false)).isNull();
	}

	private Boolean percentileHistogramOfCancelledTimer(boolean percentileHistogram) {
		AtomicReference<Boolean> seen = new AtomicReference<>();
		this.meters.config().meterFilter(new MeterFilter() {

			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				if (id.getName().equals("requestreply.requests")) {
					seen.set(config.isPercentileHistogram());
				}
				return config;
			}

		});
		RequestReplyMeterBinder binder = new RequestReplyMeterBinder(this.registry, null);
		binder.setPercentileHistogram(percentileHistogram);
		binder.bindTo(this.meters);
		TestRequests.register(this.registry, "orders", Duration.ofSeconds(30));
		TestRegistries.cancel(this.registry, this.registry.oldest(1).get(0).correlationId());
		assertThat(this.meters.get("requestreply.requests").timer().count()).isEqualTo(1);
		return seen.get();
	}

}
