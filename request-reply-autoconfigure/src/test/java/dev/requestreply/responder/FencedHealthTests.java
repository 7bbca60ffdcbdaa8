package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.requestreply.actuate.RequestReplyHealthIndicator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler's consumer fenced (another member joined with its {@code group.instance.id}, and
 * Spring Kafka stopped it with {@code ConsumerStoppedEvent.Reason.FENCED}): health is DOWN and
 * says which handler and why.
 */
class FencedHealthTests {

	private static final String CONTAINER = "replyHandler-pricing.quote";

	private final List<Consumer<?, ?>> stoppedConsumers = new ArrayList<>();

	private final ConcurrentMessageListenerContainer<byte[], byte[]> container = container();

	private final ConsumerStops stops = new ConsumerStops(this.container, this.stoppedConsumers::add, null);

	private final Object child = new Object();

	@Test
	void whenAHandlersConsumerIsFencedThenHealthIsDownWithTheHandlerAndTheReason() {
		this.stops.publishEvent(new ConsumerStoppedEvent(this.child, this.container, ConsumerStoppedEvent.Reason.FENCED));
		Health health = new RequestReplyHealthIndicator(null, new HealthHandlers(List.of(this.container), () -> {
			String reason = this.stops.abnormalStop();
			return (reason != null) ? Map.of(CONTAINER, reason) : Map.of();
		}, Map.of())).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("reason")).asString()
			.contains("handler container '" + CONTAINER + "'")
			.contains("fenced")
			.contains("request-reply.handler.group-instance-id");
	}

	@Test
	void whenTheFencedConsumerStartsAgainThenNoStopReasonIsLeft() {
		this.stops.publishEvent(new ConsumerStoppedEvent(this.child, this.container, ConsumerStoppedEvent.Reason.FENCED));
		assertThat(this.stops.abnormalStop()).contains("fenced");
		this.stops.publishEvent(new ConsumerStartingEvent(this.child, this.container));
		assertThat(this.stops.abnormalStop()).isNull();
	}

	@Test
	void whenTheContainerStartsNewConsumersThenTheFencedOneIsForgotten() {
		this.stops.publishEvent(new ConsumerStoppedEvent(this.child, this.container, ConsumerStoppedEvent.Reason.FENCED));
		// A container started again makes new child containers, the fenced one no longer among them.
		this.stops.publishEvent(new ConsumerStartingEvent(new Object(), this.container));
		assertThat(this.stops.abnormalStop()).isNull();
	}

	@Test
	void whenAConsumerStopsNormallyThenThereIsNoStopReason() {
		this.stops.publishEvent(new ConsumerStoppedEvent(this.child, this.container, ConsumerStoppedEvent.Reason.NORMAL));
		assertThat(this.stops.abnormalStop()).isNull();
	}

	private static ConcurrentMessageListenerContainer<byte[], byte[]> container() {
		ConcurrentMessageListenerContainer<byte[], byte[]> container = new ConcurrentMessageListenerContainer<>(
				new DefaultKafkaConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9")),
				new ContainerProperties("quotes"));
		container.setBeanName(CONTAINER);
		return container;
	}

}
