package dev.requestreply.observation;

import java.time.Duration;
import java.util.Map;

import dev.requestreply.actuate.DurableRequestsHealthIndicator;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.durable.DurableListeners;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.durable.DurableSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters and health of durable requests exist whether or not the application has listeners,
 * so that dashboards and alert rules always find them.
 */
class DurableRequestsMeterBinderTests {

	private final DurableRequests durable = new DurableRequests(
			new DurableSettings("orders-durable-replies", "orders-durable-pending", "orders-durable", true, 6,
					(short) -1, Duration.ofHours(1), Duration.ofSeconds(30), Map.of()),
			new DurableListeners(), new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())),
			new DefaultKafkaConsumerFactory<>(Map.of()), Map.of(), new PayloadConverter(JsonMapper.builder().build()));

	@Test
	void whenApplicationHasNoListenersThenEveryDurableMeterIsPublishedAtZero() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new DurableRequestsMeterBinder(this.durable).bindTo(registry);
		assertThat(registry.get(DurableRequestsMeterBinder.PENDING).gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.RESTORING).gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.RESTORE_TIME).gauge().value()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.OUTCOMES).functionCounters()).hasSize(4);
		assertThat(registry.get(DurableRequestsMeterBinder.OUTCOMES).tag("type", "timed_out").functionCounter().count())
			.isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.LISTENER_FAILURES).functionCounter().count()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.UNKNOWN_REPLIES).functionCounter().count()).isZero();
		assertThat(registry.get(DurableRequestsMeterBinder.REDELIVERIES).functionCounter().count()).isZero();
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
