package dev.requestreply.observation;

import dev.requestreply.actuate.DurableRequestsHealthIndicator;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.durable.TestDurableRequests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters and health of durable requests exist whether or not the application has listeners,
 * so that dashboards and alert rules always find them; those tagged by kind exist for each kind of
 * its listeners.
 */
class DurableRequestsMeterBinderTests {

	private final DurableRequests durable = TestDurableRequests.withoutListeners();

	@AfterEach
	void destroy() {
		this.durable.destroy();
	}

	@Test
	void whenApplicationHasNoListenersThenEveryMeterWithoutKindIsPublishedAtZero() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new DurableRequestsMeterBinder(this.durable).bindTo(registry);
		assertThat(registry.get(DurableRequestsMeterBinder.OLDEST_PENDING).gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.RESTORING).gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.RESTORE_TIME).gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.LISTENER_FAILURES).functionCounter().count()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.UNKNOWN_REPLIES).functionCounter().count()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.REDELIVERIES).functionCounter().count()).isZero();
		// Tagged by the listeners' kinds: none here.
		assertThat(registry.find(DurableRequestsMeterBinder.PENDING).meters()).isEmpty();
		assertThat(registry.find(DurableRequestsMeterBinder.OUTCOMES).meters()).isEmpty();
	}

	@Test
	void whenApplicationHasListenersThenPendingAndOutcomesArePublishedForEachKindAtZero() {
		DurableRequests durable = TestDurableRequests.withReportAndInvoiceListeners();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new DurableRequestsMeterBinder(durable).bindTo(registry);
		assertThat(registry.get(DurableRequestsMeterBinder.PENDING).gauges()).hasSize(2);
		assertThat(registry.get(DurableRequestsMeterBinder.PENDING).tag("kind", "invoice").gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.PENDING).tag("kind", "report").gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.OUTCOMES).functionCounters()).hasSize(8);
		assertThat(registry.get(DurableRequestsMeterBinder.OUTCOMES)
			.tag("kind", "report")
			.tag("type", "timed_out")
			.functionCounter()
			.count()).isZero();
		assertThat(durable.getOutcomesByKind()).containsOnlyKeys("invoice", "report");
		assertThat(durable.getOutcomesByKind().get("report")).containsOnlyKeys("replied", "failed", "timed_out",
				"cancelled");
		durable.destroy();
	}

	@Test
	void whenNoPartitionRestoresThenHealthIsUpAndNamesTheTopics() {
		var health = new DurableRequestsHealthIndicator(this.durable).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("readingOutcomes", false)
			.containsEntry("pendingTopic", "orders-durable-pending")
			.containsEntry("restoringPartitions", 0);
	}

}
