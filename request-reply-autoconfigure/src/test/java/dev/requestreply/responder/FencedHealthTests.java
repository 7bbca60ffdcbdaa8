package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.requestreply.actuate.RequestReplyHealthIndicator;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.support.SupervisedLoop;
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
		Health health = new RequestReplyHealthIndicator(null, new Handlers(this.container, this.stops)).health();
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

	// The handlers as the health indicator sees them: one container, whose stops are watched.
	private record Handlers(ConcurrentMessageListenerContainer<byte[], byte[]> container,
			ConsumerStops stops) implements ReplyHandlerContainers {

		@Override
		public boolean isRunning() {
			return true;
		}

		@Override
		public List<ReplyHandlerEndpoint> getEndpoints() {
			return List.of();
		}

		@Override
		public String groupId(ReplyHandlerEndpoint endpoint) {
			return "pricing";
		}

		@Override
		public Map<String, ReplyHandlerStats> getStats() {
			return Map.of();
		}

		@Override
		public Map<String, ReplyHandlerExecution> getExecution() {
			return Map.of();
		}

		@Override
		public List<SupervisedLoop.Status> getBackgroundLoops() {
			return List.of();
		}

		@Override
		public Map<String, String> getStopReasons() {
			String reason = this.stops.abnormalStop();
			return (reason != null) ? Map.of(CONTAINER, reason) : Map.of();
		}

		@Override
		public List<ConcurrentMessageListenerContainer<byte[], byte[]>> getContainers() {
			return List.of(this.container);
		}

		@Override
		public void addOutcomeListener(ReplyHandlerOutcomeListener listener) {
		}

	}

}
